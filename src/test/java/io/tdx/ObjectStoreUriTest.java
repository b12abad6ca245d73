package io.tdx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.ByteArrayInputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every object store ({@code s3://}, {@code gs://}) shares, against a real store
 * of each kind: imports stream the object, exports appear whole or not at all and never
 * overwrite, transaction parts fetch and publish, and only the configured buckets are reached.
 */
abstract class ObjectStoreUriTest extends ServerTest {
  static final String BUCKET = "tdx-exchange";
  /** A bucket that exists in the store but is not among the configured ones. */
  static final String OTHER_BUCKET = "tdx-private";

  abstract String scheme();

  abstract void put(String bucket, String name, byte[] content) throws Exception;

  /** The object's bytes, or null when there is none. */
  abstract byte[] get(String bucket, String name) throws Exception;

  String uri(String name) {
    return scheme() + "://" + BUCKET + "/" + name;
  }

  static String encoded(String uri) {
    return URLEncoder.encode(uri, StandardCharsets.UTF_8);
  }

  HttpResponse<Buffer> send(HttpMethod method, String uri, String body) {
    var request = tdx.request(method, uri).followRedirects(false);
    return TestServer.await(body == null ? request.send() : request.sendBuffer(Buffer.buffer(body)));
  }

  String text(String name) throws Exception {
    byte[] bytes = get(BUCKET, name);
    return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
  }

  @Test
  @DisplayName("imports an object and a .gz object by URI, answering as a body import would")
  void imports() throws Exception {
    put(BUCKET, "in/products.csv", ImportTest.PRODUCTS.getBytes(StandardCharsets.UTF_8));
    put(BUCKET, "in/more.csv.gz", RequestErrorsTest.gzip("SKU,PRICE\nD4,4.00\n"));
    HttpResponse<Buffer> response = tdx.post("/products?uri=" + encoded(uri("in/products.csv")), "");
    assertEquals(200, response.statusCode(), response.bodyAsString());
    assertEquals("3", response.getHeader("TDX-Rows-Inserted"));
    assertEquals("1", tdx.post("/products?uri=" + encoded(uri("in/more.csv.gz")), "").getHeader("TDX-Rows-Inserted"));
    assertEquals(ImportTest.PRODUCTS + "D4,,4.00\n", tdx.export("/products"));
  }

  @Test
  @DisplayName("exports to an object (gzip for .gz), answers a JSON summary, and never overwrites one")
  void exports() throws Exception {
    tdx.post("/products", ImportTest.PRODUCTS);
    HttpResponse<Buffer> response = tdx.get("/products?uri=" + encoded(uri("out/products.csv")));
    assertEquals(200, response.statusCode(), response.bodyAsString());
    JsonObject summary = response.bodyAsJsonObject();
    assertEquals(3, summary.getLong("rows"));
    assertEquals(ImportTest.PRODUCTS.length(), summary.getLong("bytes"));
    assertEquals(uri("out/products.csv"), summary.getString("uri"));
    assertEquals(ImportTest.PRODUCTS, text("out/products.csv"));

    assertEquals(200, tdx.get("/products?uri=" + encoded(uri("out/products.csv.gz"))).statusCode());
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(get(BUCKET, "out/products.csv.gz")))) {
      assertEquals(ImportTest.PRODUCTS, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }

    tdx.post("/products", "SKU,PRICE\nE5,5.00\n");
    RequestErrorsTest.problem(tdx.get("/products?uri=" + encoded(uri("out/products.csv"))), 409, "file-exists");
    assertEquals(ImportTest.PRODUCTS, text("out/products.csv"), "the existing object is unchanged");
  }

  @Test
  @DisplayName("a missing object is a 404, a bucket outside files.<store>.buckets a 403, http(s) is import only, credentials never come from a request")
  void refusals() throws Exception {
    RequestErrorsTest.problem(tdx.post("/products?uri=" + encoded(uri("nothing.csv")), ""), 404, "file-not-found");
    put(OTHER_BUCKET, "secret.csv", "SKU,PRICE\nX,1\n".getBytes(StandardCharsets.UTF_8));
    String other = scheme() + "://" + OTHER_BUCKET + "/secret.csv";
    JsonObject importOther = RequestErrorsTest.problem(tdx.post("/products?uri=" + encoded(other), ""), 403, "file-forbidden");
    assertEquals("bucket-not-allowed", importOther.getString("rule"));
    String leak = scheme() + "://" + OTHER_BUCKET + "/leak.csv";
    JsonObject exportOther = RequestErrorsTest.problem(tdx.get("/products?uri=" + encoded(leak)), 403, "file-forbidden");
    assertEquals("bucket-not-allowed", exportOther.getString("rule"));
    assertNull(get(OTHER_BUCKET, "leak.csv"));
    RequestErrorsTest.problem(tdx.get("/products?uri=" + encoded("http://127.0.0.1:1/out.csv")), 400, "unsupported-scheme");
    RequestErrorsTest.problem(tdx.post("/products?uri=" + encoded(scheme() + "://" + BUCKET), ""), 400, "bad-uri");
    JsonObject credentials = RequestErrorsTest.problem(tdx.post("/products?uri=" + encoded(uri("in/x.csv"))
      + "&accessKeyId=AKIAEXAMPLE&secretAccessKey=secret", ""), 400, "unknown-parameter");
    assertTrue(credentials.getString("detail").contains("accessKeyId"), "credentials never come from a request");
    assertEquals("SKU,DESCRIPTION,PRICE\n", tdx.export("/products"));
  }

  @Test
  @DisplayName("asynchronous parts: an import is DOWNLOADING then fetched, an export published at commit; its CSV is a 409")
  void transactionParts() throws Exception {
    put(BUCKET, "txn/products.csv.gz", RequestErrorsTest.gzip(ImportTest.PRODUCTS));
    String txn = Locations.path(send(HttpMethod.POST, "/txn/start?async=true", null).getHeader("Location"));
    String id = txn.substring(5);
    HttpResponse<Buffer> part = send(HttpMethod.POST, "/products?txn=" + id + "&uri=" + encoded(uri("txn/products.csv.gz")), null);
    assertEquals(202, part.statusCode(), part.bodyAsString());
    assertEquals("DOWNLOADING", part.bodyAsJsonObject().getString("state"));
    assertEquals(201, send(HttpMethod.GET, "/products?txn=" + id + "&uri=" + encoded(uri("txn/copy.csv")), null).statusCode());
    assertEquals(202, send(HttpMethod.POST, txn + "/commit", "[\"p1\", \"p2\"]").statusCode());
    assertEquals(303, send(HttpMethod.GET, txn + "/poll?wait=30", null).statusCode());
    JsonObject done = send(HttpMethod.GET, txn, null).bodyAsJsonObject();
    assertEquals("COMMITTED", done.getString("state"), done.encodePrettily());
    assertEquals(uri("txn/copy.csv"), done.getJsonArray("parts").getJsonObject(1).getJsonObject("result").getString("uri"));
    assertEquals(ImportTest.PRODUCTS, text("txn/copy.csv"));
    assertEquals(ImportTest.PRODUCTS, tdx.export("/products"));
    var csv = TestServer.await(tdx.request(HttpMethod.GET, txn + "/p2").putHeader("Accept", "text/csv").send());
    RequestErrorsTest.problem(csv, 409, "sent-to-uri");
  }

  @Test
  @DisplayName("a transaction that fails publishes none of its exports, and a missing object fails its transaction")
  void failedTransaction() throws Exception {
    tdx.post("/products", ImportTest.PRODUCTS);
    String txn = Locations.path(send(HttpMethod.POST, "/txn/start?async=true", null).getHeader("Location"));
    String id = txn.substring(5);
    send(HttpMethod.GET, "/products?txn=" + id + "&uri=" + encoded(uri("txn/never.csv")), null);
    send(HttpMethod.POST, "/products?txn=" + id + "&abort_on_error=true", "SKU,PRICE\nZ9,-1\n");
    send(HttpMethod.POST, txn + "/commit", "[\"p1\", \"p2\"]");
    assertEquals(303, send(HttpMethod.GET, txn + "/poll?wait=30", null).statusCode());
    JsonObject failed = send(HttpMethod.GET, txn, null).bodyAsJsonObject();
    assertEquals("FAILED", failed.getString("state"), failed.encodePrettily());
    assertNull(text("txn/never.csv"), "the export of a failed transaction never appears");

    String txn2 = Locations.path(send(HttpMethod.POST, "/txn/start?async=true", null).getHeader("Location"));
    assertEquals(202, send(HttpMethod.POST, "/products?txn=" + txn2.substring(5) + "&uri=" + encoded(uri("txn/missing.csv")), null)
      .statusCode());
    send(HttpMethod.POST, txn2 + "/commit", "[\"p1\"]");
    assertEquals(303, send(HttpMethod.GET, txn2 + "/poll?wait=30", null).statusCode());
    JsonObject missing = send(HttpMethod.GET, txn2, null).bodyAsJsonObject();
    assertEquals("FAILED", missing.getString("state"), missing.encodePrettily());
    assertTrue(missing.getString("cause").contains("no object at " + uri("txn/missing.csv")), missing.getString("cause"));
    assertEquals(ImportTest.PRODUCTS, tdx.export("/products"));
  }
}
