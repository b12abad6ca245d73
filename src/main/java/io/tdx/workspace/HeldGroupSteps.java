package io.tdx.workspace;

import io.tdx.load.CauseCode;
import io.tdx.load.HeaderMapping;
import io.tdx.service.Column;
import io.tdx.service.ServiceDefinition;
import io.tdx.service.Services;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The steps of a group commit whose rows are held in memory ({@link HeldRows}). No staging
 * table: duplicate and shared keys are found in Java; a reference is looked up only when no
 * earlier part of the group holds its key, all of a column's at once; rows reach the database as
 * array parameters. With real keys (PostgreSQL) a shape's rows are written by one statement,
 * which also counts the keys the table held; without (DuckDB), one query finds the rows whose
 * keys the table holds, which update it, and the others are inserted. Values travel as the
 * canonical text a staging table's loader reads, cast by the database to the column's type, so
 * both paths store the same values.
 */
final class HeldGroupSteps implements GroupMerger.Steps {
  private final Connection connection;
  private final StatementCache statements;
  private final Dialect dialect;
  private final Services services;

  HeldGroupSteps(EngineConnection lent, Dialect dialect, Services services) {
    this.connection = lent.connection();
    this.statements = lent.statements();
    this.dialect = dialect;
    this.services = services;
  }

  @Override
  public void checkReferences(StagedGroup group, StagedGroup.Shape shape) throws SQLException {
    List<Column> staged = shape.mapping().staged();
    boolean marked = group.marked.contains(shape.index());
    for (int c = 0; c < staged.size(); c++) {
      Column column = staged.get(c);
      if (column.reference() == null) {
        continue;
      }
      if (column.reference().accumulate()) {
        throw new IllegalStateException("a group commit does not accumulate references (" + column.name() + ")");
      }
      ServiceDefinition target = services.get(column.reference().service());
      Map<Object, Integer> earliest = earliestTransactionOfKey(group, target);
      Map<String, List<HeldRows.Row>> unresolved = new LinkedHashMap<>();
      for (HeldRows.Row row : shape.held().rows()) {
        Object value = row.values[c];
        if (!row.accepted() || value == null) {
          continue;
        }
        Integer first = earliest.get(GroupKeys.comparable(value));
        if (first == null || first > row.txn) {
          unresolved.computeIfAbsent(CanonicalText.of(column, value), v -> new ArrayList<>(1)).add(row);
        }
      }
      if (unresolved.isEmpty()) {
        continue;
      }
      for (Map.Entry<String, String> missing : missingKeys(column, target, unresolved.keySet()).entrySet()) {
        String cause = column.name() + " " + missing.getValue() + " is not a key of " + target.prefix();
        for (HeldRows.Row row : unresolved.get(missing.getKey())) {
          row.reject(CauseCode.UNKNOWN_REFERENCE, cause);
          marked = true;
        }
      }
    }
    if (marked) {
      shape.held().reportRejected(shape.mapping(), part -> shape.members().get(part).errors());
    }
  }

  /** For each key of a service among the group's accepted rows, the first transaction that holds it. */
  private static Map<Object, Integer> earliestTransactionOfKey(StagedGroup group, ServiceDefinition service) {
    Map<Object, Integer> earliest = new HashMap<>();
    Column key = service.keys().get(0);
    for (StagedGroup.Shape shape : group.shapes) {
      int column = shape.service() == service ? shape.mapping().staged().indexOf(key) : -1;
      if (column < 0) {
        continue;
      }
      for (HeldRows.Row row : shape.held().rows()) {
        if (row.accepted()) {
          earliest.merge(GroupKeys.comparable(row.values[column]), row.txn, Math::min);
        }
      }
    }
    return earliest;
  }

  /**
   * Of the values (canonical text of {@code column}), those the referenced table has no key
   * for, each with the text the database shows for it (as a staging table's check names it).
   */
  private Map<String, String> missingKeys(Column column, ServiceDefinition target, Set<String> values) throws SQLException {
    String type = dialect.type(column);
    String sql = "SELECT u.v, CAST(CAST(u.v AS " + type + ") AS VARCHAR) FROM unnest(CAST(? AS text[])) AS u(v)"
      + " WHERE NOT EXISTS (SELECT 1 FROM " + Sql.quote(target.table()) + " r WHERE r." + Sql.quote(target.keys().get(0).name())
      + " = CAST(u.v AS " + type + "))";
    Map<String, String> missing = new HashMap<>();
    PreparedStatement statement = prepare(sql);
    Array array = connection.createArrayOf("text", values.toArray(String[]::new));
    statement.setArray(1, array);
    try (ResultSet rows = statement.executeQuery()) {
      while (rows.next()) {
        missing.put(rows.getString(1), rows.getString(2));
      }
    } finally {
      array.free();
    }
    return missing;
  }

