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
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.function.Consumer;
import java.sql.Connection;
import java.util.stream.Collectors;

/**
 * Phase one of an import, outside any write transaction: streams the CSV through the parser and
 * the row validator into a temporary staging table (by the engine's bulk loader), rejected rows into
 * the error file, then marks keys that appear twice in the file. A staging table may hold
 * several parts ({@code __part}) of several transactions ({@code __txn}) of a group commit; a
 * single import is part 0 of transaction 0.
 */
final class Stager {
  /** How many line numbers a duplicate key's cause names (the smallest ones). */
  static final int LINES_SHOWN = 5;
  private final Connection connection;
  private final Engine engine;
  private final Limits limits;

  Stager(Connection connection, Engine engine, Limits limits) {
    this.connection = connection;
    this.engine = engine;
    this.limits = limits;
  }

  StagedImport stage(ImportRequest request, InputStream input, String table, Path errorFile)
    throws IOException, SQLException {
    CsvFiles files = engine.csvFiles();
    if (files != null && EngineCsvStager.eligible(request.service())) {
      return new EngineCsvStager(connection, engine, files, limits, this).stage(request, input, table, errorFile);
    }
    try (CsvRowReader reader = new CsvRowReader(input, request.service().dialect(), limits.maxLineChars(), limits.maxFields())) {
      HeaderMapping mapping = HeaderMapping.of(reader.next(), request, limits.maxHeaderChars());
      create(table, mapping.staged());
      ErrorSink errors = new ErrorSink(errorFile, request.service().dialect(), mapping.header(), limits.summaryErrors());
      try {
        long read;
        try (RowSink rows = engine.bulkRows(connection, table, mapping.staged())) {
          read = load(rows, reader, mapping, errors, 0, 0, null, request.rowsRead());
          rows.finish();
        }
        engine.staged(connection, table, read);
        if (request.mode() != ImportMode.DELETE) {
          markDuplicateKeys(table, request.service().keys());
        }
        errors.markStaged();
        return new StagedImport(request, mapping, table, read, errors);
      } catch (IOException | SQLException | RuntimeException e) {
        errors.close();
        throw e;
      }
    }
  }

  void create(String table, List<Column> columns) throws SQLException {
    create(table, columns, "");
  }

  /** A staging table of the columns, with {@code more} column definitions after its own (", name TYPE"). */
  void create(String table, List<Column> columns, String more) throws SQLException {
    String definition = columns.stream().map(c -> Sql.quote(c.name()) + " " + engine.dialect().type(c))
      .collect(Collectors.joining(", "));
    try (Statement statement = connection.createStatement()) {
      statement.execute("CREATE TEMP TABLE " + table + " (__txn INTEGER, __part INTEGER, __line BIGINT, " + definition
        + ", __code VARCHAR, __cause VARCHAR" + more + ")");
    }
  }

  /** Rows of small parts for a staging table; several may be open at once. */
  RowSink smallRows(String table, List<Column> columns) throws SQLException {
    return engine.smallRows(connection, table, columns);
  }

  /** Called once a staging table holds all its rows. */
  void staged(String table, long rows) throws SQLException {
    engine.staged(connection, table, rows);
  }

  /**
   * Adds a part's valid rows as part {@code part} of transaction {@code txn}; rejected rows go to
   * its error file. {@code valid}, when given, sees each valid row's values before they are added
   * (the array is reused for the next row).
   */
  long load(RowSink rows, CsvRowReader reader, HeaderMapping mapping, ErrorSink errors, int txn, int part,
            Consumer<Object[]> valid, java.util.concurrent.atomic.AtomicLong progress) throws IOException, SQLException {
    RowValidator validator = new RowValidator(mapping);
    Object[] values = new Object[mapping.staged().size()];
    long read = 0;
    for (CsvRecord record = reader.next(); record != null; record = reader.next()) {
      read++;
      if ((read & 4095) == 0) {
        progress.lazySet(read); // read by another thread now and then: no fence per row
      }
      RowError error = validator.validate(record, values);
      if (error != null) {
        errors.add(error);
        continue;
      }
      if (valid != null) {
        valid.accept(values);
      }
      rows.add(txn, part, record.line(), values);
    }
    progress.set(read);
    return read;
  }

  /**
   * Rejects every row whose key appears more than once in its part: no row of an ambiguous key is
   * chosen. One hash aggregate and one hash join, so linear in the rows; each row's cause names at
   * most {@link #LINES_SHOWN} lines and how many more there are, so its length is bounded too.
   */
  long markDuplicateKeys(String table, List<Column> keys) throws SQLException {
    String keyList = "__part, " + Sql.columnList(keys, "");
    String hash = engine.dialect().hash(keyList);
    if (hash != null) {
      // the usual file has no duplicate: as many distinct hashes of part and keys as rows say so, for less than the keys' own
      // grouping (DuckDB, 1M rows: 96 ms and 0.17 s of CPU, against 117 ms and 0.23 s grouping by the hash, counting each group)
      try (Statement statement = connection.createStatement();
           java.sql.ResultSet shared = statement.executeQuery("SELECT count(*) - count(DISTINCT " + hash + ") FROM " + table)) {
        shared.next();
        if (shared.getLong(1) == 0) {
          return 0;
        }
      }
    }
    String names = keys.stream().map(Column::name).collect(Collectors.joining(", "));
    String cause = Sql.literal("key (" + names + ") appears on lines ") + " || array_to_string("
      + engine.dialect().smallest("s.__line", LINES_SHOWN) + ", ', ') || CASE WHEN count(*) > " + LINES_SHOWN
      + " THEN ' and ' || (count(*) - " + LINES_SHOWN + ") || ' more' ELSE '' END";
    // the keys that repeat first (a plain hash aggregate), then the lines of those keys only
    String repeated = "SELECT " + keyList + " FROM " + table + " GROUP BY " + keyList + " HAVING count(*) > 1";
    String duplicated = "SELECT s.__part, " + Sql.columnList(keys, "s.") + ", " + cause + " AS cause FROM " + table + " s JOIN ("
      + repeated + ") k ON s.__part = k.__part AND " + Sql.keysMatch(keys, "s", "k") + " GROUP BY s.__part, "
      + Sql.columnList(keys, "s.");
    try (Statement statement = connection.createStatement()) {
      return statement.executeUpdate("UPDATE " + table + " SET __code = '" + CauseCode.DUPLICATE_KEY + "', __cause = d.cause FROM ("
        + duplicated + ") d WHERE " + table + ".__part = d.__part AND " + Sql.keysMatch(keys, table, "d"));
    }
  }
}
