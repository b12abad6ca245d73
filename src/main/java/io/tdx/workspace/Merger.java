package io.tdx.workspace;

import io.tdx.load.CauseCode;
import io.tdx.load.ErrorSink;
import io.tdx.load.HeaderMapping;
import io.tdx.load.ImportMode;
import io.tdx.load.ImportResult;
import io.tdx.load.RowError;
import io.tdx.problem.ProblemException;
import io.tdx.service.Column;
import io.tdx.service.ServiceDefinition;
import io.tdx.service.Services;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.stream.Collectors;

/**
 * Phase two of an import, inside the workspace transaction: checks references against the
 * transaction's current state, reports the rows rejected set-based, and merges the accepted
 * staged rows into the service's table (upsert, replace or delete), counting what changed.
 */
final class Merger {
  private static final String ACCEPTED = "__code IS NULL";
  /** The suffix of the temporary table of an upsert's rows completed with the values they keep. */
  static final String MERGED = "_merged";
  private final Connection connection;
  private final Dialect dialect;
  private final Services services;

  Merger(Connection connection, Dialect dialect, Services services) {
    this.connection = connection;
    this.dialect = dialect;
    this.services = services;
  }

  ImportResult apply(StagedImport staged) throws SQLException, IOException {
    return apply(staged, List.of());
  }

  /**
   * Applies a staged import. A reference is satisfied by a key of the referenced table or by an
   * accepted row of another import of the same transaction into the referenced service
   * ({@code siblings}), whichever part comes first.
   */
  ImportResult apply(StagedImport staged, List<StagedImport> siblings) throws SQLException, IOException {
    staged.errors().resetToStaged(); // a transaction run again reports its set-based rejections again
    check(staged, siblings);
    reportRejected(staged);
    if (staged.request().options().abortOnError() && staged.errors().count() > 0) {
      return result(staged, 0, 0, 0, true);
    }
    return write(staged);
  }

  /**
   * Applies an import staged by the engine's read of a plain body ({@link EngineCsvStager#stagePlain}:
   * every row valid, no key twice, no line numbers). Null, having written nothing, where a check
   * rejects a row: the caller rolls back and stages the body to say on which line.
   */
  ImportResult applyPlain(StagedImport staged) throws SQLException, IOException {
    return check(staged, List.of()) > 0 ? null : write(staged);
  }

  /** The checks against the tables (references, or for a delete the keys still referenced); the rows rejected. */
  private long check(StagedImport staged, List<StagedImport> siblings) throws SQLException {
    return staged.request().mode() == ImportMode.DELETE ? markStillReferenced(staged) : checkReferences(staged, siblings);
  }

  private ImportResult write(StagedImport staged) throws SQLException, IOException {
    return switch (staged.request().mode()) {
      case DELETE -> delete(staged);
      case REPLACE -> replace(staged);
      case UPSERT -> upsert(staged);
    };
  }

