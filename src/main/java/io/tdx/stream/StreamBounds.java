package io.tdx.stream;

import java.io.IOException;
import java.time.Duration;

/**
 * What a {@link ReadStreamInputStream}'s reader may take and wait for, and what it hears when a
 * bound is crossed or the stream breaks. A failure is an {@link IOException} or an unchecked
 * exception (a problem document), thrown to the reader as it is.
 */
public interface StreamBounds {
  /** Bytes the stream may bring at most. */
  long maxBytes();

  /** Nanoseconds the reader may wait for the next chunk. */
  long nextWaitNanos();

  /** The reader waited this long for a chunk (only the reader's waits count against a stream's time). */
  default void waited(long nanos) {
  }

  /** The failure of a stream past {@link #maxBytes()}; called on the stream's context. */
  Exception tooLarge();

  /** The failure of a reader that waited {@link #nextWaitNanos()} in vain. */
  Exception timedOut();

  /** The failure of a stream that broke. */
  Exception broken(Throwable cause);

  /** The reader leaves the stream before its end (called on the stream's context). */
  default void abandoned() {
  }

  /** A request body's bounds: at most {@code maxBytes}, no chunk awaited longer than {@code maxWait}. */
  static StreamBounds body(long maxBytes, Duration maxWait) {
    return new StreamBounds() {
      @Override
      public long maxBytes() {
        return maxBytes;
      }

      @Override
      public long nextWaitNanos() {
        return maxWait.toNanos();
      }

      @Override
      public Exception tooLarge() {
        return new BodyTooLargeException(maxBytes);
      }

      @Override
      public Exception timedOut() {
        return new BodyTimeoutException("no byte of the body came for " + maxWait.toSeconds() + " s");
      }

      @Override
      public Exception broken(Throwable cause) {
        return cause instanceof IOException io ? io : new IOException("the body could not be read: " + cause.getMessage(), cause);
      }
    };
  }
}
