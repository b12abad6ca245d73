package io.tdx.workspace;

import io.tdx.load.ImportResult;
import io.tdx.service.Column;
import io.tdx.service.ServiceDefinition;
import io.tdx.service.Services;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Phase two of a group commit, inside one workspace transaction: applies the staged imports of
 * several transactions as if they had committed one after another, in order, or finds that it
 * cannot. References are checked against the table and the rows of the same or earlier
 * transactions; the parts' counts are what each would have seen. When a part would fail
 * ({@code abort_on_error} with a rejected row) or two parts write the same key, the outcome of
 * one transaction would depend on another's: the group is refused and nothing is written.
 */
final class GroupMerger {
  private final Services services;
  private final Steps steps;

  /**
   * The work of a group commit that depends on where its rows are: in staging tables (set-based
   * SQL) or held in memory ({@link HeldGroupSteps}: checks in Java, rows written from array
   * parameters).
   */
  interface Steps {
    /**
     * Checks the references of a shape's accepted rows (the shapes it references are checked
     * already) and reports its rejected rows to their parts' error files.
     */
    void checkReferences(StagedGroup group, StagedGroup.Shape shape) throws SQLException;

    /** Whether an accepted key of a service appears in two parts: their order would matter. */
    boolean keysShared(StagedGroup group) throws SQLException;

    /** Writes a shape's accepted rows (upsert); the counts of each of its parts, at its index. */
    Counts[] upsert(StagedGroup.Shape shape) throws SQLException;
  }

  /** A part's accepted rows, and how many of their keys the table held already (updates). */
  record Counts(long accepted, long existing) {
  }

  GroupMerger(EngineConnection lent, Dialect dialect, Services services, boolean held) {
    this.services = services;
    this.steps = held ? new HeldGroupSteps(lent, dialect, services) : new TableSteps(lent.connection(), dialect, services);
  }

  /** Each transaction's import results in the order of its parts, or null when the group cannot be applied as one. */
  List<List<ImportResult>> apply(StagedGroup group) throws Exception {
    for (StagedGroup.Shape shape : group.shapes) {
      // a transaction run again checks and reports its set-based rejections again
      for (StagedGroup.Member member : shape.members()) {
        member.errors().resetToStaged();
      }
      if (shape.held() != null) {
        shape.held().resetToStaged();
      }
    }
    List<StagedGroup.Shape> ordered = referencedFirst(group.shapes);
    if (ordered == null) {
      return null;
    }
    for (StagedGroup.Shape shape : ordered) {
      steps.checkReferences(group, shape);
    }
    for (StagedGroup.Shape shape : group.shapes) {
      for (StagedGroup.Member member : shape.members()) {
        if (member.request().options().abortOnError() && member.errors().count() > 0) {
          return null;
        }
      }
    }
    if (group.keysMayBeShared && steps.keysShared(group)) {
      return null;
    }
    List<Counts[]> counts = new ArrayList<>();
    for (StagedGroup.Shape shape : group.shapes) {
      counts.add(steps.upsert(shape));
    }
    return results(group, counts);
  }

  /** The shapes, the services they reference before them; null for a cycle of references. */
  private List<StagedGroup.Shape> referencedFirst(List<StagedGroup.Shape> shapes) {
    List<ServiceDefinition> order = new ArrayList<>();
    Set<ServiceDefinition> visiting = new HashSet<>();
    for (StagedGroup.Shape shape : shapes) {
      if (!visit(shape.service(), order, visiting)) {
        return null;
      }
    }
    List<StagedGroup.Shape> ordered = new ArrayList<>();
    for (ServiceDefinition service : order) {
      shapes.stream().filter(s -> s.service() == service).forEach(ordered::add);
    }
    return ordered;
  }

  private boolean visit(ServiceDefinition service, List<ServiceDefinition> order, Set<ServiceDefinition> visiting) {
    if (order.contains(service)) {
      return true;
    }
    if (!visiting.add(service)) {
      return false;
    }
    for (Column column : service.columns()) {
      if (column.reference() != null && !visit(services.get(column.reference().service()), order, visiting)) {
        return false;
      }
    }
    order.add(service);
    return true;
  }