  /**
   * Writes a plain body's valid rows straight into the service's table: inserted where it is
   * empty, else merged ({@link PlainRead#writableStraightInto}). Then checks what staging would
   * have found: every row valid (none left out), no key twice (a table row matched twice stops
   * the merge; among the rows inserted, as many distinct key hashes in the table as rows: a
   * collision only sends the import to staging), every reference a key of its table. The
   * result; null where the table is no longer fit or a check fails: the caller rolls back and
   * stages the body instead.
   */
  ImportResult applyDirect(PlainRead load, ErrorSink errors) throws SQLException, IOException {
    ServiceDefinition service = load.request().service();
    String table = Sql.quote(service.table());
    long before = count("SELECT count(*) FROM " + table);
    if (!load.writableStraightInto(before)) {
      return null;
    }
    try {
      if (update(before == 0 ? load.insert(dialect) : load.merge(dialect)) != load.rows()) {
        return null;
      }
    } catch (SQLException e) {
      return null; // the engine's reader refused the body (a count of fields, an encoding), or a key came twice: the Java reader says
    }
    long inserted = before == 0 ? load.rows() : count("SELECT count(*) FROM " + table) - before;
    if (inserted > 0 && !service.keys().isEmpty()
      && count("SELECT count(*) - count(DISTINCT " + dialect.hash(Sql.columnList(service.keys(), "")) + ") FROM " + table) != 0) {
      return null;
    }
    for (Column column : load.mapping().staged()) {
      if (column.reference() == null) {
        continue;
      }
      ServiceDefinition target = services.get(column.reference().service());
      String value = Sql.quote(column.name());
      // each value once: DuckDB, 1M rows of 100,000 values, 37 ms against 57 for every row
      if (count("SELECT count(*) FROM (SELECT DISTINCT " + value + " FROM " + table + ") s WHERE s." + value + " IS NOT NULL"
        + " AND NOT EXISTS (SELECT 1 FROM " + Sql.quote(target.table()) + " r WHERE r." + Sql.quote(target.keys().get(0).name())
        + " = s." + value + ")") != 0) {
        return null;
      }
    }
    errors.markStaged();
    StagedImport written = new StagedImport(load.request(), load.mapping(), null, load.rows(), errors);
    return result(written, inserted, load.rows() - inserted, 0, false);
  }

  private ImportResult delete(StagedImport staged) throws SQLException, IOException {
    return result(staged, 0, 0, update("DELETE FROM " + table(staged) + matched(staged)), false);
  }

  /**
   * The table becomes the accepted rows. With real keys, the rows whose keys stay are updated in
   * place (a delete of every row would break the foreign keys that point to them until the
   * statement's end); without, every row is deleted and the new ones inserted.
   */
  private ImportResult replace(StagedImport staged) throws SQLException, IOException {
    refuseRemovingReferencedKeys(staged);
    long accepted = accepted(staged);
    long updated = count("SELECT count(*) FROM " + table(staged) + matched(staged));
    ServiceDefinition service = staged.request().service();
    String select = "SELECT " + selectAll(staged) + " FROM " + staged.table() + " WHERE " + ACCEPTED;
    long deleted;
    if (dialect.enforcesKeys()) {
      deleted = update("DELETE FROM " + table(staged) + " t WHERE NOT EXISTS (SELECT 1 FROM " + staged.table() + " s WHERE s."
        + ACCEPTED + " AND " + Sql.keysMatch(service.keys(), "s", "t") + ")");
      update(insertInto(service, service.columns()) + select + inKeyOrder(service) + onConflictUpdate(service, service.columns()));
    } else {
      deleted = update("DELETE FROM " + table(staged)) - updated;
      update(insertInto(service, service.columns()) + select);
    }
    return result(staged, accepted - updated, updated, deleted, false);
  }

  private ImportResult upsert(StagedImport staged) throws SQLException, IOException {
    long accepted = accepted(staged);
    ServiceDefinition service = staged.request().service();
    // into an empty table (a first load) the rows are only inserted: no matched row to look for
    long existing = !dialect.enforcesKeys() && count(Sql.countFirstRow(service.table())) == 0 ? 0 : -1;
    long updated = upsert(staged.table(), staged.mapping(), service, existing);
    return result(staged, accepted - updated, updated, 0, false);
  }

