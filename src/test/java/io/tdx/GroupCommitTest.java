package io.tdx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tdx.config.TdxConfig;
import io.tdx.load.ImportMode;
import io.tdx.load.ImportOptions;
import io.tdx.load.ImportRequest;
import io.tdx.load.ImportResult;
import io.tdx.workspace.GroupPart;
import io.tdx.workspace.StagedGroup;
import io.tdx.workspace.Workspace;
import io.tdx.workspace.WorkspaceSession;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Group commit in the workspace (the real embedded DuckDB, or PostgreSQL): several transactions'
 * imports staged and applied together come out as they would have one after another, or the
 * group is refused with nothing written. These small groups are held in memory;
 * {@link StagedGroupCommitTest} runs the same cases through staging tables.
 */
@DisplayName("Group commit: transactions applied together as if one after another")
class GroupCommitTest {
  static final ImportOptions PLAIN = new ImportOptions(false, ImportOptions.ReturnErrors.ON_ERROR, false);
  static final ImportOptions ABORT = new ImportOptions(true, ImportOptions.ReturnErrors.ON_ERROR, false);
  @TempDir
  Path dataDir;
  TdxConfig config;
  Workspace workspace;
  final AtomicInteger files = new AtomicInteger();

  @BeforeEach
  void open() {
    JsonObject shipped = TestServer.shippedConfig(dataDir);
    shipped.getJsonArray("services").add(new JsonObject().put("prefix", "/readings").put("table", "readings")
      .put("columns", new JsonArray()
        .add(new JsonObject().put("name", "AT").put("type", "datetime").put("key", true))
        .add(new JsonObject().put("name", "LEVEL").put("type", "decimal").put("key", true))
        .add(new JsonObject().put("name", "RATIO").put("type", "float").put("key", true))
        .add(new JsonObject().put("name", "VALUE").put("type", "int"))));
    config = TdxConfig.from(shipped);
    workspace = Workspace.open(config);
  }

  @AfterEach
  void close() {
    workspace.close();
  }

  GroupPart part(String service, String csv, ImportOptions options) {
    byte[] bytes = csv.getBytes(StandardCharsets.UTF_8);
    return new GroupPart(new ImportRequest(config.services().get(service), ImportMode.UPSERT, options),
      new ByteArrayInputStream(bytes), declaredBytes(bytes.length), dataDir.resolve("errors-" + files.incrementAndGet() + ".csv"));
  }

  /** The size a part says it has: its own here, so the group is held in memory where the engine can. */
  long declaredBytes(long bytes) {
    return bytes;
  }

  GroupPart part(String service, String csv) {
    return part(service, csv, PLAIN);
  }

  /** Stages and applies the group in one workspace transaction; null when refused (rolled back). */
  List<List<ImportResult>> commit(List<List<GroupPart>> transactions) throws Exception {
    try (WorkspaceSession session = workspace.session()) {
      StagedGroup staged = session.stageGroup(transactions);
      return staged == null ? null : session.commitGroup(staged, results -> List.of());
    }
  }

  /** A group of transactions of one part each, a file of the service. */
  List<List<ImportResult>> commitEach(String service, String... csvs) throws Exception {
    return commit(java.util.Arrays.stream(csvs).map(csv -> List.of(part(service, csv))).toList());
  }

  /** A part's inserted, updated and rejected rows. */
  static List<Long> counts(ImportResult result) {
    return List.of(result.inserted(), result.updated(), result.rejected());
  }

  String export(String service) throws Exception {
    try (WorkspaceSession session = workspace.session()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      session.export(config.services().get(service), out);
      return out.toString(StandardCharsets.UTF_8);
    }
  }

  void load(String service, String csv) throws Exception {
    assertEquals(1, commit(List.of(List.of(part(service, csv)))).size());
  }

