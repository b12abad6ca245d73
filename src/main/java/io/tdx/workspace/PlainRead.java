package io.tdx.workspace;

import io.tdx.load.HeaderMapping;
import io.tdx.load.ImportMode;
import io.tdx.load.ImportRequest;
import io.tdx.service.Column;
import io.tdx.service.ServiceDefinition;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A plain body's rows as the engine reads them from the spooled file and validates them in SQL
 * ({@link EngineCsvStager#plain}): {@code values}, each staged column's expression, are read
 * {@code from} (a {@code FROM} item and its {@code WHERE}) only where staging would accept the row
 * on its own; the body holds {@code rows}. Written straight into the service's table
 * ({@link #insert}, {@link #merge}) or staged ({@link #createStaging}), and checked after: a row
 * left out sends the body to staging through the Java split.
 */
record PlainRead(ImportRequest request, HeaderMapping mapping, List<String> values, String from, long rows) {
  /**
   * A file is merged straight into a table of at most this many times its rows; into a larger
   * one it is staged, as the checks after a straight write would read more of the table than
   * staging reads of the file.
   */
  static final int MERGED_TABLE_SHARE = 4;

  /** Inserts the valid rows into the service's table (the columns the file lacks stay NULL). */
  String insert(Dialect dialect) {
    return Merger.insertInto(request.service(), mapping.staged()) + "SELECT " + typed(dialect) + " FROM " + from;
  }

  /**
   * Whether the rows may be written straight into the service's table while it holds
   * {@code tableRows}: inserted into an empty table, or merged into one of at most
   * {@link #MERGED_TABLE_SHARE} times as many rows (the checks after the write read the whole
   * table), where the import upserts and carries a column besides the keys (each matched row is
   * then updated, so the engine refuses a table row matched by two of the file's rows).
   */
  boolean writableStraightInto(long tableRows) {
    return tableRows == 0 || request.mode() == ImportMode.UPSERT && !request.service().keys().isEmpty()
      && mapping.staged().stream().anyMatch(c -> !c.key()) && tableRows <= MERGED_TABLE_SHARE * rows;
  }

  /**
   * Upserts the valid rows into the service's table in one pass: a row whose keys the table
   * holds has the columns the file carries updated (the others keep their values), the others
   * are inserted. The engine refuses to match one table row with two of the file's.
   */
  String merge(Dialect dialect) {
    ServiceDefinition service = request.service();
    List<Column> carried = mapping.staged();
    String update = carried.stream().filter(c -> !c.key()).map(c -> Sql.quote(c.name()) + " = s." + Sql.quote(c.name()))
      .collect(Collectors.joining(", "));
    return "MERGE INTO " + Sql.quote(service.table()) + " t USING (SELECT " + typed(dialect) + " FROM " + from + ") s ON ("
      + Sql.keysMatch(service.keys(), "t", "s") + ") WHEN MATCHED THEN UPDATE SET " + update
      + " WHEN NOT MATCHED THEN INSERT (" + Sql.columnList(carried, "") + ") VALUES (" + Sql.columnList(carried, "s.") + ")";
  }

  /**
   * Creates a temporary staging table of the valid rows, with the columns of {@link Stager}'s
   * (part 0 of transaction 0, none rejected) and no line numbers.
   */
  String createStaging(String table, Dialect dialect) {
    return "CREATE TEMP TABLE " + table + " AS SELECT CAST(0 AS INTEGER) AS __txn, CAST(0 AS INTEGER) AS __part,"
      + " CAST(NULL AS BIGINT) AS __line, " + typed(dialect) + ", CAST(NULL AS VARCHAR) AS __code, CAST(NULL AS VARCHAR) AS __cause"
      + " FROM " + from;
  }

  /** Each staged column's value, of its column's type, under its name. */
  private String typed(Dialect dialect) {
    List<Column> staged = mapping.staged();
    return IntStream.range(0, staged.size())
      .mapToObj(i -> "CAST(" + values.get(i) + " AS " + dialect.type(staged.get(i)) + ") AS " + Sql.quote(staged.get(i).name()))
      .collect(Collectors.joining(", "));
  }
}
