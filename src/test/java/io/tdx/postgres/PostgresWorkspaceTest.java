package io.tdx.postgres;

import io.tdx.Locations;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tdx.TestServer;
import io.tdx.TestWorkspace;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What only a server database does: real constraints in the configured schema, writers that
 * wait on PostgreSQL's own locks instead of a gate in the process, deadlocks run again, and lock
 * and statement timeouts answered as a busy workspace. Each test holds locks from its own JDBC
 * connection to the server's schema and watches the server's sessions in {@code pg_stat_activity}.
 */
@DisplayName("The PostgreSQL workspace: constraints, concurrent writers, deadlocks and timeouts")
class PostgresWorkspaceTest {
  private static final long WAIT_SECONDS = 30;
  private static final String PRODUCTS = "SKU,DESCRIPTION,PRICE\nK1,first,1.00\nK2,second,2.00\n";
  @TempDir
  Path dataDir;

  @BeforeEach
  void onPostgres() {
    assertTrue(TestWorkspace.postgres(), "these tests are PostgreSQL's: run them in the postgres execution"
      + " (mvn -B verify, or mvn surefire:test@postgres -Dtest='PostgresWorkspaceTest*')");
  }

  private TestServer start(UnaryOperator<JsonObject> customize) {
    return TestServer.start(dataDir, customize);
  }

  private static JsonObject workspace(JsonObject config) {
    return config.getJsonObject("workspace");
  }

  /** The shipped services and {@code /stores}, whose table nothing else touches. */
  private static JsonObject withStores(JsonObject config) {
    config.getJsonArray("services").add(new JsonObject().put("prefix", "/stores").put("table", "stores")
      .put("columns", new JsonArray()
        .add(new JsonObject().put("name", "STORE").put("type", "string").put("key", true))
        .add(new JsonObject().put("name", "CITY").put("type", "string"))));
    return config;
  }

  @Test
  @DisplayName("tables live in workspace.schema with real primary keys and a deferred foreign key for the declared reference")
  void constraints() throws SQLException {
    try (TestServer tdx = start(UnaryOperator.identity()); Connection sql = TestWorkspace.connect(dataDir)) {
      String schema = TestWorkspace.schema(dataDir);
      assertTrue(tables(sql, schema).containsAll(Set.of("products", "sales")), tables(sql, schema).toString());
      assertEquals(Map.of("products_pkey", "PRIMARY KEY (\"SKU\")"), constraints(sql, schema, "products"));
      assertEquals(Map.of("sales_pkey", "PRIMARY KEY (\"SKU\", \"STORE\", \"WEEK\")",
          "tdx_fk_sales_sku", "FOREIGN KEY (\"SKU\") REFERENCES products(\"SKU\") DEFERRABLE INITIALLY DEFERRED"),
        constraints(sql, schema, "sales"));

      assertEquals(200, tdx.post("/products", PRODUCTS).statusCode());
      assertEquals(Set.of("K1", "K2"), keys(sql, "SELECT \"SKU\" FROM " + schema + ".products"), "the server writes into the schema");
      SQLException refused = assertThrows(SQLException.class, () -> execute(sql, "INSERT INTO sales VALUES ('ZZ', 'S1', 1, 1, NULL)"));
      assertEquals("23503", refused.getSQLState(), "the database itself refuses a sale of an unknown product");
      assertEquals(Set.of(), keys(sql, "SELECT \"SKU\" FROM sales"));
    }
  }

