package io.tdx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Files by file:// URI, confined to files.roots")
class FileUriTest extends ServerTest {
  Path root;

  @Override
  JsonObject configure(JsonObject config) {
    root = dataDir.resolve("exchange");
    return config.put("files", new JsonObject().put("roots", new JsonArray().add(root.toString())));
  }

  String uri(Path path) {
    return path.toUri().toString().replace("file:/", "file:///").replace("file:////", "file:///");
  }

  HttpResponse<Buffer> importUri(String uri) {
    return tdx.post("/products?uri=" + java.net.URLEncoder.encode(uri, StandardCharsets.UTF_8), "");
  }

  HttpResponse<Buffer> exportUri(String uri) {
    return tdx.get("/products?uri=" + java.net.URLEncoder.encode(uri, StandardCharsets.UTF_8));
  }

  @Test
  @DisplayName("imports a file and a .gz file by URI, answering as a body import would")
  void importByUri() throws IOException {
    Files.writeString(root.resolve("products.csv"), ImportTest.PRODUCTS);
    HttpResponse<Buffer> response = importUri(uri(root.resolve("products.csv")));
    assertEquals(200, response.statusCode(), response.bodyAsString());
    assertEquals("3", response.getHeader("TDX-Rows-Inserted"));
    Files.write(root.resolve("more.csv.gz"), RequestErrorsTest.gzip("SKU,PRICE\nD4,4.00\n"));
    assertEquals("1", importUri(uri(root.resolve("more.csv.gz"))).getHeader("TDX-Rows-Inserted"));
    assertEquals(ImportTest.PRODUCTS + "D4,,4.00\n", tdx.export("/products"));
  }

