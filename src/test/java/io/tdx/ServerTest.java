package io.tdx;

import io.tdx.files.CloudClients;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A test class with a real server per test, on a fresh data directory. */
abstract class ServerTest {
  @TempDir
  Path dataDir;
  TestServer tdx;

  /** This class's changes to the shipped configuration. */
  JsonObject configure(JsonObject config) {
    return config;
  }

  /** The object-store clients the server is given (by default, built from the configuration). */
  CloudClients clients() {
    return CloudClients.FROM_CONFIGURATION;
  }

  @BeforeEach
  void startServer() {
    tdx = TestServer.start(dataDir, this::configure, clients());
  }

  @AfterEach
  void stopServer() {
    tdx.close();
  }
}
