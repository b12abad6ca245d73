package io.tdx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tdx.client.CsvSource;
import io.tdx.client.ImportSettings;
import io.tdx.client.PartSpec;
import io.tdx.client.ProgressListener;
import io.tdx.client.TdxClient;
import io.tdx.client.TdxClientOptions;
import io.tdx.client.TxnOutcome;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Live progress: a part's bytes while received; a commit's phase and rows staged and merged, in the documents and the client")
class ProgressTest extends ServerTest {
  static final int ROWS = 400_000;

  static String products(int rows) {
    return IntStream.range(0, rows).mapToObj(i -> "K" + i + ",1.00").collect(Collectors.joining("\n", "SKU,PRICE\n", "\n"));
  }

  @Test
  @DisplayName("while a part's body comes, the part shows the bytes received so far")
  void receivedBytes() throws Exception {
    String txn = tdx.post("/txn/start?async=true", "").bodyAsJsonObject().getString("id");
    HttpClient http = tdx.vertx().createHttpClient();
    HttpClientRequest upload = TestServer.await(http.request(new RequestOptions().setMethod(HttpMethod.POST)
      .setHost("127.0.0.1").setPort(tdx.port()).setURI("/products?txn=" + txn)));
    upload.setChunked(true);
    Buffer first = Buffer.buffer(products(100_000));
    TestServer.await(upload.write(first));
    long deadline = System.currentTimeMillis() + 20_000;
    JsonObject part;
    do {
      Thread.sleep(200);
      part = tdx.get("/txn/" + txn).bodyAsJsonObject().getJsonArray("parts").getJsonObject(0);
    } while (part.getLong("bytes", 0L) < first.length() && System.currentTimeMillis() < deadline);
    assertEquals("RECEIVING", part.getString("state"));
    assertEquals(first.length(), part.getLong("bytes"), part.encode());
    String text = TestServer.await(tdx.request(HttpMethod.GET, "/txn/" + txn).putHeader("Accept", "text/plain").send()).bodyAsString();
    assertTrue(text.contains("part p1 POST /products: RECEIVING, " + first.length() + " bytes received"), text);
    TestServer.await(upload.end(Buffer.buffer("LAST,2.00\n")));
    assertEquals(201, TestServer.await(upload.response()).statusCode());
    part = tdx.get("/txn/" + txn).bodyAsJsonObject().getJsonArray("parts").getJsonObject(0);
    assertEquals("READY", part.getString("state"));
    assertEquals(first.length() + "LAST,2.00\n".length(), part.getLong("bytes"));
    TestServer.await(http.close());
  }

  @Test
  @DisplayName("while a transaction commits, its document, its poll and its text show the phase and the rows staged and merged per part")
  void commitProgress() throws Exception {
    String txn = tdx.post("/txn/start?async=true", "").bodyAsJsonObject().getString("id");
    assertEquals(201, tdx.post("/products?txn=" + txn, products(ROWS)).statusCode());
    assertEquals(201, tdx.get("/products?txn=" + txn).statusCode());
    assertEquals(202, tdx.post("/txn/" + txn + "/commit", "{\"parts\": [\"p1\", \"p2\"]}").statusCode());
    List<JsonObject> seen = new CopyOnWriteArrayList<>();
    JsonObject document;
    do {
      document = tdx.get("/txn/" + txn).bodyAsJsonObject();
      if (document.getJsonObject("progress") != null) {
        seen.add(document.getJsonObject("progress"));
      }
    } while (document.getString("finished") == null);
    assertEquals("COMMITTED", document.getString("state"));
    assertNull(document.getJsonObject("progress"), "no progress once it has ended");
    assertTrue(seen.stream().anyMatch(p -> p.getString("phase").equals("staging") || p.getString("phase").equals("applying")), seen.toString());
    // rows staged grow as they are read, up to all of them; merged once its part is applied
    assertTrue(seen.stream().map(p -> p.getJsonObject("parts").getJsonObject("p1"))
      .anyMatch(p1 -> p1 != null && p1.getLong("staged", 0L) > 0), seen.toString());
    for (JsonObject progress : seen) {
      JsonObject p1 = progress.getJsonObject("parts").getJsonObject("p1");
      assertTrue(p1 == null || p1.getLong("staged", 0L) <= ROWS, progress.encode());
      assertTrue(p1 == null || p1.getLong("merged") == null || p1.getLong("merged") == ROWS, progress.encode());
    }
  }

  @Test
  @DisplayName("the Java client hears the commit's phase and rows about once a second")
  void clientHearsTheCommit() throws Exception {
    Path file = dataDir.resolve("products.csv");
    Files.writeString(file, products(2 * ROWS));
    List<String> heard = new CopyOnWriteArrayList<>();
    ProgressListener listener = new ProgressListener() {
      @Override
      public void committing(String txnId, String phase, String part, long rowsStaged, long rowsMerged) {
        heard.add(phase + " " + part + " " + rowsStaged + " " + rowsMerged);
      }

      @Override
      public void state(String txnId, String state) {
        heard.add(state);
      }

      @Override
      public boolean live() {
        return true;
      }
    };
    try (TdxClient client = TdxClient.create(tdx.vertx(), TdxClientOptions.of("http://127.0.0.1:" + tdx.port()))) {
      TxnOutcome outcome = TestServer.await(client.withProgress(listener).run(true, List.of(
        PartSpec.importing("/products", CsvSource.file(file), ImportSettings.UPSERT)), Duration.ofMinutes(2)));
      assertTrue(outcome.committed());
    }
    assertTrue(heard.contains("COMMITTED"), heard.toString());
    assertTrue(heard.stream().anyMatch(line -> line.matches("(queued|staging|applying) (p1|null) \\d+ \\d+")), heard.toString());
  }
}
