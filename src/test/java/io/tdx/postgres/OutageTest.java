package io.tdx.postgres;

import io.tdx.Locations;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("A PostgreSQL workspace that goes away and comes back (issue 12)")
class OutageTest {
  /** How long the server waits for a connection before it answers 503. */
  static final int CONNECT_SECONDS = 1;
  static final String PRODUCTS = "SKU,DESCRIPTION,PRICE\nA1,Apple,1.50\nB2,Banana,0.25\n";
  @TempDir
  Path dataDir;
  TcpProxy proxy;
  TestServer tdx;

  @BeforeEach
  void start() throws IOException {
    Matcher target = Pattern.compile("//([^:/]+):(\\d+)/").matcher(TestWorkspace.POSTGRES_URL);
    assertTrue(target.find(), TestWorkspace.POSTGRES_URL);
    proxy = TcpProxy.start(target.group(1), Integer.parseInt(target.group(2)));
    String url = TestWorkspace.POSTGRES_URL.replace(target.group(0), "//127.0.0.1:" + proxy.port() + "/");
    tdx = TestServer.start(dataDir, config -> {
      config.getJsonObject("workspace").put("url", url).put("connectSeconds", CONNECT_SECONDS);
      return config;
    });
  }

  @AfterEach
  void stop() throws IOException {
    proxy.restore();
    try {
      tdx.close();
    } finally {
      proxy.close();
    }
  }

  @ParameterizedTest(name = "new connections {0}")
  @EnumSource(TcpProxy.Outage.class)
  @DisplayName("while the database is away, work that needs it answers 503 with Retry-After promptly, the rest is served, and it is served again once the database is back")
  void unavailableThenBack(TcpProxy.Outage outage) {
    assertEquals(200, tdx.post("/products", PRODUCTS).statusCode());
    proxy.cut(outage);

    assertUnavailable(timed(() -> tdx.post("/products", "SKU,DESCRIPTION,PRICE\nC3,Cherry,3.00\n")));
    assertUnavailable(timed(() -> tdx.get("/products")));
    assertUnavailable(timed(() -> tdx.get("/txn/" + UUID.randomUUID())));
    assertEquals(200, tdx.get("/tdx/services").statusCode(), "the server keeps answering what needs no database");
    assertEquals(404, tdx.get("/nowhere").statusCode());
    HttpResponse<Buffer> started = tdx.send(HttpMethod.POST, "/txn/start?async=true", "");
    assertEquals(201, started.statusCode(), started.bodyAsString());

    proxy.restore();
    HttpResponse<Buffer> imported = tdx.post("/products", "SKU,DESCRIPTION,PRICE\nC3,Cherry,3.00\n");
    assertEquals(200, imported.statusCode(), "the first import once the database is back: " + imported.bodyAsString());
    assertEquals(PRODUCTS + "C3,Cherry,3.00\n", tdx.export("/products"));
  }

