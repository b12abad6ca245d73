package io.tdx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.blobstore.domain.Blob;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Files by s3:// URI, against a real S3 server (S3Proxy) in the test JVM")
class S3UriTest extends ObjectStoreUriTest {
  static final String ACCESS_KEY = "tdx-access";
  static final String SECRET_KEY = "tdx-secret";
  static BlobStoreContext context;
  static BlobStore store;
  static S3Proxy proxy;

  @BeforeAll
  static void startS3() throws Exception {
    context = ContextBuilder.newBuilder("transient").credentials("identity", "credential")
      .overrides(new Properties()).build(BlobStoreContext.class);
    store = context.getBlobStore();
    store.createContainerInLocation(null, BUCKET);
    store.createContainerInLocation(null, OTHER_BUCKET);
    proxy = S3Proxy.builder().blobStore(store).endpoint(URI.create("http://127.0.0.1:0"))
      .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
      .ignoreUnknownHeaders(true) // S3Proxy does not know the SDK's checksum headers
      .build();
    proxy.start();
    while (!"STARTED".equals(proxy.getState())) {
      Thread.sleep(10);
    }
  }

  @AfterAll
  static void stopS3() throws Exception {
    proxy.stop();
    context.close();
  }

  static JsonObject s3(String secret) {
    return new JsonObject().put("endpoint", "http://127.0.0.1:" + proxy.getPort()).put("region", "us-east-1")
      .put("pathStyle", true).put("accessKeyId", ACCESS_KEY).put("secretAccessKey", secret)
      .put("buckets", new JsonArray().add(BUCKET)).put("checksums", "when_required");
  }

  @Override
  JsonObject configure(JsonObject config) {
    return config.put("files", new JsonObject().put("s3", s3(SECRET_KEY)));
  }

  @Override
  String scheme() {
    return "s3";
  }

  @Override
  void put(String bucket, String name, byte[] content) {
    store.putBlob(bucket, store.blobBuilder(name).payload(content).build());
  }

  @Override
  byte[] get(String bucket, String name) throws Exception {
    Blob blob = store.getBlob(bucket, name);
    if (blob == null) {
      return null;
    }
    try (InputStream in = blob.getPayload().openStream()) {
      return in.readAllBytes();
    }
  }

  @Test
  @DisplayName("credentials the store refuses are a 403 'denied'; the server never takes them from the request")
  void deniedCredentials(@TempDir Path otherData) {
    put(BUCKET, "in/p.csv", "SKU,PRICE\nA1,1\n".getBytes(StandardCharsets.UTF_8));
    try (TestServer wrong = TestServer.start(otherData, config -> config.put("files", new JsonObject().put("s3", s3("wrong-secret"))))) {
      JsonObject denied = RequestErrorsTest.problem(wrong.post("/products?uri=" + encoded(uri("in/p.csv")), ""), 403, "file-forbidden");
      assertEquals("denied", denied.getString("rule"));
      assertEquals("SKU,DESCRIPTION,PRICE\n", wrong.export("/products"));
    }
  }

  @Test
  @DisplayName("an export larger than one multipart part arrives whole")
  void multipartExport() throws Exception {
    StringBuilder csv = new StringBuilder("SKU,DESCRIPTION,PRICE\n");
    for (int i = 0; i < 200_000; i++) {
      csv.append("SKU-").append(String.format("%07d", i)).append(",a description long enough to fill parts,").append(i % 1000).append(".25\n");
    }
    assertEquals(200, tdx.post("/products", csv.toString()).statusCode());
    JsonObject summary = tdx.get("/products?uri=" + encoded(uri("out/big.csv"))).bodyAsJsonObject();
    assertEquals(200_000, summary.getLong("rows"));
    assertEquals(csv.length(), summary.getLong("bytes"));
    assertEquals(csv.toString(), text("out/big.csv"));
  }
}
