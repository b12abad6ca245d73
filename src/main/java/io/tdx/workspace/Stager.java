package io.tdx.workspace;

import io.tdx.config.Limits;
import io.tdx.csv.CsvRecord;
import io.tdx.csv.CsvRowReader;
import io.tdx.load.CauseCode;
import io.tdx.load.ErrorSink;
import io.tdx.load.HeaderMapping;
import io.tdx.load.ImportMode;
import io.tdx.load.ImportRequest;
import io.tdx.load.RowError;
import io.tdx.load.RowValidator;
import io.tdx.service.Column;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * Phase one of an import, outside any write transaction: streams the CSV through the parser and
 * the row validator into a temporary staging table with DuckDB's appender, rejected rows into
 * the error file, then marks keys that appear twice in the file. A staging table may hold
 * several parts ({@code __part}) of several transactions ({@code __txn}) of a group commit; a
 * single import is part 0 of transaction 0.
 */
final class Stager {
  private final DuckDBConnection connection;
  private final Limits limits;

  Stager(DuckDBConnection connection, Limits limits) {
    this.connection = connection;
    this.limits = limits;
  }

  StagedImport stage(ImportRequest request, InputStream input, String table, Path errorFile)
    throws IOException, SQLException {
    try (CsvRowReader reader = new CsvRowReader(input, request.service().dialect(), limits.maxLineChars(), limits.maxFields())) {
      HeaderMapping mapping = HeaderMapping.of(reader.next(), request, limits.maxHeaderChars());
      create(table, mapping.staged());
      ErrorSink errors = new ErrorSink(errorFile, request.service().dialect(), mapping.header(), limits.summaryErrors());
      try {
        long read;
        try (DuckDBAppender appender = appender(table)) {
          read = load(appender, reader, mapping, errors, 0, 0);
          // close() can swallow the error of its final flush; flush() throws it.
          appender.flush();
        }
        if (request.mode() != ImportMode.DELETE) {
          markDuplicateKeys(table, request.service().keys());
        }
        return new StagedImport(request, mapping, table, read, errors);
      } catch (IOException | SQLException | RuntimeException e) {
        errors.close();
        throw e;
      }
    }
  }

  void create(String table, List<Column> columns) throws SQLException {
    String definition = columns.stream().map(c -> Sql.quote(c.name()) + " " + Sql.type(c)).collect(Collectors.joining(", "));
    try (Statement statement = connection.createStatement()) {
      statement.execute("CREATE TEMP TABLE " + table + " (__txn INTEGER, __part INTEGER, __line BIGINT, " + definition
        + ", __code VARCHAR, __cause VARCHAR)");
    }
  }

  DuckDBAppender appender(String table) throws SQLException {
    return connection.createAppender("temp", "main", table);
  }

  /** Appends a part's valid rows as part {@code part} of transaction {@code txn}; rejected rows go to its error file. */
  long load(DuckDBAppender appender, CsvRowReader reader, HeaderMapping mapping, ErrorSink errors, int txn, int part)
    throws IOException, SQLException {
    RowValidator validator = new RowValidator(mapping);
    List<Column> columns = mapping.staged();
    Object[] values = new Object[columns.size()];
    long read = 0;
    for (CsvRecord record = reader.next(); record != null; record = reader.next()) {
      read++;
      RowError error = validator.validate(record, values);
      if (error != null) {
        errors.add(error);
        continue;
      }
      appender.beginRow().append(txn).append(part).append(record.line());
      for (int i = 0; i < values.length; i++) {
        append(appender, columns.get(i), values[i]);
      }
      appender.appendNull().appendNull().endRow();
    }
    return read;
  }

  private static void append(DuckDBAppender appender, Column column, Object value) throws SQLException {
    if (value == null) {
      appender.appendNull();
      return;
    }
    switch (column.type()) {
      case STRING -> appender.append((String) value);
      case INT -> appender.append(((Long) value).longValue());
      case FLOAT -> appender.append(((Double) value).doubleValue());
      case DECIMAL -> appender.append((BigDecimal) value);
      case BOOLEAN -> appender.append(((Boolean) value).booleanValue());
      case DATE -> appender.append((LocalDate) value);
      case DATETIME -> appender.append((LocalDateTime) value);
      case UUID -> appender.append((UUID) value);
    }
  }

  /** Rejects every row whose key appears more than once in its part: no row of an ambiguous key is chosen. */
  void markDuplicateKeys(String table, List<Column> keys) throws SQLException {
    String keyList = "__part, " + Sql.columnList(keys, "");
    String duplicated = "SELECT " + keyList + " FROM " + table + " GROUP BY " + keyList + " HAVING count(*) > 1";
    try (Statement statement = connection.createStatement()) {
      try (ResultSet any = statement.executeQuery(duplicated + " LIMIT 1")) {
        if (!any.next()) {
          return;
        }
      }
      String names = keys.stream().map(Column::name).collect(Collectors.joining(", "));
      statement.executeUpdate("UPDATE " + table + " SET __code = '" + CauseCode.DUPLICATE_KEY + "', __cause = "
        + Sql.literal("key (" + names + ") appears on lines ") + " || d.lines"
        + " FROM (SELECT s.__part, " + Sql.columnList(keys, "s.") + ", string_agg(CAST(s.__line AS VARCHAR), ', ' ORDER BY s.__line) AS lines"
        + " FROM " + table + " s JOIN (" + duplicated + ") k ON s.__part = k.__part AND " + Sql.keysMatch(keys, "s", "k")
        + " GROUP BY s.__part, " + Sql.columnList(keys, "s.") + ") d WHERE " + table + ".__part = d.__part AND "
        + Sql.keysMatch(keys, table, "d"));
    }
  }
}
