package io.tdx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpResponse;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Past its queue bound the server answers 503 with Retry-After, and loses nothing it accepted")
class OverloadTest extends ServerTest {

  @Override
  JsonObject configure(JsonObject config) {
    config.getJsonObject("workspace").put("workers", 1);
    config.getJsonObject("limits").put("maxQueuedJobs", 1);
    return config;
  }

  @Test
  @DisplayName("one import on the only worker, one queued, the third refused")
  void queueBound() throws Exception {
    // a worker is taken only once 1 MiB of a body is buffered: past that, it waits for the rest
    StringBuilder rows = new StringBuilder("SKU,PRICE\n");
    int count = 0;
    while (rows.length() < (3 << 19)) {
      rows.append('K').append(count++).append(",1\n");
    }
    String slowBody = rows.toString();
    String rest = "B2,2\n";
    try (Socket slow = new Socket("127.0.0.1", tdx.port())) {
    OutputStream out = slow.getOutputStream();
    out.write(("POST /products HTTP/1.1\r\nHost: localhost\r\nContent-Length: "
      + (slowBody.length() + rest.length()) + "\r\n\r\n" + slowBody).getBytes(StandardCharsets.UTF_8));
    out.flush();
    Thread.sleep(1500); // the only worker now waits for the rest of that body

    Future<HttpResponse<Buffer>> queued = tdx.client().request(HttpMethod.POST, "/products")
      .sendBuffer(Buffer.buffer("SKU,PRICE\nC3,3\n"));
    Thread.sleep(300);
    HttpResponse<Buffer> refused = tdx.post("/products", "SKU,PRICE\nD4,4\n");
    RequestErrorsTest.problem(refused, 503, "overloaded");
    assertEquals("1", refused.getHeader("Retry-After"));

    out.write(rest.getBytes(StandardCharsets.UTF_8));
    out.flush();
    BufferedReader in = new BufferedReader(new InputStreamReader(slow.getInputStream(), StandardCharsets.UTF_8));
    assertEquals("HTTP/1.1 200 OK", in.readLine());
    assertEquals(200, TestServer.await(queued).statusCode());
    String exported = tdx.export("/products");
    assertEquals(count + 3, exported.lines().count());
    assertTrue(exported.startsWith("SKU,DESCRIPTION,PRICE\nB2,,2.00\nC3,,3.00\nK0,,1.00\n"), exported.substring(0, 100));
    }
  }
}