  /**
   * Upserts the accepted rows of a staging table (of one part, or of parts whose keys are
   * disjoint); the rows replaced. With real keys it is one {@code INSERT ... ON CONFLICT} of the
   * columns the file carries, so the others keep their values. {@code existing}: how many of the
   * rows' keys the table holds, when the caller counted them already (else -1). Without real
   * keys (where writers take turns, so the count holds) and with none existing, the rows are
   * only inserted: nothing to delete, no value to keep.
   */
  long upsert(String table, HeaderMapping mapping, ServiceDefinition service, long existing) throws SQLException {
    if (existing == 0 && !dialect.enforcesKeys()) {
      update(insertInto(service, service.columns()) + "SELECT " + selectAll(mapping, service) + " FROM " + table
        + " WHERE " + ACCEPTED);
      return 0;
    }
    if (dialect.enforcesKeys()) {
      long updated = existing >= 0 ? existing : count("SELECT count(*) FROM " + table + " s WHERE s." + ACCEPTED
        + " AND EXISTS (SELECT 1 FROM " + Sql.quote(service.table()) + " t WHERE " + Sql.keysMatch(service.keys(), "s", "t") + ")");
      List<Column> carried = service.columns().stream().filter(mapping::carries).toList();
      update(insertInto(service, carried) + "SELECT " + Sql.columnList(carried, "") + " FROM " + table + " WHERE " + ACCEPTED
        + inKeyOrder(service) + onConflictUpdate(service, carried));
      return updated;
    }
    String source = keepAbsentValues(table, mapping, service);
    long updated = update("DELETE FROM " + Sql.quote(service.table()) + matched(table, service));
    update(insertInto(service, service.columns()) + "SELECT " + Sql.columnList(service.columns(), "") + " FROM " + source
      + " src");
    return updated;
  }

  static String insertInto(ServiceDefinition service, List<Column> columns) {
    return "INSERT INTO " + Sql.quote(service.table()) + " (" + Sql.columnList(columns, "") + ") ";
  }

  /**
   * Rows inserted in key order fill the primary key's index from left to right (a quarter
   * faster for a million rows into an empty table) and lay the table out as an export reads it.
   */
  static String inKeyOrder(ServiceDefinition service) {
    return " ORDER BY " + Sql.columnList(service.keys(), "");
  }

  /** {@code ON CONFLICT} of the keys: the given non-key columns take the new row's values. */
  static String onConflictUpdate(ServiceDefinition service, List<Column> columns) {
    String set = columns.stream().filter(c -> !c.key())
      .map(c -> Sql.quote(c.name()) + " = EXCLUDED." + Sql.quote(c.name())).collect(Collectors.joining(", "));
    return " ON CONFLICT (" + Sql.columnList(service.keys(), "") + ") DO " + (set.isEmpty() ? "NOTHING" : "UPDATE SET " + set);
  }

  private static String table(StagedImport staged) {
    return Sql.quote(staged.request().service().table());
  }

  /** {@code t WHERE} the row's key is among the accepted staged rows. */
  private static String matched(StagedImport staged) {
    return matched(staged.table(), staged.request().service());
  }

  private static String matched(String table, ServiceDefinition service) {
    return " t WHERE EXISTS (SELECT 1 FROM " + table + " s WHERE s." + ACCEPTED + " AND "
      + Sql.keysMatch(service.keys(), "s", "t") + ")";
  }

  private long accepted(StagedImport staged) throws SQLException {
    return count("SELECT count(*) FROM " + staged.table() + " WHERE " + ACCEPTED);
  }

  /**
   * The accepted rows with every column: the file's values, and for the optional columns the
   * file lacks, the values the existing rows hold (an upsert keeps them). A DuckDB primary-key
   * index must fit in memory and its updates keep their undo in memory, so rows are merged by
   * deleting the matched ones and inserting their new versions, set-based and spillable.
   */
  private String keepAbsentValues(String table, HeaderMapping mapping, ServiceDefinition service) throws SQLException {
    if (service.columns().stream().allMatch(mapping::carries)) {
      return "(SELECT " + selectAll(mapping, service) + " FROM " + table + " WHERE " + ACCEPTED + ")";
    }
    String merged = table + MERGED;
    String columns = service.columns().stream()
      .map(c -> (mapping.carries(c) ? "s." : "t.") + Sql.quote(c.name()) + " AS " + Sql.quote(c.name()))
      .collect(Collectors.joining(", "));
    update("CREATE TEMP TABLE " + merged + " AS SELECT " + columns + " FROM " + table + " s LEFT JOIN "
      + Sql.quote(service.table()) + " t ON " + Sql.keysMatch(service.keys(), "s", "t") + " WHERE s." + ACCEPTED);
    return merged;
  }

