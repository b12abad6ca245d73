package io.tdx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.net.ServerSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Object stores that cannot be used: one clear line, soon")
class ObjectStoreFailuresTest extends ServerTest {
  static int closed;

  @BeforeAll
  static void closedPort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    // the AWS SDK would otherwise look for credentials in this machine's profile and instance metadata
    System.setProperty("aws.disableEc2Metadata", "true");
    System.setProperty("aws.sharedCredentialsFile", "/nonexistent/tdx-test-credentials");
    System.setProperty("aws.configFile", "/nonexistent/tdx-test-config");
  }

  @Override
  JsonObject configure(JsonObject config) {
    return config.put("files", new JsonObject()
      .put("s3", new JsonObject().put("endpoint", "http://127.0.0.1:" + closed).put("region", "us-east-1").put("pathStyle", true))
      .put("gcs", new JsonObject().put("host", "http://127.0.0.1:" + closed).put("projectId", "test")));
  }

  static void assertOneLine(String expected, HttpResponse<Buffer> response) {
    assertEquals(502, response.statusCode(), response.bodyAsString());
    String detail = response.bodyAsJsonObject().getString("detail");
    assertFalse(detail.contains("\n"), detail);
    assertTrue(detail.length() < 400, detail);
    assertTrue(detail.contains(expected), detail);
  }

  @Test
  @DisplayName("S3 without credentials says so, in one line naming where credentials come from")
  void s3WithoutCredentials() {
    // (a machine whose environment holds AWS credentials, which CI's does not, fails this)
    HttpResponse<Buffer> refused = tdx.post("/products?uri=s3://bucket/products.csv", "");
    assertOneLine("s3://bucket/products.csv: the server has no credentials for s3://", refused);
    assertEquals("credentials", refused.bodyAsJsonObject().getString("rule"));
  }

  @Test
  @DisplayName("an unreachable gs:// fails in one line within two connection attempts, not 50 s of retries")
  void gcsUnreachable() {
    long started = System.nanoTime();
    HttpResponse<Buffer> refused = tdx.post("/products?uri=gs://bucket/products.csv", "");
    long seconds = (System.nanoTime() - started) / 1_000_000_000L;
    assertOneLine("gs://bucket/products.csv: the object store cannot be reached", refused);
    assertTrue(seconds < 30, seconds + " s");
  }
}