  private static List<List<ImportResult>> results(StagedGroup group, List<Counts[]> counts) throws java.io.IOException {
    List<List<ImportResult>> results = new ArrayList<>();
    for (List<StagedGroup.Member> members : group.transactions) {
      List<ImportResult> parts = new ArrayList<>();
      for (StagedGroup.Member member : members) {
        Counts part = counts.get(member.shape())[member.part()];
        parts.add(new ImportResult(member.request().service().prefix(), member.request().mode(), member.read(),
          part.accepted() - part.existing(), part.existing(), 0, member.errors().count(), member.errors().header(), member.errors().first(),
          member.errors().finish(), false, member.errors().causes()));
      }
      results.add(parts);
    }
    return results;
  }

  /** The group's rows in staging tables: every check is one set-based statement. */
  private static final class TableSteps implements Steps {
    private final Connection connection;
    private final Merger merger;

    TableSteps(Connection connection, Dialect dialect, Services services) {
      this.connection = connection;
      this.merger = new Merger(connection, dialect, services);
    }

    @Override
    public void checkReferences(StagedGroup group, StagedGroup.Shape shape) throws SQLException {
      boolean marked = group.marked.contains(shape.index())
        | merger.checkReferences(shape.table(), shape.mapping(), target -> tablesOf(group, target)) > 0;
      if (marked) {
        merger.reportRejected(shape.table(), shape.mapping(), part -> shape.members().get(part).errors());
      }
    }

    private static List<String> tablesOf(StagedGroup group, ServiceDefinition service) {
      return group.shapes.stream().filter(s -> s.service() == service).map(StagedGroup.Shape::table).toList();
    }

    @Override
    public boolean keysShared(StagedGroup group) throws SQLException {
      Set<ServiceDefinition> services = new LinkedHashSet<>();
      group.shapes.forEach(shape -> services.add(shape.service()));
      for (ServiceDefinition service : services) {
        String keys = Sql.columnList(service.keys(), "");
        String union = group.shapes.stream().filter(s -> s.service() == service)
          .map(s -> "SELECT " + keys + " FROM " + s.table() + " WHERE __code IS NULL")
          .collect(Collectors.joining(" UNION ALL "));
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT 1 FROM (" + union + ") u GROUP BY " + keys + " HAVING count(*) > 1 LIMIT 1")) {
          if (rows.next()) {
            return true;
          }
        }
      }
      return false;
    }

    @Override
    public Counts[] upsert(StagedGroup.Shape shape) throws SQLException {
      Counts[] counts = acceptedAndExisting(shape);
      long existing = Arrays.stream(counts).mapToLong(Counts::existing).sum();
      merger.upsert(shape.table(), shape.mapping(), shape.service(), existing);
      return counts;
    }

    /**
     * The counts of each part of the shape, at its index. The existing keys are counted by an
     * inner join from the staging table (its accepted keys are distinct, as are the table's),
     * which an engine may build on the small side; an {@code EXISTS} for each row was a mark join
     * built on the whole table, whose cost grew with it.
     */
    private Counts[] acceptedAndExisting(StagedGroup.Shape shape) throws SQLException {
      long[] accepted = countByPart(shape, "SELECT __part, count(*) FROM " + shape.table() + " WHERE __code IS NULL GROUP BY __part");
      long[] existing = countByPart(shape, "SELECT s.__part, count(*) FROM " + shape.table() + " s JOIN "
        + Sql.quote(shape.service().table()) + " t ON " + Sql.keysMatch(shape.service().keys(), "s", "t")
        + " WHERE s.__code IS NULL GROUP BY s.__part");
      Counts[] counts = new Counts[shape.members().size()];
      for (int part = 0; part < counts.length; part++) {
        counts[part] = new Counts(accepted[part], existing[part]);
      }
      return counts;
    }

    private long[] countByPart(StagedGroup.Shape shape, String sql) throws SQLException {
      long[] counts = new long[shape.members().size()];
      try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
        while (rows.next()) {
          counts[rows.getInt(1)] = rows.getLong(2);
        }
      }
      return counts;
    }
  }
}