  /** Every column of the service in declared order; NULL for the columns the file lacks. */
  private String selectAll(StagedImport staged) {
    return selectAll(staged.mapping(), staged.request().service());
  }

  private String selectAll(HeaderMapping mapping, ServiceDefinition service) {
    return service.columns().stream()
      .map(c -> mapping.carries(c) ? Sql.quote(c.name()) : "CAST(NULL AS " + dialect.type(c) + ")")
      .collect(Collectors.joining(", "));
  }

  private long checkReferences(StagedImport staged, List<StagedImport> siblings) throws SQLException {
    return checkReferences(staged.table(), staged.mapping(), target -> siblings.stream()
      .filter(sibling -> sibling.request().service() == target && sibling.request().mode() != ImportMode.DELETE)
      .map(StagedImport::table).toList());
  }

  /**
   * Checks the references of a staging table's accepted rows: satisfied by a key of the
   * referenced table, or by an accepted row of the same or an earlier transaction staged for the
   * referenced service ({@code stagedFor}); missing ones are rejected, or added (accumulate).
   * Returns the rows rejected.
   */
  long checkReferences(String table, HeaderMapping mapping, Function<ServiceDefinition, List<String>> stagedFor)
    throws SQLException {
    long rejected = 0;
    for (Column column : mapping.staged()) {
      if (column.reference() == null) {
        continue;
      }
      ServiceDefinition target = services.get(column.reference().service());
      String targetKey = Sql.quote(target.keys().get(0).name());
      String value = Sql.quote(column.name());
      StringBuilder unstaged = new StringBuilder("s." + value + " IS NOT NULL");
      List<String> siblings = stagedFor.apply(target);
      for (String sibling : siblings) {
        unstaged.append(" AND NOT EXISTS (SELECT 1 FROM ").append(sibling).append(" p WHERE p.").append(ACCEPTED)
          .append(" AND p.__txn <= s.__txn AND p.").append(targetKey).append(" = s.").append(value).append(")");
      }
      // no LIMIT: PostgreSQL plans a query that may stop at its first row as a nested loop, which
      // for a reference staged with its key (the usual case, so no row) is rows x rows
      if (!siblings.isEmpty() && count("SELECT count(*) FROM " + table + " s WHERE s." + ACCEPTED + " AND " + unstaged) == 0) {
        continue; // every reference is to a key staged with it: the referenced table is not read
      }
      String missing = unstaged + " AND NOT EXISTS (SELECT 1 FROM " + Sql.quote(target.table()) + " r WHERE r." + targetKey
        + " = s." + value + ")";
      if (column.reference().accumulate()) {
        // with real keys a concurrent transaction may add the same key first
        update("INSERT INTO " + Sql.quote(target.table()) + " (" + targetKey + ") SELECT DISTINCT s." + value + " FROM "
          + table + " s WHERE s." + ACCEPTED + " AND " + missing + (dialect.enforcesKeys() ? " ON CONFLICT DO NOTHING" : ""));
      } else {
        rejected += update("UPDATE " + table + " s SET __code = '" + CauseCode.UNKNOWN_REFERENCE + "', __cause = "
          + Sql.literal(column.name() + " ") + " || CAST(s." + value + " AS VARCHAR) || "
          + Sql.literal(" is not a key of " + target.prefix()) + " WHERE s." + ACCEPTED + " AND " + missing);
      }
    }
    return rejected;
  }

