package io.tdx.workspace.duckdb;

import io.tdx.files.CountingOutputStream;
import io.tdx.service.Column;
import io.tdx.workspace.CanonicalRows;
import io.tdx.workspace.RowSink;
import io.tdx.workspace.Sql;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.stream.Collectors;

/**
 * Rows written, already validated and in a canonical form, to CSV segment files that DuckDB's
 * own parallel CSV reader loads into the staging table. For a large import this costs a fifth of
 * the CPU of the appender (1M rows: 0.4 s against 2.2 s on 2 cores); each segment costs one
 * statement, so small parts use the {@link AppenderSink}. A full segment is loaded on the
 * {@code loader} while the next one is written; segments are bounded in size and deleted once
 * loaded, so the disk holds at most two at a time.
 */
final class CsvSegmentSink implements RowSink {
  static final long SEGMENT_BYTES = 16L << 20;
  /**
   * DuckDB keeps the rows its reader inserts into a temporary table uncompressed (87 MB for 1M
   * staged rows, against 12 MB checkpointed): past this much CSV, the session's temporary
   * tables are checkpointed after each segment, so that a large import stages compressed and
   * spills far less. Below it, the checkpoint's cost (about 0.5 s a million rows) buys nothing.
   */
  static final long COMPRESS_AFTER_BYTES = 256L << 20;
  private final Connection connection;
  private final Executor loader;
  private final String table;
  private final List<Column> columns;
  private final Path directory;
  private final long segmentBytes;
  private final long compressAfterBytes;
  private final String insert;
  private Path segment;
  private OutputStream file;
  private CountingOutputStream counter;
  private CanonicalRows writer;
  private CompletableFuture<Void> loading = CompletableFuture.completedFuture(null);
  private long loadedBytes;

  CsvSegmentSink(Connection connection, Executor loader, String table, List<Column> columns, Path directory,
                 int maxLineChars, long segmentBytes, long compressAfterBytes) {
    this.connection = connection;
    this.loader = loader;
    this.table = table;
    this.columns = columns;
    this.directory = directory;
    this.segmentBytes = segmentBytes;
    this.compressAfterBytes = compressAfterBytes;
    // A record of maxLineChars characters may take 3 bytes a character, and twice that quoted.
    long maxLineBytes = Math.max(2L << 20, 6L * maxLineChars + 1024);
    String types = "{'__txn': 'INTEGER', '__part': 'INTEGER', '__line': 'BIGINT'"
      + columns.stream().map(c -> ", " + Sql.literal(c.name()) + ": " + Sql.literal(DuckDbDialect.TYPES.type(c))).collect(Collectors.joining())
      + "}";
    this.insert = "INSERT INTO " + table + " (__txn, __part, __line, " + Sql.columnList(columns, "") + ") SELECT * FROM read_csv(%s,"
      + " columns = " + types + ", header = false, auto_detect = false, delim = ',', quote = '\"', escape = '\"',"
      + " nullstr = '', new_line = '\\n', max_line_size = " + maxLineBytes + ", buffer_size = " + 4 * maxLineBytes + ")";
  }

  @Override
  public void add(int txn, int part, long line, Object[] values) throws IOException, SQLException {
    if (writer == null) {
      open();
    }
    writer.add(txn, part, line, values);
    if (counter.count() >= segmentBytes) {
      load();
    }
  }

  private void open() throws IOException {
    segment = Files.createTempFile(directory, "segment-", ".csv");
    file = Files.newOutputStream(segment);
    counter = new CountingOutputStream(new BufferedOutputStream(file, 1 << 16));
    writer = new CanonicalRows(counter, columns);
  }

  /** Hands the current segment to the loader once the previous one is loaded, which may throw what DuckDB refused. */
  private void load() throws IOException, SQLException {
    long bytes = counter.count();
    closeSegment();
    awaitLoading();
    Path full = segment;
    segment = null;
    loadedBytes += bytes;
    boolean compress = loadedBytes > compressAfterBytes;
    loading = CompletableFuture.runAsync(() -> {
      try (Statement statement = connection.createStatement()) {
        statement.executeUpdate(insert.formatted(Sql.literal(full.toString())));
        if (compress) {
          statement.execute("CHECKPOINT temp");
        }
      } catch (SQLException e) {
        throw new CompletionException(e);
      } finally {
        deleteQuietly(full);
      }
    }, loader);
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

  @Override
  public void finish() throws IOException, SQLException {
    if (writer != null) {
      load();
    }
    awaitLoading();
  }

  private void closeSegment() throws IOException {
    try {
      writer.close();
      counter.flush();
    } finally {
      writer = null;
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
      if (writer != null) {
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
