package io.tdx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("The test harness catches an event loop blocked by server code")
class BlockedThreadCheckTest {
  @TempDir
  Path dataDir;

  @Test
  @DisplayName("a 600 ms sleep on an event loop is recorded, so every other test would fail on it")
  void catchesBlocking() throws Exception {
    try (TestServer tdx = TestServer.start(dataDir)) {
      tdx.vertx().runOnContext(v -> blockFor(600));
      Thread.sleep(900);
      assertTrue(tdx.blockedThreads().stream().anyMatch(b -> b.contains("vert.x-eventloop-thread")), tdx.blockedThreads()::toString);
      tdx.forgetBlocked();
      assertEquals(200, tdx.get("/products").statusCode());
    }
  }

  @Test
  @DisplayName("an event loop caught loading a class for the first time is reported, not failed; server code loading nothing is failed")
  void classLoadingIsNotBlocking() {
    StackTraceElement loading = new StackTraceElement("java.lang.ClassLoader", "loadClass", "ClassLoader.java", 525);
    StackTraceElement netty = new StackTraceElement("io.netty.handler.stream.ChunkedWriteHandler", "write", "ChunkedWriteHandler.java", 138);
    StackTraceElement server = new StackTraceElement("io.tdx.http.ExportHandler", "handle", "ExportHandler.java", 1);
    assertTrue(TestServer.loadingClass(new StackTraceElement[] {loading, netty, server}));
    assertFalse(TestServer.loadingClass(new StackTraceElement[] {netty, server, loading}));
    assertFalse(TestServer.loadingClass(new StackTraceElement[] {server}));
  }

  private static void blockFor(long millis) {
    long end = System.nanoTime() + millis * 1_000_000;
    while (System.nanoTime() < end) {
      Thread.onSpinWait();
    }
  }
}