  @Test
  @DisplayName("exports to a file by URI (gzip for .gz), answers a JSON summary, and never overwrites")
  void exportByUri() throws IOException {
    tdx.post("/products", ImportTest.PRODUCTS);
    HttpResponse<Buffer> response = exportUri(uri(root.resolve("out.csv")));
    assertEquals(200, response.statusCode(), response.bodyAsString());
    JsonObject summary = response.bodyAsJsonObject();
    assertEquals(3, summary.getLong("rows"));
    assertEquals(Files.size(root.resolve("out.csv")), summary.getLong("bytes"));
    assertEquals(ImportTest.PRODUCTS, Files.readString(root.resolve("out.csv")));
    assertEquals(200, exportUri(uri(root.resolve("out.csv.gz"))).statusCode());
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(Files.readAllBytes(root.resolve("out.csv.gz"))))) {
      assertEquals(ImportTest.PRODUCTS, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    RequestErrorsTest.problem(exportUri(uri(root.resolve("out.csv"))), 409, "file-exists");
    try (var files = Files.list(root)) {
      assertEquals(2, files.count(), "no temporary file is left behind");
    }
  }

  @Test
  @DisplayName("a synchronous transaction's export part to a URI is answered with its JSON summary, as a request of its own")
  void synchronousExportPartByUri() throws IOException {
    tdx.post("/products", ImportTest.PRODUCTS);
    String txn = tdx.post("/txn/start", "").bodyAsJsonObject().getString("id");
    String target = java.net.URLEncoder.encode(uri(root.resolve("sync.csv")), StandardCharsets.UTF_8);
    io.vertx.core.Future<HttpResponse<Buffer>> part = tdx.request(io.vertx.core.http.HttpMethod.GET, "/products?txn=" + txn + "&uri=" + target).send();
    HttpResponse<Buffer> commit = tdx.post("/txn/" + txn + "/commit?count=1", "");
    assertEquals(200, commit.statusCode(), commit.bodyAsString());
    HttpResponse<Buffer> answer = TestServer.await(part);
    assertEquals(200, answer.statusCode(), answer.bodyAsString());
    assertEquals(3, answer.bodyAsJsonObject().getLong("rows"));
    assertEquals(Files.size(root.resolve("sync.csv")), answer.bodyAsJsonObject().getLong("bytes"));
    assertEquals(ImportTest.PRODUCTS, Files.readString(root.resolve("sync.csv")));
  }

  @Test
  @DisplayName("every way out of the roots is a 403 naming the rule")
  void confinement() throws IOException {
    Path outside = dataDir.resolve("secret.csv");
    Files.writeString(outside, "SKU,PRICE\nX,1\n");
    JsonObject outsideRoots = RequestErrorsTest.problem(importUri(uri(outside)), 403, "file-forbidden");
    assertEquals("outside-roots", outsideRoots.getString("rule"));
    JsonObject dots = RequestErrorsTest.problem(importUri("file://" + root + "/../secret.csv"), 403, "file-forbidden");
    assertEquals("dot-segments", dots.getString("rule"));
    Files.createSymbolicLink(root.resolve("link.csv"), outside);
    JsonObject link = RequestErrorsTest.problem(importUri(uri(root.resolve("link.csv"))), 403, "file-forbidden");
    assertEquals("outside-roots", link.getString("rule"));
    Files.createSymbolicLink(root.resolve("dev"), Path.of("/dev"));
    JsonObject device = RequestErrorsTest.problem(importUri("file://" + root + "/dev/zero"), 403, "file-forbidden");
    assertEquals("outside-roots", device.getString("rule"));
    JsonObject directory = RequestErrorsTest.problem(importUri(uri(root)), 403, "file-forbidden");
    assertEquals("not-a-regular-file", directory.getString("rule"));
    JsonObject exportOut = RequestErrorsTest.problem(exportUri(uri(dataDir.resolve("leak.csv"))), 403, "file-forbidden");
    assertEquals("outside-roots", exportOut.getString("rule"));
    assertFalse(Files.exists(dataDir.resolve("leak.csv")));
    RequestErrorsTest.problem(importUri(uri(root.resolve("missing.csv"))), 404, "file-not-found");
    RequestErrorsTest.problem(importUri("ftp://example.org/key.csv"), 400, "unsupported-scheme");
    assertEquals("SKU,DESCRIPTION,PRICE\n", tdx.export("/products"));
  }

  @Test
  @DisplayName("an import takes a body or a URI, not both")
  void bodyAndUri() throws IOException {
    Files.writeString(root.resolve("p.csv"), ImportTest.PRODUCTS);
    RequestErrorsTest.problem(tdx.post("/products?uri=" + uri(root.resolve("p.csv")), "SKU,PRICE\nA1,1\n"), 400, "body-and-uri");
    assertTrue(tdx.export("/products").equals("SKU,DESCRIPTION,PRICE\n"));
  }

  HttpResponse<Buffer> send(io.vertx.core.http.HttpMethod method, String uri, String body) {
    var request = tdx.request(method, uri).followRedirects(false);
    return TestServer.await(body == null ? request.send() : request.sendBuffer(Buffer.buffer(body)));
  }

  @Test
  @DisplayName("asynchronous parts by URI: an import answers 202 and is DOWNLOADING then READY; an export writes its file; a forbidden file fails the transaction")
  void transactionParts() throws Exception {
    Files.writeString(root.resolve("products.csv"), ImportTest.PRODUCTS);
    String txn = Locations.path(send(io.vertx.core.http.HttpMethod.POST, "/txn/start?async=true", null).getHeader("Location"));
    String id = txn.substring(5);
    HttpResponse<Buffer> part = send(io.vertx.core.http.HttpMethod.POST, "/products?txn=" + id + "&uri="
      + java.net.URLEncoder.encode(uri(root.resolve("products.csv")), StandardCharsets.UTF_8), null);
    assertEquals(202, part.statusCode(), part.bodyAsString());
    assertEquals(txn + "/p1", Locations.path(part.getHeader("Location")));
    assertEquals("DOWNLOADING", part.bodyAsJsonObject().getString("state"));
    HttpResponse<Buffer> export = send(io.vertx.core.http.HttpMethod.GET, "/products?txn=" + id + "&uri="
      + java.net.URLEncoder.encode(uri(root.resolve("copy.csv")), StandardCharsets.UTF_8), null);
    assertEquals(201, export.statusCode(), export.bodyAsString());
    assertEquals(202, send(io.vertx.core.http.HttpMethod.POST, txn + "/commit", "[\"p1\", \"p2\"]").statusCode());
    assertEquals(303, send(io.vertx.core.http.HttpMethod.GET, txn + "/poll?wait=30", null).statusCode());
    JsonObject done = send(io.vertx.core.http.HttpMethod.GET, txn, null).bodyAsJsonObject();
    assertEquals("COMMITTED", done.getString("state"), done.encodePrettily());
    assertEquals(ImportTest.PRODUCTS, Files.readString(root.resolve("copy.csv")));
    var csv = tdx.await(tdx.request(io.vertx.core.http.HttpMethod.GET, txn + "/p2").putHeader("Accept", "text/csv").send());
    RequestErrorsTest.problem(csv, 409, "sent-to-uri");

    Path outside = dataDir.resolve("secret.csv");
    Files.writeString(outside, "SKU,PRICE\nX,1\n");
    String txn2 = Locations.path(send(io.vertx.core.http.HttpMethod.POST, "/txn/start?async=true", null).getHeader("Location"));
    assertEquals(202, send(io.vertx.core.http.HttpMethod.POST, "/products?txn=" + txn2.substring(5) + "&uri="
      + java.net.URLEncoder.encode(uri(outside), StandardCharsets.UTF_8), null).statusCode());
    send(io.vertx.core.http.HttpMethod.POST, txn2 + "/commit", "[\"p1\"]");
    assertEquals(303, send(io.vertx.core.http.HttpMethod.GET, txn2 + "/poll?wait=30", null).statusCode());
    JsonObject failed = send(io.vertx.core.http.HttpMethod.GET, txn2, null).bodyAsJsonObject();
    assertEquals("FAILED", failed.getString("state"), failed.encodePrettily());
    assertTrue(failed.getString("cause").contains("outside the configured files.roots"), failed.getString("cause"));
    assertEquals(ImportTest.PRODUCTS, tdx.export("/products"));
  }
  @Test
  @DisplayName("outside the roots, an existing and a missing path get the same 403, and no 403 echoes a real path")
  void outsideTellsNothing() throws IOException {
    Path outside = dataDir.resolve("secret.csv");
    Files.writeString(outside, "SKU,PRICE\nX,1\n");
    Files.createSymbolicLink(root.resolve("link.csv"), outside);
    Files.createSymbolicLink(root.resolve("away"), dataDir);
    String[] uris = {uri(outside), uri(dataDir.resolve("missing.csv")), uri(dataDir.resolve("no/such/dir/x.csv")),
      "file:///no/such/dir/x.csv", "file:///etc/passwd", uri(root.resolve("link.csv")), "file://" + root + "/away/missing.csv",
      "file://" + root + "/away/secret.csv"};
    java.util.Set<String> details = new java.util.HashSet<>();
    for (String uri : uris) {
      JsonObject problem = RequestErrorsTest.problem(importUri(uri), 403, "file-forbidden");
      assertEquals("outside-roots", problem.getString("rule"), uri);
      assertEquals(uri, problem.getString("uri"));
      details.add(problem.getString("detail"));
      if (!uri.endsWith("link.csv")) { // an export onto a link is refused as one (symbolic-link)
        JsonObject export = RequestErrorsTest.problem(exportUri(uri.replace("secret.csv", "new.csv").replace("passwd", "new.csv")),
          403, "file-forbidden");
        assertEquals("outside-roots", export.getString("rule"), uri);
        details.add(export.getString("detail"));
      }
    }
    assertEquals(1, details.size(), details.toString());
    String detail = details.iterator().next();
    assertFalse(detail.contains(dataDir.toString()) || detail.contains(root.toString()) || detail.contains("/etc"), detail);
    RequestErrorsTest.problem(importUri(uri(root.resolve("missing.csv"))), 404, "file-not-found");
    RequestErrorsTest.problem(exportUri(uri(root.resolve("no/dir.csv"))), 404, "directory-not-found");
    assertFalse(Files.exists(dataDir.resolve("new.csv")));
  }

  @Test
  @DisplayName("file:/// as an export target, and %00 anywhere in a file URI, are a 400 bad-uri")
  void badFileUris() throws IOException {
    Files.writeString(root.resolve("p.csv"), ImportTest.PRODUCTS);
    RequestErrorsTest.problem(exportUri("file:///"), 400, "bad-uri");
    assertEquals("outside-roots", RequestErrorsTest.problem(importUri("file:///"), 403, "file-forbidden").getString("rule"));
    for (String uri : List.of(uri(root.resolve("p.csv")) + "%00", "file://" + root + "/p%00.csv", "file://" + root + "%00/p.csv",
      uri(root.resolve("p.csv")) + "?x=%00", "file:///%00")) {
      RequestErrorsTest.problem(importUri(uri), 400, "bad-uri");
      RequestErrorsTest.problem(exportUri(uri.replace("p.csv", "q.csv")), 400, "bad-uri");
    }
    assertEquals("SKU,DESCRIPTION,PRICE\n", tdx.export("/products"));
    assertFalse(Files.exists(root.resolve("q.csv")));
  }
}