  @Override
  public boolean keysShared(StagedGroup group) {
    Map<ServiceDefinition, Set<List<Object>>> keys = new HashMap<>();
    for (StagedGroup.Shape shape : group.shapes) {
      Set<List<Object>> seen = keys.computeIfAbsent(shape.service(), s -> new HashSet<>());
      int[] columns = keyColumns(shape);
      for (HeldRows.Row row : shape.held().rows()) {
        // a part's accepted keys are distinct (duplicates are rejected): a key seen before is another part's
        if (row.accepted() && !seen.add(GroupKeys.key(row.values, columns))) {
          return true;
        }
      }
    }
    return false;
  }

  private static int[] keyColumns(StagedGroup.Shape shape) {
    return shape.service().keys().stream().mapToInt(shape.mapping().staged()::indexOf).toArray();
  }

  @Override
  public GroupMerger.Counts[] upsert(StagedGroup.Shape shape) throws SQLException {
    HeaderMapping mapping = shape.mapping();
    ServiceDefinition service = shape.service();
    List<Column> carried = service.columns().stream().filter(mapping::carries).toList();
    int[] columns = carried.stream().mapToInt(mapping.staged()::indexOf).toArray();
    List<HeldRows.Row> accepted = shape.held().rows().stream().filter(HeldRows.Row::accepted).toList();
    long[] acceptedOfPart = new long[shape.members().size()];
    long[] existingOfPart = new long[shape.members().size()];
    if (!accepted.isEmpty()) {
      accepted.forEach(row -> acceptedOfPart[row.part]++);
      if (dialect.enforcesKeys()) {
        upsertOnConflict(service, carried, columns, accepted, existingOfPart);
      } else {
        updateOrInsert(service, carried, columns, accepted, existingOfPart);
      }
    }
    return IntStream.range(0, acceptedOfPart.length)
      .mapToObj(part -> new GroupMerger.Counts(acceptedOfPart[part], existingOfPart[part]))
      .toArray(GroupMerger.Counts[]::new);
  }

  /** With real keys: one statement writes the rows and counts, by part, the keys the table held. */
  private void upsertOnConflict(ServiceDefinition service, List<Column> carried, int[] columns, List<HeldRows.Row> accepted,
                                long[] existingOfPart) throws SQLException {
    try (Parameters parameters = new Parameters(prepare(upsertSql(service, carried)), "int4", "text")) {
      parameters.bind(accepted.stream().map(row -> row.part).toArray(Integer[]::new), carried, columns, accepted);
      try (ResultSet rows = parameters.statement.executeQuery()) {
        while (rows.next()) {
          existingOfPart[rows.getInt(1)] = rows.getLong(2);
        }
      }
    }
  }

  /**
   * Without real keys (where writers take turns): one query finds which rows' keys the table
   * holds; those rows update the columns the parts carry (the others keep their values), the
   * rest are inserted in key order, with no second look at the table.
   */
  private void updateOrInsert(ServiceDefinition service, List<Column> carried, int[] columns, List<HeldRows.Row> accepted,
                              long[] existingOfPart) throws SQLException {
    List<Column> keys = service.keys();
    int[] keyColumns = keys.stream().mapToInt(key -> columns[carried.indexOf(key)]).toArray();
    String held = "SELECT v.__row FROM " + rowsOf(keys, "__row") + " JOIN " + Sql.quote(service.table()) + " t ON "
      + Sql.keysMatch(keys, "v", "t");
    boolean[] exists = new boolean[accepted.size()];
    try (Parameters parameters = new Parameters(prepare(held), "INTEGER", "VARCHAR")) {
      parameters.bind(IntStream.range(0, accepted.size()).boxed().toArray(Integer[]::new), keys, keyColumns, accepted);
      try (ResultSet rows = parameters.statement.executeQuery()) {
        while (rows.next()) {
          exists[rows.getInt(1)] = true;
        }
      }
    }
    List<HeldRows.Row> existing = new ArrayList<>();
    List<HeldRows.Row> fresh = new ArrayList<>();
    for (int row = 0; row < exists.length; row++) {
      (exists[row] ? existing : fresh).add(accepted.get(row));
    }
    existing.forEach(row -> existingOfPart[row.part]++);
    List<Column> values = carried.stream().filter(column -> !column.key()).toList();
    if (!existing.isEmpty() && !values.isEmpty()) {
      String set = values.stream().map(c -> Sql.quote(c.name()) + " = v." + Sql.quote(c.name())).collect(Collectors.joining(", "));
      write("UPDATE " + Sql.quote(service.table()) + " t SET " + set + " FROM " + rowsOf(carried, "__part")
        + " WHERE " + Sql.keysMatch(keys, "v", "t"), carried, columns, existing);
    }
    if (!fresh.isEmpty()) {
      write(Merger.insertInto(service, carried) + "SELECT " + Sql.columnList(carried, "") + " FROM " + rowsOf(carried, "__part")
        + Merger.inKeyOrder(service), carried, columns, fresh);
    }
  }

