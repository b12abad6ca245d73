package io.tdx.workspace.duckdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tdx.service.Column;
import io.tdx.service.ColumnType;
import io.tdx.workspace.Sql;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.duckdb.DuckDBConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Staging through CSV segments that DuckDB reads itself: every value comes back as it went in,
 * across many segments loaded while the next is written, and no segment file is left behind.
 */
@DisplayName("Staging through CSV segments read by DuckDB")
class CsvSegmentSinkTest {
  @TempDir
  Path dir;
  DuckDBConnection connection;
  ExecutorService loader;
  final List<Column> columns = List.of(
    new Column("S", ColumnType.STRING, false, true, 0, 0, false, null, null, List.of(), null),
    new Column("I", ColumnType.INT, false, true, 0, 0, false, null, null, List.of(), null),
    new Column("F", ColumnType.FLOAT, false, true, 0, 0, false, null, null, List.of(), null),
    new Column("D", ColumnType.DECIMAL, false, true, 20, 4, true, null, null, List.of(), null),
    new Column("B", ColumnType.BOOLEAN, false, true, 0, 0, false, null, null, List.of(), null),
    new Column("DT", ColumnType.DATE, false, true, 0, 0, false, null, null, List.of(), null),
    new Column("TS", ColumnType.DATETIME, false, true, 0, 0, false, null, null, List.of(), null),
    new Column("U", ColumnType.UUID, false, true, 0, 0, false, null, null, List.of(), null));

  @BeforeEach
  void open() throws SQLException {
    connection = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("test.duckdb"));
    loader = Executors.newSingleThreadExecutor();
  }

  @AfterEach
  void close() throws SQLException {
    loader.shutdownNow();
    connection.close();
  }

  Object[] row(int i) {
    String[] strings = {"comma, inside", "quote \" inside", "\"quoted\"", "new\nline", "crlf\r\nline", "  padded  ",
      "日本語 🚀", "NULL", "back\\slash", "#hash"};
    return new Object[] {
      strings[i % strings.length] + i,
      i % 7 == 0 ? null : (long) i * 1_000_003L - Long.MAX_VALUE / 3,
      i % 5 == 0 ? Double.MIN_VALUE * i : Math.PI * Math.pow(10, i % 40 - 20),
      BigDecimal.valueOf(i * 12_345L - 1_000_000L, 4),
      i % 2 == 0,
      LocalDate.of(1, 1, 1).plusDays(i * 97L),
      LocalDateTime.of(1970, 1, 1, 0, 0).plusNanos(i * 1_234_567_000L),
      new UUID(i, -i)
    };
  }

  /** The staging table as the stager creates it. */
  private void createStaged() throws SQLException {
    String definition = columns.stream().map(c -> Sql.quote(c.name()) + " " + DuckDbDialect.TYPES.type(c))
      .collect(java.util.stream.Collectors.joining(", "));
    try (Statement statement = connection.createStatement()) {
      statement.execute("CREATE TEMP TABLE staged (__txn INTEGER, __part INTEGER, __line BIGINT, " + definition
        + ", __code VARCHAR, __cause VARCHAR)");
    }
  }

  @Test
  @DisplayName("many small segments, loaded in the background and compressed past a size, give back every value")
  void everyValueBack() throws Exception {
    createStaged();
    int rows = 5_000;
    try (CsvSegmentSink sink = new CsvSegmentSink(connection, loader, "staged", columns, dir, 1 << 20, 16 << 10, 64 << 10)) {
      for (int i = 0; i < rows; i++) {
        sink.add(3, i % 4, i + 2L, row(i));
      }
      sink.finish();
    }
    List<Object[]> back = new ArrayList<>();
    try (Statement statement = connection.createStatement();
         ResultSet result = statement.executeQuery("SELECT __txn, __part, __line, S, I, F, D, B, DT, TS, U, __code FROM staged ORDER BY __line")) {
      while (result.next()) {
        assertEquals(3, result.getInt(1));
        assertEquals(null, result.getString(12));
        Object[] values = new Object[columns.size()];
        for (int c = 0; c < columns.size(); c++) {
          values[c] = Sql.read(result, c + 4, columns.get(c).type());
        }
        back.add(new Object[] {result.getInt(2), result.getLong(3), values});
      }
    }
    assertEquals(rows, back.size());
    try (Statement statement = connection.createStatement();
         ResultSet compression = statement.executeQuery("SELECT count(*) FILTER (WHERE compression <> 'Uncompressed') FROM pragma_storage_info('staged')")) {
      compression.next();
      assertTrue(compression.getLong(1) > 0, "the staged rows past 64 KiB of CSV are checkpointed, compressed");
    }
    for (int i = 0; i < rows; i++) {
      assertEquals(i % 4, back.get(i)[0]);
      assertEquals(i + 2L, back.get(i)[1]);
      Object[] expected = row(i);
      Object[] actual = (Object[]) back.get(i)[2];
      for (int c = 0; c < expected.length; c++) {
        assertEquals(expected[c], actual[c], "row " + i + " column " + columns.get(c).name());
      }
    }
    assertNoSegmentLeft();
  }

  @Test
  @DisplayName("a segment the table refuses fails the staging with DuckDB's error, and no file is left")
  void refusedSegment() throws Exception {
    try (Statement statement = connection.createStatement()) {
      statement.execute("CREATE TEMP TABLE staged (__txn INTEGER, __part INTEGER, __line BIGINT, S VARCHAR NOT NULL, I BIGINT,"
        + " F DOUBLE, D DECIMAL(20,4), B BOOLEAN, DT DATE, TS TIMESTAMP, U UUID, __code VARCHAR, __cause VARCHAR)");
    }
    Object[] nullString = row(1);
    nullString[0] = null;
    SQLException refused = assertThrows(SQLException.class, () -> {
      try (CsvSegmentSink sink = new CsvSegmentSink(connection, loader, "staged", columns, dir, 1 << 20, 16 << 10, Long.MAX_VALUE)) {
        for (int i = 0; i < 1_000; i++) {
          sink.add(0, 0, i, i == 500 ? nullString : row(i));
        }
        sink.finish();
      }
    });
    assertTrue(refused.getMessage().contains("NOT NULL"), refused.getMessage());
    assertNoSegmentLeft();
  }

  @Test
  @DisplayName("a value as long as a record may be (quotes doubled, three bytes a character) loads back whole")
  void longestValues() throws Exception {
    createStaged();
    int maxLineChars = 1 << 20;
    List<String> values = List.of("\"".repeat(maxLineChars - 10), "日".repeat(maxLineChars - 10));
    try (CsvSegmentSink sink = new CsvSegmentSink(connection, loader, "staged", columns, dir, maxLineChars, 16 << 20, Long.MAX_VALUE)) {
      for (int i = 0; i < values.size(); i++) {
        Object[] row = row(i);
        row[0] = values.get(i);
        sink.add(0, 0, i, row);
      }
      sink.finish();
    }
    try (Statement statement = connection.createStatement();
         ResultSet result = statement.executeQuery("SELECT S FROM staged ORDER BY __line")) {
      for (String value : values) {
        assertTrue(result.next());
        assertEquals(value, result.getString(1));
      }
    }
  }

  void assertNoSegmentLeft() throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(), files.filter(f -> f.getFileName().toString().startsWith("segment-")).toList());
    }
  }
}