  @Test
  @DisplayName("a reference is satisfied by the same or an earlier transaction of the group, in either order of parts, not by a later one")
  void referencesFollowTheOrder() throws Exception {
    List<List<ImportResult>> results = commit(List.of(
      List.of(part("/sales", "SKU,STORE,WEEK,UNITS\nP3,S1,1,1\n")),
      List.of(part("/products", "SKU,PRICE\nP1,1.00\n")),
      List.of(part("/sales", "SKU,STORE,WEEK,UNITS\nP1,S1,1,5\nP9,S1,1,6\n")),
      List.of(part("/sales", "SKU,STORE,WEEK,UNITS\nP2,S2,2,7\n"), part("/products", "SKU,PRICE\nP2,2.00\nP3,3.00\n"))));
    assertEquals(1, results.get(0).get(0).rejected(), "P3 comes with a later transaction");
    assertEquals(1, results.get(1).get(0).inserted());
    ImportResult mixed = results.get(2).get(0);
    assertEquals(1, mixed.inserted());
    assertEquals(1, mixed.rejected());
    String errors = Files.readString(mixed.errorFile());
    assertTrue(errors.contains("P9,S1,1,6,3,SKU P9 is not a key of /products,UNKNOWN_REFERENCE"), errors);
    assertEquals(1, results.get(3).get(0).inserted(), "a sibling part listed after it");
    assertEquals(2, results.get(3).get(1).inserted());
    assertEquals("SKU,STORE,WEEK,UNITS,REVENUE\nP1,S1,1,5,\nP2,S2,2,7,\n", export("/sales"));
    assertEquals("SKU,DESCRIPTION,PRICE\nP1,,1.00\nP2,,2.00\nP3,,3.00\n", export("/products"));
  }

  @Test
  @DisplayName("a merge run again (a workspace transaction retried) checks references anew and keeps the duplicates found while staging")
  void mergeRunAgain() throws Exception {
    try (WorkspaceSession session = workspace.session()) {
      StagedGroup staged = session.stageGroup(List.of(
        List.of(part("/sales", "SKU,STORE,WEEK,UNITS\nR1,S1,1,1\nR2,S1,1,2\nR2,S1,1,3\n"))));
      List<List<ImportResult>> first = session.inTransaction(tx -> {
        List<List<ImportResult>> results = tx.applyGroup(staged);
        tx.setRollbackOnly(); // as a transaction that lost a conflict: nothing of it stays
        return results;
      });
      assertEquals(3, first.get(0).get(0).rejected(), "R1 unknown, R2 twice");
      load("/products", "SKU,PRICE\nR1,1.00\nR2,2.00\n");
      List<List<ImportResult>> again = session.commitGroup(staged, results -> List.of());
      ImportResult part = again.get(0).get(0);
      assertEquals(List.of(1L, 2L), List.of(part.inserted(), part.rejected()), "R1 is a key now; R2 is still twice");
      String errors = Files.readString(part.errorFile());
      assertTrue(errors.contains("DUPLICATE_KEY") && !errors.contains("UNKNOWN_REFERENCE"), errors);
    }
    assertEquals("SKU,STORE,WEEK,UNITS,REVENUE\nR1,S1,1,1,\n", export("/sales"));
  }

  @Test
  @DisplayName("counts are what each transaction would have seen, duplicates are rejected within a part, absent optional values are kept")
  void countsAndValues() throws Exception {
    load("/products", "SKU,DESCRIPTION,PRICE\nP1,kept,1.00\n");
    List<List<ImportResult>> results = commitEach("/products", "SKU,PRICE\nP1,1.50\nP2,2.00\n",
      "SKU,PRICE\nP3,3.00\nP4,4.00\nP4,4.50\n");
    assertEquals(List.of(List.of(1L, 1L, 0L), List.of(1L, 0L, 2L)), List.of(counts(results.get(0).get(0)), counts(results.get(1).get(0))));
    assertTrue(Files.readString(results.get(1).get(0).errorFile()).contains("DUPLICATE_KEY"));
    assertEquals("SKU,DESCRIPTION,PRICE\nP1,kept,1.50\nP2,,2.00\nP3,,3.00\n", export("/products"));
  }

  @Test
  @DisplayName("keys of other types: one the table holds, written another way, is an update; a new one an insert")
  void keysOfOtherTypes() throws Exception {
    load("/readings", "AT,LEVEL,RATIO,VALUE\n2026-01-01T00:00:00Z,1.5,1.0,1\n");
    List<List<ImportResult>> results = commitEach("/readings",
      "AT,LEVEL,RATIO,VALUE\n2026-01-01T01:00:00+01:00,1.50,1e0,2\n2026-01-02T00:00:00.123456789Z,2,2.5,3\n",
      "AT,LEVEL,RATIO,VALUE\n2026-01-03T00:00:00Z,3,-0.5,4\n");
    assertEquals(List.of(List.of(1L, 1L, 0L), List.of(1L, 0L, 0L)), List.of(counts(results.get(0).get(0)), counts(results.get(1).get(0))));
    assertEquals("AT,LEVEL,RATIO,VALUE\n2026-01-01T00:00:00Z,1.5,1.0,2\n2026-01-02T00:00:00.123456Z,2,2.5,3\n"
      + "2026-01-03T00:00:00Z,3,-0.5,4\n", export("/readings"));
  }

