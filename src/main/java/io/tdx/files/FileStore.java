package io.tdx.files;

import java.io.InputStream;
import java.net.URI;

/**
 * Where files named by one URI scheme live. Blocking: called from worker threads only. Failures
 * are {@link io.tdx.problem.ProblemException}s naming the URI and what is wrong (not found,
 * denied, unreachable).
 */
interface FileStore {

  /** The file's bytes as stored (a {@code .gz} name is decompressed by the caller), streamed. */
  InputStream open(URI uri) throws Exception;

  /**
   * Writes what {@code writer} produces for {@code uri}, not yet visible there: the file appears
   * whole when the result is published, or not at all when it is discarded. An existing file is
   * never replaced unless {@code files.overwrite} allows it.
   */
  Pending stage(URI uri, Writer writer) throws Exception;

  /** Whether the file is elsewhere and fetched (into a part's spool) rather than read in place. */
  default boolean remote() {
    return true;
  }

  /** Produces a file's content onto a stream. */
  @FunctionalInterface
  interface Writer {
    void write(java.io.OutputStream out) throws Exception;
  }

  /** A file written but not yet visible at its URI. */
  interface Pending {
    /** Makes the file appear whole at its URI. */
    void publish() throws Exception;

    /** Drops what was written; nothing appears. Never fails. */
    void discard();
  }
}
