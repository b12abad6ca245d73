package io.tdx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Exports the engine writes itself (DuckDB: COPY to a named pipe): the same bytes, streamed, stopped by a client that goes away")
class CopyExportTest extends ServerTest {
  static final int ROWS = 300_000;

  static String products(int rows) {
    return IntStream.range(0, rows).mapToObj(i -> String.format("K%07d,\"d, \"\"%d\"\"\",%d.50", i, i, i % 1000))
      .collect(Collectors.joining("\n", "SKU,DESCRIPTION,PRICE\n", "\n"));
  }

  @Test
  @DisplayName("a large export is the rows in key order, quoted where needed, the same on either engine")
  void sameBytes() {
    String csv = products(ROWS);
    assertEquals(200, tdx.post("/products", csv).statusCode());
    String exported = tdx.export("/products");
    assertEquals(csv, exported);
  }

  @Test
  @DisplayName("a client that goes away mid-export stops it: the worker is free for the next request, and no pipe is left behind")
  void clientGoesAway() throws Exception {
    assertEquals(200, tdx.post("/products", products(ROWS)).statusCode());
    for (int i = 0; i < 3; i++) {
      try (Socket socket = new Socket("127.0.0.1", tdx.port())) {
        OutputStream out = socket.getOutputStream();
        out.write("GET /products HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        byte[] some = in.readNBytes(64 * 1024);
        assertTrue(new String(some, 0, 200, StandardCharsets.US_ASCII).startsWith("HTTP/1.1 200"));
      } // closed mid-body
    }
    // every worker is free again: as many exports at once as there are workers, each in full
    String full = tdx.export("/products");
    assertEquals(ROWS + 1, full.lines().count());
    assertEquals(200, tdx.post("/products", "SKU,PRICE\nZ1,1.00\n").statusCode());
    try (Stream<java.nio.file.Path> files = Files.walk(dataDir.resolve("tmp"))) {
      assertEquals(java.util.List.of(), files.filter(p -> p.getFileName().toString().endsWith(".fifo")).toList());
    }
  }
}
