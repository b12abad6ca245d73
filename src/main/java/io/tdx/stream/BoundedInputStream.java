package io.tdx.stream;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Gives at most {@code max} bytes: reading past them calls the overrun, which throws what the caller's bound means. */
public final class BoundedInputStream extends FilterInputStream {
  /** Throws the failure of a stream read past its bound. */
  public interface Overrun {
    void thrown() throws IOException;
  }

  private final long max;
  private final Overrun overrun;
  private long read;

  public BoundedInputStream(InputStream in, long max, Overrun overrun) {
    super(in);
    this.max = max;
    this.overrun = overrun;
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    count(b < 0 ? 0 : 1);
    return b;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    int n = super.read(buffer, offset, length);
    count(Math.max(n, 0));
    return n;
  }

  private void count(int n) throws IOException {
    read += n;
    if (read > max) {
      overrun.thrown();
    }
  }
}
