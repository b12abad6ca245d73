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

  /** The transaction's state as last seen. */
  default void state(String txnId, String state) {
  }
}