  @Test
  @DisplayName("a reference removed on service reload drops its foreign key; the other constraints stay")
  void referenceRemovedOnReload() throws SQLException, IOException {
    Path file = dataDir.resolve("tdx.json");
    JsonObject[] fileConfig = new JsonObject[1];
    try (TestServer tdx = start(config -> {
      fileConfig[0] = config.copy();
      return config.put("configFile", file.toString());
    }); Connection sql = TestWorkspace.connect(dataDir)) {
      String schema = TestWorkspace.schema(dataDir);
      assertTrue(constraints(sql, schema, "sales").containsKey("tdx_fk_sales_sku"));
      JsonArray services = fileConfig[0].getJsonArray("services").copy();
      services.getJsonObject(1).getJsonArray("columns").getJsonObject(0).remove("reference");
      Files.writeString(file, fileConfig[0].copy().put("services", services).encodePrettily());

      HttpResponse<Buffer> reloaded = TestServer.await(tdx.request(HttpMethod.POST, "/tdx/services/reload").send());
      assertEquals(200, reloaded.statusCode(), reloaded.bodyAsString());
      assertEquals(Map.of("sales_pkey", "PRIMARY KEY (\"SKU\", \"STORE\", \"WEEK\")"), constraints(sql, schema, "sales"));
      HttpResponse<Buffer> sale = tdx.post("/sales", "SKU,STORE,WEEK,UNITS\nZZ,S1,1,1\n");
      assertEquals(200, sale.statusCode(), sale.bodyAsString());
      assertEquals("1", sale.getHeader("TDX-Rows-Inserted"), "an unreferenced SKU is now just a value");
      assertEquals(Set.of("ZZ"), keys(sql, "SELECT \"SKU\" FROM sales"));
    }
  }

  /**
   * A small group's upsert counts the keys its table already holds by a join. Planned once and
   * kept (a prepared statement's generic plan, after a few runs), that join is planned for the
   * table as it was: while it was small, reading it whole is cheaper than ten lookups, and where
   * nothing analyzes it (autovacuum off) no new statistics ever replace that plan, so every
   * commit read the whole table, slower as it grew. PostgreSQL's counts of rows read by scans
   * show whether a commit read the table.
   */
  @Test
  @DisplayName("a small transaction's commit reads only the keys it touches, not the whole table, after the table has grown")
  void smallCommitsDoNotScanGrownTables() throws Exception {
    try (TestServer tdx = start(UnaryOperator.identity()); Connection sql = TestWorkspace.connect(dataDir)) {
      String schema = TestWorkspace.schema(dataDir);
      for (int n = 0; n < 40; n++) { // many runs of the same statements, so a plan would be kept on every connection
        smallTransaction(tdx, "W" + n, 10); // ten rows: the table read whole looks cheaper than ten lookups while it is small
      }
      for (int n = 0; n < 40; n++) { // the tables grow the same way: 20,000 rows more
        smallTransaction(tdx, "G" + n, 500);
      }
      long[] before = awaitInserted(sql, schema, 400 + 20_000, 400 + 20_000);

      smallTransaction(tdx, "X", 10);
      long[] after = awaitInserted(sql, schema, 400 + 20_000 + 10, 400 + 20_000 + 10);
      assertTrue(after[1] - before[1] < 20_000 && after[2] - before[2] < 20_000,
        "rows read by scans of products and sales: " + (after[1] - before[1]) + " and " + (after[2] - before[2]));
    }
  }

  /** One asynchronous transaction, committed and finished: {@code rows} products named from {@code sku}, and a sale of each. */
  private static void smallTransaction(TestServer tdx, String sku, int rows) {
    StringBuilder products = new StringBuilder("SKU,PRICE\n");
    StringBuilder sales = new StringBuilder("SKU,STORE,WEEK,UNITS\n");
    for (int n = 0; n < rows; n++) {
      products.append(sku).append('-').append(n).append(",1.00\n");
      sales.append(sku).append('-').append(n).append(",S1,1,1\n");
    }
    String txn = Locations.path(tdx.send(HttpMethod.POST, "/txn/start?async=true", "").getHeader("Location"));
    String id = id(txn);
    assertEquals(201, tdx.post("/products?txn=" + id, products.toString()).statusCode());
    assertEquals(201, tdx.post("/sales?txn=" + id, sales.toString()).statusCode());
    assertEquals(202, tdx.send(HttpMethod.POST, txn + "/commit", "[\"p1\", \"p2\"]").statusCode());
    HttpResponse<Buffer> done = tdx.send(HttpMethod.GET, txn + "/poll?wait=30", ""); // its 303 followed to the document
    assertEquals(200, done.statusCode(), done.bodyAsString());
    JsonObject document = done.bodyAsJsonObject();
    assertEquals("COMMITTED", document.getString("state"), document.encode());
  }

