package io.tdx.cli;

import io.tdx.client.ProgressListener;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Progress on stderr: one line redrawn in place on a terminal (bytes, share, rate, state);
 * plain lines, at most one every few seconds, when not a terminal (a log, a CI job). Told on
 * the client's one event loop; {@link #finish()} comes after the call's future completed.
 */
final class ProgressPrinter implements ProgressListener {
  private static final long TERMINAL_EVERY_NANOS = 200_000_000L;
  private static final long LINES_EVERY_NANOS = 5_000_000_000L;
  private final PrintWriter err;
  private final boolean terminal;
  private final long started = System.nanoTime();
  private long lastPrinted;
  private String lastState;
  private boolean redrawing;

  ProgressPrinter(PrintWriter err, boolean terminal) {
    this.err = err;
    this.terminal = terminal;
  }

  @Override
  public void transferred(String what, long bytes, long total) {
    long now = System.nanoTime();
    boolean done = total >= 0 && bytes >= total;
    if (!done && now - lastPrinted < (terminal ? TERMINAL_EVERY_NANOS : LINES_EVERY_NANOS)) {
      return;
    }
    lastPrinted = now;
    double seconds = Math.max(1e-3, (now - started) / 1e9);
    String line = what + ": " + megabytes(bytes) + (total >= 0 ? " of " + megabytes(total)
      + String.format(Locale.ROOT, " (%d%%)", total == 0 ? 100 : bytes * 100 / total) : "")
      + String.format(Locale.ROOT, ", %.1f MB/s", bytes / 1e6 / seconds);
    print(line, done);
  }

  @Override
  public void state(String txnId, String state) {
    if (state == null || state.equals(lastState)) {
      return;
    }
    lastState = state;
    print(String.format(Locale.ROOT, "transaction %s: %s (%.1f s)", txnId, state, (System.nanoTime() - started) / 1e9), false);
  }

  @Override
  public void committing(String txnId, String phase, String part, long rowsStaged, long rowsMerged) {
    long now = System.nanoTime();
    if (now - lastPrinted < (terminal ? TERMINAL_EVERY_NANOS : LINES_EVERY_NANOS)) {
      return;
    }
    lastPrinted = now;
    print(String.format(Locale.ROOT, "transaction %s: COMMITTING, %s%s: %,d rows staged, %,d merged (%.1f s)", txnId, phase,
      part == null ? "" : " " + part, rowsStaged, rowsMerged, (now - started) / 1e9), false);
  }

  @Override
  public void working(String what, long millis) {
    long now = System.nanoTime();
    if (now - lastPrinted < (terminal ? TERMINAL_EVERY_NANOS : LINES_EVERY_NANOS)) {
      return;
    }
    lastPrinted = now;
    print(String.format(Locale.ROOT, "%s: sent; the server is working on it (%.1f s)", what, millis / 1e3), false);
  }

  @Override
  public boolean live() {
    return true;
  }

  private void print(String line, boolean done) {
    if (terminal) {
      err.print("\r\033[K" + line);
      redrawing = !done;
      if (done) {
        err.println();
      }
    } else {
      err.println(line);
    }
    err.flush();
  }

  /** Ends a line left open on a terminal. */
  void finish() {
    if (terminal && redrawing) {
      err.println();
      redrawing = false;
    }
  }

  private static String megabytes(long bytes) {
    return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
  }
}
