package io.tdx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Transaction records live in the workspace and survive a restart")
class TxnRecordsTest {
  @TempDir
  Path dataDir;

  static HttpResponse<Buffer> send(TestServer tdx, HttpMethod method, String uri, String body) {
    var request = tdx.request(method, uri).followRedirects(false);
    return TestServer.await(body == null ? request.send() : request.sendBuffer(Buffer.buffer(body)));
  }

  static String start(TestServer tdx) {
    return Locations.path(send(tdx, HttpMethod.POST, "/txn/start?async=true", null).getHeader("Location"));
  }

  @Test
  @DisplayName("a committed transaction's document is the same after a restart, and its record is in the database with the data")
  void committedSurvives() throws Exception {
    String txn;
    JsonObject before;
    try (TestServer tdx = TestServer.start(dataDir)) {
      txn = start(tdx);
      String part = Locations.path(send(tdx, HttpMethod.POST, "/products?txn=" + txn.substring(5), "SKU,PRICE\nA1,1\n").getHeader("Location"));
      send(tdx, HttpMethod.POST, txn + "/commit", "[\"" + part.substring(part.lastIndexOf('/') + 1) + "\"]");
      assertEquals(303, send(tdx, HttpMethod.GET, txn + "/poll?wait=30", null).statusCode());
      before = send(tdx, HttpMethod.GET, txn, null).bodyAsJsonObject();
      assertEquals("COMMITTED", before.getString("state"));
      tdx.restart();
      assertEquals(before, send(tdx, HttpMethod.GET, txn, null).bodyAsJsonObject());
      HttpResponse<Buffer> poll = send(tdx, HttpMethod.GET, txn + "/poll", null);
      assertEquals(303, poll.statusCode());
      RequestErrorsTest.problem(send(tdx, HttpMethod.POST, txn + "/abort", null), 409, "transaction-not-open");
    }
    try (Connection db = TestWorkspace.connect(dataDir);
         Statement statement = db.createStatement();
         ResultSet rows = statement.executeQuery("SELECT state, document FROM tdx_transactions WHERE id = '" + txn.substring(5) + "'")) {
      assertTrue(rows.next());
      assertEquals("COMMITTED", rows.getString(1));
      assertEquals(before, new JsonObject(rows.getString(2)));
    }
  }

  @Test
  @DisplayName("a transaction open at a stop is ABORTED after it, one committing is FAILED, each with the reason, and nothing was written")
  void unfinishedAtStop() throws Exception {
    try (TestServer tdx = TestServer.start(dataDir, config -> config.put("shutdownGraceSeconds", 1))) {
      String open = start(tdx);
      send(tdx, HttpMethod.POST, "/products?txn=" + open.substring(5), "SKU,PRICE\nA1,1\n");
      String committing = start(tdx);
      String p1 = Locations.path(send(tdx, HttpMethod.POST, "/products?txn=" + committing.substring(5), "SKU,PRICE\nB2,2\n").getHeader("Location"));
      try (Socket slow = new Socket("127.0.0.1", tdx.port())) {
        // a second part whose body never finishes: the commit waits for it
        OutputStream out = slow.getOutputStream();
        out.write(("POST /products?txn=" + committing.substring(5) + " HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\nSKU,PRICE\n")
          .getBytes(StandardCharsets.UTF_8));
        out.flush();
        Thread.sleep(300);
        HttpResponse<Buffer> commit = send(tdx, HttpMethod.POST, committing + "/commit",
          "[\"" + p1.substring(p1.lastIndexOf('/') + 1) + "\", \"p2\"]");
        assertEquals(202, commit.statusCode(), commit.bodyAsString());
        assertEquals("COMMITTING", send(tdx, HttpMethod.GET, committing, null).bodyAsJsonObject().getString("state"));
        tdx.restart();
      }
      JsonObject aborted = send(tdx, HttpMethod.GET, open, null).bodyAsJsonObject();
      assertEquals("ABORTED", aborted.getString("state"), aborted.encodePrettily());
      assertTrue(aborted.getString("cause").contains("the server stopped while the transaction was open"));
      JsonObject failed = send(tdx, HttpMethod.GET, committing, null).bodyAsJsonObject();
      assertEquals("FAILED", failed.getString("state"), failed.encodePrettily());
      // the stop cut the unfinished part's connection (the part failed, so the commit did) or stopped the commit itself
      assertTrue(failed.getString("cause").contains("part p2 could not be received")
        || failed.getString("cause").contains("while the transaction was committing"), failed.getString("cause"));
      assertEquals("SKU,DESCRIPTION,PRICE\n", tdx.export("/products"));
    }
  }
}