  /**
   * Waits until PostgreSQL's statistics show the rows inserted into products and sales (each
   * server session reports its counts when idle, within seconds); returns those counts' moment's
   * {rows inserted into products, rows read by scans of products, of sales}.
   */
  private static long[] awaitInserted(Connection connection, String schema, long products, long sales) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (true) {
      long[] counts = new long[4];
      try (Statement clear = connection.createStatement()) {
        clear.execute("SELECT pg_stat_clear_snapshot()");
      }
      try (PreparedStatement statement = connection.prepareStatement(
        "SELECT relname, n_tup_ins, seq_tup_read FROM pg_stat_user_tables WHERE schemaname = ? AND relname IN ('products', 'sales')")) {
        statement.setString(1, schema);
        try (ResultSet rows = statement.executeQuery()) {
          while (rows.next()) {
            int at = rows.getString(1).equals("products") ? 0 : 2;
            counts[at] = rows.getLong(2);
            counts[at + 1] = rows.getLong(3);
          }
        }
      }
      if (counts[0] >= products && counts[2] >= sales) {
        return new long[] {counts[0], counts[1], counts[3]};
      }
      assertTrue(System.nanoTime() < deadline, "PostgreSQL's statistics do not show the inserts: " + Arrays.toString(counts));
      Thread.sleep(100);
    }
  }

  @Test
  @DisplayName("no write gate in the process: an import waiting on a PostgreSQL lock does not hold up an import into another table")
  void writersDoNotTakeTurns() throws Exception {
    try (TestServer tdx = start(PostgresWorkspaceTest::withStores);
         Connection holder = TestWorkspace.connect(dataDir); Connection observer = TestWorkspace.connect(dataDir)) {
      holder.setAutoCommit(false);
      execute(holder, "LOCK TABLE products IN ACCESS EXCLUSIVE MODE");
      CompletableFuture<HttpResponse<Buffer>> products = postAsync(tdx, "/products", PRODUCTS);
      awaitServerWaitingOn(observer, holder);

      HttpResponse<Buffer> stores = tdx.post("/stores", "STORE,CITY\nS1,Oslo\nS2,Bergen\n");
      assertEquals(200, stores.statusCode(), stores.bodyAsString());
      assertEquals("STORE,CITY\nS1,Oslo\nS2,Bergen\n", tdx.export("/stores"));
      assertFalse(products.isDone(), "the import into /products still waits on the lock");
      assertEquals(1, serverSessionsWaitingOn(observer, holder), "and PostgreSQL is what it waits on");

      holder.commit();
      HttpResponse<Buffer> imported = products.get(WAIT_SECONDS, TimeUnit.SECONDS);
      assertEquals(200, imported.statusCode(), imported.bodyAsString());
      assertEquals("2", imported.getHeader("TDX-Rows-Inserted"));
      assertEquals(PRODUCTS, tdx.export("/products"));
    }
  }

  /**
   * The server's upsert of K1 and K2 takes K1's row lock and then waits for K2, which the test
   * holds; the test then updates K1, and the two wait on each other. The server's session is
   * given a longer {@code deadlock_timeout} than PostgreSQL's default, so that the test's
   * update surely starts before the server's session looks for a deadlock, and the test's
   * session a longer one still, so that the server's session is the one PostgreSQL aborts.
   * The test's update of K1 returns only once the server's transaction let go of K1 while the
   * test still held K2: it was aborted, not committed.
   */
  private HttpResponse<Buffer> deadlock(TestServer tdx, Connection holder, Connection observer) throws Exception {
    assertEquals(200, tdx.post("/products", PRODUCTS).statusCode());
    holder.setAutoCommit(false);
    execute(holder, "SET deadlock_timeout = '60s'");
    execute(holder, "SELECT 1 FROM products WHERE \"SKU\" = 'K2' FOR UPDATE");
    CompletableFuture<HttpResponse<Buffer>> upsert = postAsync(tdx, "/products", "SKU,PRICE\nK1,1.11\nK2,2.22\n");
    awaitServerWaitingOn(observer, holder);
    execute(holder, "UPDATE products SET \"PRICE\" = 9.99 WHERE \"SKU\" = 'K1'");
    holder.commit();
    return upsert.get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  private static UnaryOperator<JsonObject> deadlockTimeout(UnaryOperator<JsonObject> more) {
    return config -> {
      String url = workspace(config).getString("url");
      workspace(config).put("url", url + (url.contains("?") ? "&" : "?") + "options=-c%20deadlock_timeout%3D3s");
      return more.apply(config);
    };
  }

  @Test
  @DisplayName("a transaction PostgreSQL aborts as a deadlock victim (40P01) is run again and writes the import's values")
  void deadlockIsRetried() throws Exception {
    try (TestServer tdx = start(deadlockTimeout(UnaryOperator.identity()));
         Connection holder = TestWorkspace.connect(dataDir); Connection observer = TestWorkspace.connect(dataDir)) {
      HttpResponse<Buffer> upsert = deadlock(tdx, holder, observer);
      assertEquals(200, upsert.statusCode(), upsert.bodyAsString());
      assertEquals("2", upsert.getHeader("TDX-Rows-Updated"));
      assertEquals("SKU,DESCRIPTION,PRICE\nK1,first,1.11\nK2,second,2.22\n", tdx.export("/products"));
    }
  }

  @Test
  @DisplayName("with workspace.retries 0 a deadlock answers 409 workspace-conflict naming SQLSTATE 40P01, and nothing of the import is written")
  void deadlockWithoutRetries() throws Exception {
    try (TestServer tdx = start(deadlockTimeout(config -> {
      workspace(config).put("retries", 0);
      return config;
    })); Connection holder = TestWorkspace.connect(dataDir); Connection observer = TestWorkspace.connect(dataDir)) {
      JsonObject problem = problem(deadlock(tdx, holder, observer), 409, "workspace-conflict");
      assertTrue(problem.getString("detail").contains("SQLSTATE 40P01"), problem.encode());
      assertEquals(1, problem.getInteger("attempts"));
      assertEquals("SKU,DESCRIPTION,PRICE\nK1,first,9.99\nK2,second,2.00\n", tdx.export("/products"),
        "the test's update of K1 stands; the import changed neither row");
    }
  }

  @Test
  @DisplayName("with workspace.lockTimeoutSeconds an import blocked by a row lock answers 503 workspace-busy with Retry-After while the lock is still held")
  void lockTimeout() throws Exception {
    try (TestServer tdx = start(config -> {
      workspace(config).put("lockTimeoutSeconds", 1);
      return config;
    }); Connection holder = TestWorkspace.connect(dataDir)) {
      assertEquals(200, tdx.post("/products", PRODUCTS).statusCode());
      holder.setAutoCommit(false);
      execute(holder, "SELECT 1 FROM products WHERE \"SKU\" = 'K1' FOR UPDATE");
      HttpResponse<Buffer> blocked = tdx.post("/products", "SKU,PRICE\nK1,1.11\nK3,3.00\n");
      JsonObject problem = problem(blocked, 503, "workspace-busy");
      assertTrue(blocked.getHeader("Retry-After").matches("[1-9][0-9]*"), blocked.getHeader("Retry-After"));
      assertTrue(problem.getString("detail").contains("lock timeout") && problem.getString("detail").contains("55P03"),
        problem.encode());
      holder.rollback();
      assertEquals(PRODUCTS, tdx.export("/products"), "nothing of the blocked import was written");
    }
  }

  @Test
  @DisplayName("with workspace.statementTimeoutSeconds an import that waits too long answers 503 workspace-busy naming the statement timeout")
  void statementTimeout() throws Exception {
    try (TestServer tdx = start(config -> {
      workspace(config).put("statementTimeoutSeconds", 1);
      return config;
    }); Connection holder = TestWorkspace.connect(dataDir)) {
      assertEquals(200, tdx.post("/products", PRODUCTS).statusCode());
      holder.setAutoCommit(false);
      execute(holder, "SELECT 1 FROM products WHERE \"SKU\" = 'K2' FOR UPDATE");
      HttpResponse<Buffer> blocked = tdx.post("/products", "SKU,PRICE\nK2,2.22\n");
      JsonObject problem = problem(blocked, 503, "workspace-busy");
      assertTrue(problem.getString("detail").contains("statement timeout") && problem.getString("detail").contains("57014"),
        problem.encode());
      holder.rollback();
      assertEquals(PRODUCTS, tdx.export("/products"));
    }
  }

  @Test
  @DisplayName("a /txn transaction whose sales part comes before the products it references commits; a missing product is rejected row by row")
  void asyncTransactionReferencesInEitherOrder() throws Exception {
    try (TestServer tdx = start(UnaryOperator.identity()); Connection sql = TestWorkspace.connect(dataDir)) {
      HttpResponse<Buffer> started = tdx.send(HttpMethod.POST, "/txn/start?async=true", "");
      assertEquals(201, started.statusCode(), started.bodyAsString());
      String txn = Locations.path(started.getHeader("Location"));
      String sales = part(tdx, "/sales", txn, "SKU,STORE,WEEK,UNITS\nN1,S1,1,10\nZZ,S1,1,5\n");
      String products = part(tdx, "/products", txn, "SKU,PRICE\nN1,1.00\n");
      HttpResponse<Buffer> committed = tdx.send(HttpMethod.POST, txn + "/commit",
        new JsonObject().put("parts", new JsonArray().add(id(sales)).add(id(products))).encode());
      assertEquals(202, committed.statusCode(), committed.bodyAsString());
      HttpResponse<Buffer> poll = TestServer.await(tdx.request(HttpMethod.GET, txn + "/poll?wait=30").followRedirects(false).send());
      assertEquals(303, poll.statusCode(), poll.bodyAsString());

      JsonObject document = TestServer.await(tdx.request(HttpMethod.GET, txn).putHeader("Accept", "application/json").send())
        .bodyAsJsonObject();
      assertEquals("COMMITTED", document.getString("state"), document.encodePrettily());
      JsonObject salesResult = document.getJsonArray("parts").getJsonObject(0).getJsonObject("result");
      assertEquals(1, salesResult.getLong("inserted"), salesResult.encode());
      assertEquals(1, salesResult.getLong("rejected"), salesResult.encode());
      String errors = TestServer.await(tdx.request(HttpMethod.GET, sales).putHeader("Accept", "text/csv").send()).bodyAsString();
      assertEquals("SKU,STORE,WEEK,UNITS,LINE,CAUSE,CAUSE_CODE\nZZ,S1,1,5,3,SKU ZZ is not a key of /products,UNKNOWN_REFERENCE\n",
        errors);
      assertEquals(Set.of("N1"), keys(sql, "SELECT \"SKU\" FROM sales"));
      assertEquals(Set.of("N1"), keys(sql, "SELECT \"SKU\" FROM products"));
    }
  }

  @Test
  @DisplayName("a product deleted by a concurrent commit after the merge checked it makes the sale a rejected row, not a database error")
  void referenceDeletedConcurrently() throws Exception {
    try (TestServer tdx = start(UnaryOperator.identity());
         Connection holder = TestWorkspace.connect(dataDir); Connection observer = TestWorkspace.connect(dataDir)) {
      assertEquals(200, tdx.post("/products", PRODUCTS).statusCode());
      holder.setAutoCommit(false);
      execute(holder, "DELETE FROM products WHERE \"SKU\" = 'K1'");
      CompletableFuture<HttpResponse<Buffer>> sale = postAsync(tdx, "/sales", "SKU,STORE,WEEK,UNITS\nK1,S1,1,10\nK2,S1,1,20\n");
      awaitServerWaitingOn(observer, holder); // the foreign key's check at commit waits for the deleting transaction
      holder.commit();

      HttpResponse<Buffer> imported = sale.get(WAIT_SECONDS, TimeUnit.SECONDS);
      assertEquals(200, imported.statusCode(), imported.bodyAsString());
      assertEquals("1", imported.getHeader("TDX-Rows-Inserted"), imported.bodyAsString());
      assertEquals("1", imported.getHeader("TDX-Rows-Rejected"), imported.bodyAsString());
      assertEquals("SKU,STORE,WEEK,UNITS,REVENUE\nK2,S1,1,20,\n", tdx.export("/sales"));
    }
  }

  private static String part(TestServer tdx, String service, String txn, String csv) {
    HttpResponse<Buffer> part = tdx.post(service + "?txn=" + id(txn), csv);
    assertEquals(201, part.statusCode(), part.bodyAsString());
    return Locations.path(part.getHeader("Location"));
  }

  private static String id(String location) {
    return location.substring(location.lastIndexOf('/') + 1);
  }

  private static CompletableFuture<HttpResponse<Buffer>> postAsync(TestServer tdx, String uri, String csv) {
    return tdx.request(HttpMethod.POST, uri).sendBuffer(Buffer.buffer(csv)).toCompletionStage().toCompletableFuture();
  }

  private static JsonObject problem(HttpResponse<Buffer> response, int status, String type) {
    assertEquals(status, response.statusCode(), response.bodyAsString());
    assertEquals("application/problem+json", response.getHeader("Content-Type"));
    JsonObject problem = response.bodyAsJsonObject();
    assertEquals("urn:tdx:problem:" + type, problem.getString("type"));
    return problem;
  }

  /** Waits (bounded) until one of the server's sessions waits on a lock the holder's session has. */
  private static void awaitServerWaitingOn(Connection observer, Connection holder) throws SQLException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (serverSessionsWaitingOn(observer, holder) == 0) {
      assertTrue(System.nanoTime() < deadline, "no session of the server waited on the test's lock within " + WAIT_SECONDS + " s");
      Thread.sleep(10);
    }
  }

  private static int serverSessionsWaitingOn(Connection observer, Connection holder) throws SQLException {
    try (PreparedStatement statement = observer.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'tdx'"
      + " AND wait_event_type = 'Lock' AND ? = ANY (pg_blocking_pids(pid))")) {
      statement.setInt(1, backendPid(holder));
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        return rows.getInt(1);
      }
    }
  }

  private static int backendPid(Connection connection) throws SQLException {
    return connection.unwrap(org.postgresql.PGConnection.class).getBackendPID();
  }

  private static void execute(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  private static Set<String> keys(Connection connection, String query) throws SQLException {
    Set<String> keys = new HashSet<>();
    try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(query)) {
      while (rows.next()) {
        keys.add(rows.getString(1));
      }
    }
    return keys;
  }

  private static Set<String> tables(Connection connection, String schema) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = ? AND table_type = 'BASE TABLE'")) {
      statement.setString(1, schema);
      Set<String> tables = new HashSet<>();
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          tables.add(rows.getString(1));
        }
      }
      return tables;
    }
  }

  /** The table's constraints other than NOT NULL: name to definition (the connection's search_path is the schema). */
  private static Map<String, String> constraints(Connection connection, String schema, String table) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement("SELECT c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c"
      + " JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = ? AND t.relname = ?")) {
      statement.setString(1, schema);
      statement.setString(2, table);
      Map<String, String> constraints = new TreeMap<>();
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          constraints.put(rows.getString(1), rows.getString(2));
        }
      }
      return constraints;
    }
  }
}