  @Test
  @DisplayName("two parts writing one key, or a part that would abort, refuse the group and nothing is written")
  void refusals() throws Exception {
    load("/products", "SKU,PRICE\nP1,1.00\n");
    assertNull(commit(List.of(
      List.of(part("/products", "SKU,PRICE\nP2,2.00\n")),
      List.of(part("/products", "SKU,PRICE\nP2,2.50\n")))));
    assertNull(commit(List.of(
      List.of(part("/products", "SKU,PRICE\nP3,3.00\n")),
      List.of(part("/products", "SKU,PRICE\nP4,-1\n", ABORT)))));
    assertNull(commit(List.of(
      List.of(part("/products", "SKU,PRICE\nP5,5.00\n")),
      List.of(part("/products", "SKU,COLOR\nP6,red\n")))), "a refused header");
    assertEquals("SKU,DESCRIPTION,PRICE\nP1,,1.00\n", export("/products"));
  }

  @Test
  @DisplayName("many transactions of one shape share a staging table and all land")
  void many() throws Exception {
    List<List<GroupPart>> transactions = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      transactions.add(List.of(part("/products", "SKU,PRICE\nM" + i + "," + i + ".00\n"),
        part("/sales", "SKU,STORE,WEEK,UNITS\nM" + i + ",S1,1," + i + "\n")));
    }
    List<List<ImportResult>> results = commit(transactions);
    assertEquals(50, results.size());
    assertTrue(results.stream().allMatch(r -> r.get(0).inserted() == 1 && r.get(1).inserted() == 1), results::toString);
    assertEquals(51, export("/sales").split("\n").length);
  }

  @Test
  @DisplayName("duplicate keys are counted within each part of a shared staging table, each cause short")
  void duplicateKeysPerPart() throws Exception {
    StringBuilder many = new StringBuilder("SKU,PRICE\n");
    for (int i = 0; i < 5000; i++) {
      many.append("D1,1.00\n");
    }
    List<List<ImportResult>> results = commit(List.of(
      List.of(part("/products", many.toString())),
      List.of(part("/products", "SKU,PRICE\nD1,2.00\nD2,2.00\nD1,3.00\n"))));
    assertEquals(5000, results.get(0).get(0).rejected());
    List<String> lines = Files.readAllLines(results.get(0).get(0).errorFile());
    assertEquals(5001, lines.size());
    assertEquals("D1,1.00,2,\"key (SKU) appears on lines 2, 3, 4, 5, 6 and 4995 more\",DUPLICATE_KEY", lines.get(1));
    assertTrue(lines.stream().allMatch(line -> line.length() < 200));
    assertEquals(List.of(1L, 2L), List.of(results.get(1).get(0).inserted(), results.get(1).get(0).rejected()));
    assertTrue(Files.readString(results.get(1).get(0).errorFile())
      .contains("D1,3.00,4,\"key (SKU) appears on lines 2, 4\",DUPLICATE_KEY"));
    assertEquals("SKU,DESCRIPTION,PRICE\nD2,,2.00\n", export("/products"));
  }

  @Test
  @DisplayName("a part that is not UTF-8 refuses the group (each transaction then runs alone) instead of failing it")
  void invalidUtf8() throws Exception {
    byte[] bad = {'S', 'K', 'U', ',', 'P', 'R', 'I', 'C', 'E', '\n', 'X', (byte) 0xff, ',', '1', '\n'};
    GroupPart invalid = new GroupPart(new ImportRequest(config.services().get("/products"), ImportMode.UPSERT, PLAIN),
      new ByteArrayInputStream(bad), declaredBytes(bad.length), dataDir.resolve("errors-bad.csv"));
    assertNull(commit(List.of(List.of(part("/products", "SKU,PRICE\nV1,1.00\n")), List.of(invalid))));
    assertEquals("SKU,DESCRIPTION,PRICE\n", export("/products"));
  }
}
