package io.tdx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("serve halts on a java.lang.Error instead of living on as a server that answers nothing")
class FatalErrorsTest {
  private final List<Integer> exits = new CopyOnWriteArrayList<>();
  private final FatalErrors policy = new FatalErrors(exits::add);

  @Test
  @DisplayName("an Error, or an exception caused by one, halts with 70; an exception does not")
  void policy() {
    policy.uncaughtException(Thread.currentThread(), new IllegalStateException("a bug in one request"));
    assertEquals(List.of(), exits);
    policy.uncaughtException(Thread.currentThread(), new OutOfMemoryError("Java heap space"));
    assertEquals(List.of(70), exits);
    policy.handle(new RuntimeException("wrapped", new StackOverflowError()));
    assertEquals(List.of(70, 70), exits);
  }

  @Test
  @DisplayName("an Error thrown by a handler on a Vert.x event loop reaches the policy")
  void eventLoop() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      policy.install(vertx);
      vertx.runOnContext(v -> {
        throw new IllegalArgumentException("not fatal");
      });
      vertx.runOnContext(v -> {
        throw new StackOverflowError("deep");
      });
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (exits.isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertEquals(List.of(70), exits);
    } finally {
      Thread.setDefaultUncaughtExceptionHandler(null);
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  @DisplayName("a thread that dies of an Error halts the process through the default handler")
  void threadDeath() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      policy.install(vertx);
      Thread thread = new Thread(() -> {
        throw new InternalError("broken");
      });
      thread.start();
      thread.join(10_000);
      assertEquals(List.of(70), exits);
    } finally {
      Thread.setDefaultUncaughtExceptionHandler(null);
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  @DisplayName("every launch path shipped runs the JVM with -XX:+ExitOnOutOfMemoryError")
  void launchFlags() throws Exception {
    String pom = Files.readString(Path.of("pom.xml"));
    String exec = pom.substring(pom.indexOf("<artifactId>exec-maven-plugin</artifactId>"));
    exec = exec.substring(0, exec.indexOf("</plugin>"));
    assertTrue(exec.indexOf("<argument>-XX:+ExitOnOutOfMemoryError</argument>") >= 0
      && exec.indexOf("<argument>-XX:+ExitOnOutOfMemoryError</argument>") < exec.indexOf("<argument>-classpath</argument>"),
      "exec:exec must pass the flag to the JVM: " + exec);
    List<String> serveLines = Files.readAllLines(Path.of("README.md")).stream()
      .filter(l -> l.contains("-jar target/tdx.jar serve")).toList();
    assertTrue(!serveLines.isEmpty(), "README shows how to serve from the jar");
    serveLines.forEach(l -> assertTrue(l.contains("java -XX:+ExitOnOutOfMemoryError -jar"), l));
  }
}
