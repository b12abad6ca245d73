package io.tdx.workspace;

import io.tdx.files.CountingOutputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * CSV written to bounded segment files that an engine's own reader loads: a full segment is
 * loaded on the {@code loader} while the next one is written, and deleted once loaded, so the
 * disk holds at most two at a time. Nothing else may run on the loading connection meanwhile.
 */
public final class SegmentFiles implements Closeable {
  /** Loads one segment file; {@code compress}: past {@code compressAfterBytes} of CSV loaded. */
  @FunctionalInterface
  public interface Load {
    void load(Path segment, boolean compress) throws SQLException;
  }

  private final Path directory;
  private final Executor loader;
  private final long segmentBytes;
  private final long compressAfterBytes;
  private final Load load;
  private Path segment;
  private OutputStream file;
  private CountingOutputStream counter;
  private CompletableFuture<Void> loading = CompletableFuture.completedFuture(null);
  private long loadedBytes;

  public SegmentFiles(Path directory, Executor loader, long segmentBytes, long compressAfterBytes, Load load) {
    this.directory = directory;
    this.loader = loader;
    this.segmentBytes = segmentBytes;
    this.compressAfterBytes = compressAfterBytes;
    this.load = load;
  }

  /** The stream of the segment being written, opened if none is. */
  public OutputStream stream() throws IOException {
    if (counter == null) {
      segment = Files.createTempFile(directory, "segment-", ".csv");
      file = Files.newOutputStream(segment);
      counter = new CountingOutputStream(new BufferedOutputStream(file, 1 << 16));
    }
    return counter;
  }

  /** Whether the segment being written has reached its size. */
  public boolean full() {
    return counter != null && counter.count() >= segmentBytes;
  }

  /** Hands the segment written to the loader once the previous one is loaded, which may throw what the engine refused. */
  public void load() throws IOException, SQLException {
    long bytes = counter.count();
    closeSegment();
    awaitLoading();
    Path full = segment;
    segment = null;
    loadedBytes += bytes;
    boolean compress = loadedBytes > compressAfterBytes;
    loading = CompletableFuture.runAsync(() -> {
      try {
        load.load(full, compress);
      } catch (SQLException e) {
        throw new CompletionException(e);
      } finally {
        deleteQuietly(full);
      }
    }, loader);
  }

  /** Loads what is written and waits for every load. */
  public void finish() throws IOException, SQLException {
    if (counter != null) {
      load();
    }
    awaitLoading();
  }

  private void awaitLoading() throws SQLException {
    try {
      loading.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof SQLException sql) {
        throw sql;
      }
      throw e;
    }
  }

  private void closeSegment() throws IOException {
    try {
      counter.flush();
    } finally {
      counter = null;
      file.close();
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // left in the data directory's tmp, which the server empties at start
    }
  }

  /** Waits for a segment being loaded (the connection is not to be shared), then deletes what is left. */
  @Override
  public void close() throws IOException {
    try {
      loading.exceptionally(e -> null).join();
      if (counter != null) {
        closeSegment();
      }
    } finally {
      if (segment != null) {
        deleteQuietly(segment);
        segment = null;
      }
    }
  }
}