  @ParameterizedTest(name = "while it runs {0}")
  @ValueSource(strings = {"COPY", "INSERT INTO"})
  @DisplayName("a database that goes away mid-commit fails the transaction, writes none of its rows, and its record says why once the database is back")
  void awayMidCommit(String statement) throws Exception {
    String txn = startTransaction();
    HttpResponse<Buffer> part = tdx.post("/products?txn=" + txn, manyProducts(300_000));
    assertEquals(201, part.statusCode(), part.bodyAsString());
    String partId = Locations.path(part.getHeader("Location")).substring(Locations.path(part.getHeader("Location")).lastIndexOf('/') + 1);
    HttpResponse<Buffer> commit = tdx.send(HttpMethod.POST, "/txn/" + txn + "/commit",
      new JsonObject().put("parts", new JsonArray().add(partId)).encode());
    assertEquals(202, commit.statusCode(), commit.bodyAsString());

    try (Connection direct = TestWorkspace.connect(dataDir)) {
      awaitActiveStatement(direct, statement);
      proxy.cut(TcpProxy.Outage.REFUSED);

      JsonObject failed = finished(txn);
      assertEquals("FAILED", failed.getString("state"), failed.encodePrettily());
      assertTrue(failed.getString("cause").contains("workspace database cannot be reached"), failed.getString("cause"));
      JsonObject failedPart = failed.getJsonArray("parts").getJsonObject(0);
      assertEquals("FAILED", failedPart.getString("state"));
      assertEquals(503, failedPart.getInteger("status"), failedPart.encodePrettily());
      Thread.sleep(3000L * CONNECT_SECONDS); // the record cannot be written meanwhile; its writes are tried again and again
      assertEquals(List.of(), records(direct, txn));
      assertTrue(journal().contains("COMMITTING " + txn), "the journal keeps the transaction until its record is written");
      assertFalse(journal().contains("FINISHED " + txn));

      proxy.restore();
      List<JsonObject> records = awaitRecords(direct, txn);
      assertEquals(1, records.size(), records.toString());
      assertEquals("FAILED", records.get(0).getString("state"));
      assertEquals(failed.getString("cause"), records.get(0).getString("cause"));
      assertTrue(journal().contains("FINISHED " + txn));
      assertEquals(0, count(direct, "SELECT count(*) FROM products"), "nothing of the transaction was written");
    }

    tdx.restart(); // the transaction leaves memory: it is answered from its record, which the recovery left alone
    JsonObject recorded = tdx.get("/txn/" + txn).bodyAsJsonObject();
    assertEquals("FAILED", recorded.getString("state"), recorded.encodePrettily());
    assertTrue(recorded.getString("cause").contains("workspace database cannot be reached"), recorded.getString("cause"));
    assertEquals("SKU,DESCRIPTION,PRICE\n", tdx.export("/products"));
  }

  @Test
  @DisplayName("the pool's sessions terminated between requests: a request that meets a dead connection answers 503 at most once, then all succeed")
  void sessionsTerminated() throws Exception {
    assertEquals(200, tdx.post("/products", PRODUCTS).statusCode());
    try (Connection direct = TestWorkspace.connect(dataDir)) {
      assertTrue(terminateSessions(direct) > 0, "the pool had sessions to terminate");
    }
    List<HttpResponse<Buffer>> responses = new ArrayList<>();
    responses.add(tdx.post("/products", "SKU,DESCRIPTION,PRICE\nC3,Cherry,3.00\n"));
    responses.add(tdx.get("/products"));
    responses.add(tdx.post("/products", "SKU,DESCRIPTION,PRICE\nC3,Cherry,3.00\n"));
    responses.add(tdx.get("/products"));
    responses.add(tdx.get("/txn/" + UUID.randomUUID()));
    List<HttpResponse<Buffer>> unavailable = responses.stream().filter(r -> r.statusCode() == 503).toList();
    assertTrue(unavailable.size() <= 1, "503 at most once: " + unavailable.stream().map(HttpResponse::bodyAsString).toList());
    unavailable.forEach(OutageTest::assertUnavailable);
    assertEquals(200, responses.get(3).statusCode(), responses.get(3).bodyAsString());
    assertEquals(PRODUCTS + "C3,Cherry,3.00\n", responses.get(3).bodyAsString());
    assertEquals(404, responses.get(4).statusCode(), responses.get(4).bodyAsString());
  }

  private static void assertUnavailable(HttpResponse<Buffer> response) {
    assertEquals(503, response.statusCode(), response.bodyAsString());
    assertEquals("application/problem+json", response.getHeader("Content-Type"));
    assertEquals("5", response.getHeader("Retry-After"));
    JsonObject problem = response.bodyAsJsonObject();
    assertEquals("urn:tdx:problem:workspace-unavailable", problem.getString("type"), problem.encodePrettily());
    assertTrue(problem.getString("detail").contains("cannot be reached"), problem.getString("detail"));
  }

