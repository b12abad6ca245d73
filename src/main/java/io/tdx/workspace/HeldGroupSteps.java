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
 * The steps of a group commit whose rows are held in memory ({@link HeldRows}), for an engine
 * with real keys that takes arrays as parameters (PostgreSQL). No staging table: duplicate and
 * shared keys are found in Java; a reference is looked up only when no earlier part of the group
 * holds its key, all of a column's at once; a shape's rows are written by one statement, which
 * also counts the keys the table held. Values travel as the canonical text a staging table's
 * loader reads, cast by the database to the column's type, so both paths store the same values.
 */
final class HeldGroupSteps implements GroupMerger.Steps {
  private final Connection connection;
  private final Dialect dialect;
  private final Services services;

  HeldGroupSteps(Connection connection, Dialect dialect, Services services) {
    this.connection = connection;
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
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      dialect.planEachRun(statement);
      Array array = connection.createArrayOf("text", values.toArray(String[]::new));
      statement.setArray(1, array);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          missing.put(rows.getString(1), rows.getString(2));
        }
      } finally {
        array.free();
      }
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
      try (PreparedStatement statement = connection.prepareStatement(upsertSql(service, carried))) {
        dialect.planEachRun(statement);
        Array[] arrays = new Array[carried.size() + 1];
        try {
          arrays[0] = connection.createArrayOf("int4", accepted.stream().map(row -> row.part).toArray(Integer[]::new));
          for (int c = 0; c < carried.size(); c++) {
            Column column = carried.get(c);
            int index = columns[c];
            arrays[c + 1] = connection.createArrayOf("text",
              accepted.stream().map(row -> CanonicalText.of(column, row.values[index])).toArray(String[]::new));
          }
          for (int i = 0; i < arrays.length; i++) {
            statement.setArray(i + 1, arrays[i]);
          }
          try (ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
              existingOfPart[rows.getInt(1)] = rows.getLong(2);
            }
          }
        } finally {
          for (Array array : arrays) {
            if (array != null) {
              array.free();
            }
          }
        }
      }
    }
    return IntStream.range(0, acceptedOfPart.length)
      .mapToObj(part -> new GroupMerger.Counts(acceptedOfPart[part], existingOfPart[part]))
      .toArray(GroupMerger.Counts[]::new);
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
