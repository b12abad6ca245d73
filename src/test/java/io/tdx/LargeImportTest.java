package io.tdx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Large bodies stream from the socket into the workspace and back")
class LargeImportTest extends ServerTest {
  static final int PRODUCTS = 2_000;
  static final int SALES = 400_000;

  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  /** Generates CSV lines on demand: the test never holds the body either. */
  static final class Generated extends InputStream {
    private final String header;
    private final int rows;
    private final java.util.function.IntFunction<String> line;
    private byte[] current;
    private int position;
    private int next = -1;

    Generated(String header, int rows, java.util.function.IntFunction<String> line) {
      this.header = header;
      this.rows = rows;
      this.line = line;
    }

    @Override
    public int read() {
      if (current == null || position == current.length) {
        if (next == rows) {
          return -1;
        }
        current = (next < 0 ? header : line.apply(next)).getBytes(StandardCharsets.UTF_8);
        next++;
        position = 0;
      }
      return current[position++] & 0xff;
    }
  }

  HttpResponse<String> post(String service, InputStream body) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + tdx.port() + service))
      .POST(HttpRequest.BodyPublishers.ofInputStream(() -> body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  @DisplayName("a streamed body of 400,000 rows (chunked, no Content-Length) imports in full and exports back")
  void largeStreamedImport() throws Exception {
    HttpResponse<String> products = post("/products",
      new Generated("SKU,DESCRIPTION,PRICE\n", PRODUCTS, i -> "P" + i + ",product " + i + "," + (i % 100) + ".25\n"));
    assertEquals(200, products.statusCode(), products.body());
    HttpResponse<String> sales = post("/sales", new Generated("SKU,STORE,WEEK,UNITS,REVENUE\n", SALES,
      i -> "P" + (i % PRODUCTS) + ",S" + (i / (PRODUCTS * 53)) + "," + (i / PRODUCTS % 53 + 1) + "," + i + "," + i + ".50\n"));
    assertEquals(200, sales.statusCode(), sales.body());
    assertEquals(String.valueOf(SALES), sales.headers().firstValue("TDX-Rows-Inserted").orElseThrow(), sales.body());

    HttpResponse<InputStream> export = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + tdx.port() + "/sales"))
      .build(), HttpResponse.BodyHandlers.ofInputStream());
    long lines = 0;
    try (InputStream in = export.body()) {
      byte[] buffer = new byte[1 << 16];
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        for (int i = 0; i < n; i++) {
          if (buffer[i] == '\n') {
            lines++;
          }
        }
      }
    }
    assertEquals(SALES + 1, lines);
  }

  /** Sends a request head with Expect: 100-continue on a raw socket and returns the first status line. */
  static String firstStatus(Socket socket, String head) throws IOException {
    socket.setSoTimeout(20_000);
    socket.getOutputStream().write(head.getBytes(StandardCharsets.UTF_8));
    socket.getOutputStream().flush();
    return new java.io.DataInputStream(socket.getInputStream()).readLine();
  }

  @Test
  @DisplayName("a client that sends Expect: 100-continue is asked for its body and its import lands")
  void expectContinue() throws Exception {
    String body = "SKU,PRICE\nA1,1\n";
    try (Socket socket = new Socket("127.0.0.1", tdx.port())) {
      assertEquals("HTTP/1.1 100 Continue", firstStatus(socket, "POST /products HTTP/1.1\r\nHost: localhost\r\n"
        + "Expect: 100-continue\r\nContent-Length: " + body.length() + "\r\n\r\n"));
      socket.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
      java.io.DataInputStream in = new java.io.DataInputStream(socket.getInputStream());
      String line = in.readLine();
      while (line.isEmpty()) {
        line = in.readLine();
      }
      assertEquals("HTTP/1.1 200 OK", line);
    }
    assertEquals("SKU,DESCRIPTION,PRICE\nA1,,1.00\n", tdx.export("/products"));
  }

  @Test
  @DisplayName("an import refused before its body is read is answered without asking for the body")
  void expectContinueRefused() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", tdx.port())) {
      assertEquals("HTTP/1.1 400 Bad Request", firstStatus(socket, "POST /products?bogus=1 HTTP/1.1\r\nHost: localhost\r\n"
        + "Expect: 100-continue\r\nContent-Length: 1000\r\n\r\n"));
    }
  }
}