  /** The response, checked to come within a few times the connection timeout: a request never hangs on a database that is away. */
  private static HttpResponse<Buffer> timed(java.util.function.Supplier<HttpResponse<Buffer>> request) {
    long start = System.nanoTime();
    HttpResponse<Buffer> response = request.get();
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertTrue(took.compareTo(Duration.ofSeconds(5L * CONNECT_SECONDS)) < 0, "answered after " + took);
    return response;
  }

  private String startTransaction() {
    HttpResponse<Buffer> started = tdx.send(HttpMethod.POST, "/txn/start?async=true", "");
    assertEquals(201, started.statusCode(), started.bodyAsString());
    return started.bodyAsJsonObject().getString("id");
  }

  private static String manyProducts(int rows) {
    StringBuilder csv = new StringBuilder("SKU,DESCRIPTION,PRICE\n");
    for (int i = 0; i < rows; i++) {
      csv.append("P").append(i).append(",product ").append(i).append(',').append(i % 1000).append(".25\n");
    }
    return csv.toString();
  }

  /** Waits until the server's pool runs a statement that starts so (the commit's staging or its merge), as the database sees it. */
  private void awaitActiveStatement(Connection direct, String start) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      try (PreparedStatement query = direct.prepareStatement(
        "SELECT count(*) FROM pg_stat_activity WHERE client_port = ANY(?) AND state = 'active' AND starts_with(query, ?)")) {
        query.setArray(1, ports(direct));
        query.setString(2, start);
        try (ResultSet rows = query.executeQuery()) {
          rows.next();
          if (rows.getLong(1) > 0) {
            return;
          }
        }
      }
      Thread.sleep(10);
    }
    throw new AssertionError("the commit never ran " + start);
  }

  private Array ports(Connection direct) throws SQLException {
    return direct.createArrayOf("integer", proxy.upstreamPorts().toArray());
  }

  private int terminateSessions(Connection direct) throws SQLException {
    try (PreparedStatement terminate = direct.prepareStatement("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
      + " WHERE client_port = ANY(?) AND application_name = 'tdx'")) {
      terminate.setArray(1, ports(direct));
      try (ResultSet rows = terminate.executeQuery()) {
        rows.next();
        return rows.getInt(1);
      }
    }
  }

  /** The transaction's document once it finished, as the server answers it. */
  private JsonObject finished(String txn) {
    HttpResponse<Buffer> poll = TestServer.await(tdx.request(HttpMethod.GET, "/txn/" + txn + "/poll?wait=30")
      .followRedirects(false).send());
    assertEquals(303, poll.statusCode(), poll.bodyAsString());
    HttpResponse<Buffer> document = tdx.get("/txn/" + txn);
    assertEquals(200, document.statusCode(), document.bodyAsString());
    return document.bodyAsJsonObject();
  }

  private static List<JsonObject> records(Connection direct, String txn) throws SQLException {
    try (PreparedStatement query = direct.prepareStatement("SELECT state, document FROM tdx_transactions WHERE id = ?")) {
      query.setString(1, txn);
      List<JsonObject> records = new ArrayList<>();
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          JsonObject document = new JsonObject(rows.getString("document"));
          assertEquals(rows.getString("state"), document.getString("state"));
          records.add(document);
        }
      }
      return records;
    }
  }

  private static List<JsonObject> awaitRecords(Connection direct, String txn) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      List<JsonObject> records = records(direct, txn);
      if (!records.isEmpty()) {
        return records;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the record of transaction " + txn + " was never written");
  }

  private static long count(Connection direct, String sql) throws SQLException {
    try (Statement statement = direct.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    }
  }

  /** Every owner's journal, as one text. */
  private String journal() throws IOException {
    StringBuilder text = new StringBuilder();
    try (Stream<Path> journals = Files.list(dataDir.resolve("txn"))) {
      for (Path journal : journals.filter(p -> p.getFileName().toString().startsWith("journal-")).toList()) {
        text.append(Files.readString(journal));
      }
    }
    return text.toString();
  }
}
