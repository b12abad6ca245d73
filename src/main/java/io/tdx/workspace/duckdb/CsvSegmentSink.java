package io.tdx.workspace.duckdb;

import io.tdx.service.Column;
import io.tdx.service.CsvDialect;
import io.tdx.workspace.CanonicalText;
import io.tdx.workspace.CanonicalRows;
import io.tdx.workspace.RowSink;
import io.tdx.workspace.SegmentFiles;
import io.tdx.workspace.Sql;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
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
  private final List<Column> columns;
  private final SegmentFiles segments;
  private CanonicalRows writer;

  CsvSegmentSink(Connection connection, Executor loader, String table, List<Column> columns, Path directory,
                 int maxLineChars, long segmentBytes, long compressAfterBytes) {
    this.columns = columns;
    String types = "{'__txn': 'INTEGER', '__part': 'INTEGER', '__line': 'BIGINT'"
      + columns.stream().map(c -> ", " + Sql.literal(c.name()) + ": " + Sql.literal(DuckDbDialect.TYPES.type(c))).collect(Collectors.joining())
      + "}";
    String insert = "INSERT INTO " + table + " (__txn, __part, __line, " + Sql.columnList(columns, "") + ") SELECT * FROM "
      + readCsv("%s", types, CanonicalText.CSV, maxLineChars);
    this.segments = new SegmentFiles(directory, loader, segmentBytes, compressAfterBytes, (file, compress) -> {
      try (Statement statement = connection.createStatement()) {
        statement.executeUpdate(insert.formatted(Sql.literal(file.toString())));
        if (compress) {
          statement.execute("CHECKPOINT temp");
        }
      }
    });
  }

  /**
   * DuckDB's reader of a headerless CSV file ({@code file}: a SQL expression) in the dialect, its
   * columns typed as {@code types} (a DuckDB struct literal), empty fields NULL.
   */
  static String readCsv(String file, String types, CsvDialect dialect, int maxLineChars) {
    return readCsv(file, types, dialect, maxLineChars, 0, false);
  }

  /** The same, its first {@code skip} lines skipped, its lines ending in CR LF if {@code crlf} (else LF). */
  static String readCsv(String file, String types, CsvDialect dialect, int maxLineChars, int skip, boolean crlf) {
    // a record of maxLineChars characters may take 3 bytes a character, and twice that quoted
    long maxLineBytes = Math.max(2L << 20, 6L * maxLineChars + 1024);
    String quote = Sql.literal(String.valueOf(dialect.quote()));
    return "read_csv(" + file + ", columns = " + types + ", header = false, skip = " + skip + ", auto_detect = false, delim = "
      + Sql.literal(String.valueOf(dialect.delimiter())) + ", quote = " + quote + ", escape = " + quote
      + ", nullstr = '', new_line = " + (crlf ? "'\\r\\n'" : "'\\n'") + ", max_line_size = " + maxLineBytes
      + ", buffer_size = " + 4 * maxLineBytes + ")";
  }

  @Override
  public void add(int txn, int part, long line, Object[] values) throws IOException, SQLException {
    if (writer == null) {
      writer = new CanonicalRows(segments.stream(), columns);
    }
    writer.add(txn, part, line, values);
    if (segments.full()) {
      writer.flush();
      writer = null;
      segments.load();
    }
  }

  @Override
  public void finish() throws IOException, SQLException {
    if (writer != null) {
      writer.flush();
      writer = null;
    }
    segments.finish();
  }

  @Override
  public void close() throws IOException {
    segments.close();
  }
}