  /** Rejects the rows of a delete whose keys another service still references; the rows rejected. */
  private long markStillReferenced(StagedImport staged) throws SQLException {
    ServiceDefinition service = staged.request().service();
    long rejected = 0;
    for (Map.Entry<ServiceDefinition, Column> referrer : services.referencesTo(service)) {
      String key = Sql.quote(service.keys().get(0).name());
      rejected += update("UPDATE " + staged.table() + " s SET __code = '" + CauseCode.STILL_REFERENCED + "', __cause = "
        + Sql.literal(service.keys().get(0).name() + " ") + " || CAST(s." + key + " AS VARCHAR) || "
        + Sql.literal(" is still referenced by " + referrer.getKey().prefix()) + " WHERE s." + ACCEPTED
        + " AND EXISTS (SELECT 1 FROM " + Sql.quote(referrer.getKey().table()) + " r WHERE r."
        + Sql.quote(referrer.getValue().name()) + " = s." + key + ")");
    }
    return rejected;
  }

  private void refuseRemovingReferencedKeys(StagedImport staged) throws SQLException {
    ServiceDefinition service = staged.request().service();
    for (Map.Entry<ServiceDefinition, Column> referrer : services.referencesTo(service)) {
      String key = Sql.quote(service.keys().get(0).name());
      String sql = "SELECT CAST(t." + key + " AS VARCHAR) FROM " + Sql.quote(service.table()) + " t WHERE NOT EXISTS (SELECT 1 FROM "
        + staged.table() + " s WHERE s." + ACCEPTED + " AND " + Sql.keysMatch(service.keys(), "s", "t")
        + ") AND EXISTS (SELECT 1 FROM " + Sql.quote(referrer.getKey().table()) + " r WHERE r."
        + Sql.quote(referrer.getValue().name()) + " = t." + key + ") ORDER BY 1 LIMIT 5";
      List<String> keys = new ArrayList<>();
      try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
        while (rows.next()) {
          keys.add(rows.getString(1));
        }
      }
      if (!keys.isEmpty()) {
        throw new ProblemException(409, "still-referenced", "Keys still referenced",
          "replacing " + service.prefix() + " would remove keys that " + referrer.getKey().prefix()
            + " still references, such as " + String.join(", ", keys))
          .with("service", service.prefix()).with("referencedBy", referrer.getKey().prefix());
      }
    }
  }

  /** Appends the rows rejected by set-based checks (duplicates, references) to the error file. */
  private void reportRejected(StagedImport staged) throws SQLException {
    reportRejected(staged.table(), staged.mapping(), part -> staged.errors());
  }

  /** Appends the rows rejected by set-based checks to the error file of their part. */
  void reportRejected(String table, HeaderMapping mapping, IntFunction<ErrorSink> errorsOfPart) throws SQLException {
    List<Column> columns = mapping.staged();
    List<String> header = mapping.header();
    String sql = "SELECT __part, __line, " + Sql.columnList(columns, "") + ", __cause, __code FROM " + table
      + " WHERE __code IS NOT NULL ORDER BY __part, __line";
    try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
      while (rows.next()) {
        String[] fields = new String[header.size()];
        for (int i = 0; i < columns.size(); i++) {
          Column column = columns.get(i);
          fields[mapping.fieldIndex(i)] = column.format(dialect.read(rows, i + 3, column.type()));
        }
        errorsOfPart.apply(rows.getInt(1)).add(new RowError(rows.getLong(2), fields, rows.getString(columns.size() + 3),
          CauseCode.valueOf(rows.getString(columns.size() + 4))));
      }
    }
  }

  private ImportResult result(StagedImport staged, long inserted, long updated, long deleted, boolean aborted)
    throws IOException {
    ErrorSink errors = staged.errors();
    return new ImportResult(staged.request().service().prefix(), staged.request().mode(), staged.read(),
      inserted, updated, deleted, errors.count(), errors.header(), errors.first(), errors.finish(), aborted,
      errors.causes());
  }

  private long count(String sql) throws SQLException {
    try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    }
  }

  private long update(String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      return statement.executeUpdate(sql);
    }
  }
}