  /** Runs a write whose parameters are the rows' parts and the carried columns' arrays ({@link #rowsOf}). */
  private void write(String sql, List<Column> carried, int[] columns, List<HeldRows.Row> rows) throws SQLException {
    try (Parameters parameters = new Parameters(prepare(sql), "INTEGER", "VARCHAR")) {
      parameters.bind(rows.stream().map(row -> row.part).toArray(Integer[]::new), carried, columns, rows);
      parameters.statement.executeUpdate();
    }
  }

  /** The connection's statement for the SQL (prepared once, run on every commit), planned for the tables as they are each run. */
  private PreparedStatement prepare(String sql) throws SQLException {
    PreparedStatement statement = statements.prepare(sql);
    dialect.planEachRun(statement);
    return statement;
  }

  /**
   * A derived table {@code v} of rows from array parameters (an integer column {@code number},
   * then each column cast from its canonical text), for an engine without {@code unnest} of
   * several arrays in {@code FROM}: unnests side by side in one select list, which pair up.
   */
  private String rowsOf(List<Column> columns, String number) {
    return "(SELECT unnest(CAST(? AS INTEGER[])) AS " + number + columns.stream()
      .map(c -> ", CAST(unnest(CAST(? AS VARCHAR[])) AS " + dialect.type(c) + ") AS " + Sql.quote(c.name()))
      .collect(Collectors.joining()) + ") v";
  }

  /** A statement's array parameters, freed after its run: numbers, then each column's values of the rows as canonical text. */
  private final class Parameters implements AutoCloseable {
    private final PreparedStatement statement;
    private final String numberType;
    private final String textType;
    private final List<Array> arrays = new ArrayList<>();

    Parameters(PreparedStatement statement, String numberType, String textType) {
      this.statement = statement;
      this.numberType = numberType;
      this.textType = textType;
    }

    void bind(Integer[] numbers, List<Column> columns, int[] indexes, List<HeldRows.Row> rows) throws SQLException {
      add(connection.createArrayOf(numberType, numbers));
      for (int c = 0; c < columns.size(); c++) {
        Column column = columns.get(c);
        int index = indexes[c];
        add(connection.createArrayOf(textType, rows.stream().map(row -> CanonicalText.of(column, row.values[index])).toArray(String[]::new)));
      }
    }

    private void add(Array array) throws SQLException {
      arrays.add(array);
      statement.setArray(arrays.size(), array);
    }

    @Override
    public void close() throws SQLException {
      for (Array array : arrays) {
        array.free();
      }
    }
  }

  /**
   * One statement: the rows from their arrays ({@code v}), the parts of those whose keys the
   * table holds ({@code e}, counted), and the upsert in key order. Its parts run on one snapshot,
   * so {@code e} sees the table as it was before the upsert.
   */
  private String upsertSql(ServiceDefinition service, List<Column> carried) {
    String arrays = "CAST(? AS integer[])" + ", CAST(? AS text[])".repeat(carried.size());
    String names = IntStream.range(0, carried.size()).mapToObj(i -> "c" + i).collect(Collectors.joining(", "));
    String values = IntStream.range(0, carried.size())
      .mapToObj(i -> "CAST(u.c" + i + " AS " + dialect.type(carried.get(i)) + ") AS " + Sql.quote(carried.get(i).name()))
      .collect(Collectors.joining(", "));
    String table = Sql.quote(service.table());
    return "WITH v AS (SELECT u.__part, " + values + " FROM unnest(" + arrays + ") AS u(__part, " + names + ")),"
      + " e AS (SELECT v.__part FROM v JOIN " + table + " t ON " + Sql.keysMatch(service.keys(), "v", "t") + "),"
      + " i AS (" + Merger.insertInto(service, carried) + "SELECT " + Sql.columnList(carried, "") + " FROM v"
      + Merger.inKeyOrder(service) + Merger.onConflictUpdate(service, carried) + ")"
      + " SELECT __part, count(*) FROM e GROUP BY __part";
  }
}
