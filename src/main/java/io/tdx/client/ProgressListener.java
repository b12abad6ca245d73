package io.tdx.client;

/**
 * Told, on the client's event loop, how a long call advances: bytes sent or received, and the
 * state of a transaction being waited for. Keep it quick.
 */
public interface ProgressListener {
  ProgressListener NONE = new ProgressListener() {
  };

  /** {@code bytes} of {@code what} moved so far, out of {@code total} (-1 when unknown). */
  default void transferred(String what, long bytes, long total) {
  }

  /** {@code what} was sent whole {@code millis} ago and the server is still working on it (told about once a second). */
  default void working(String what, long millis) {
  }

  /** The transaction's state as last seen. */
  default void state(String txnId, String state) {
  }

  /**
   * While the transaction commits: the phase ({@code queued}, {@code staging}, {@code applying}),
   * the part at work (or null), and the rows staged (read and checked) and merged so far, summed
   * over its parts.
   */
  default void committing(String txnId, String phase, String part, long rowsStaged, long rowsMerged) {
  }

  /**
   * Whether it wants to hear how a transaction advances twice a second (a poll each time),
   * rather than only when its state changes (long polls).
   */
  default boolean live() {
    return false;
  }
}
