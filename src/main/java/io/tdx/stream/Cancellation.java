package io.tdx.stream;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Streams a job reads and writes that stop once the work is cancelled: the next read or write
 * throws {@link Cancelled}, which unwinds the job like any failed read, so its workspace
 * transaction rolls back. A flag read per call: nothing to unregister.
 */
public final class Cancellation {
  private Cancellation() {
  }

  /** The work was cancelled while it ran. */
  public static final class Cancelled extends IOException {
    public Cancelled() {
      super("cancelled while it ran");
    }
  }

  public static void check(AtomicBoolean cancelled) throws Cancelled {
    if (cancelled.get()) {
      throw new Cancelled();
    }
  }

  public static InputStream watch(InputStream in, AtomicBoolean cancelled) {
    return new FilterInputStream(in) {
      @Override
      public int read() throws IOException {
        check(cancelled);
        return super.read();
      }

      @Override
      public int read(byte[] buffer, int offset, int length) throws IOException {
        check(cancelled);
        return super.read(buffer, offset, length);
      }
    };
  }

  public static OutputStream watch(OutputStream out, AtomicBoolean cancelled) {
    return new FilterOutputStream(out) {
      @Override
      public void write(int b) throws IOException {
        check(cancelled);
        out.write(b);
      }

      @Override
      public void write(byte[] buffer, int offset, int length) throws IOException {
        check(cancelled);
        out.write(buffer, offset, length);
      }
    };
  }
}
