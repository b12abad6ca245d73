package io.tdx;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** The real command line, {@code serve}, in a JVM of its own (its own heap limit), on a free port. */
final class ServerProcess implements AutoCloseable {
  final int port;
  final Process process;
  final List<String> log = new CopyOnWriteArrayList<>();
  private final Thread reader;

  private ServerProcess(int port, Process process) {
    this.port = port;
    this.process = process;
    this.reader = new Thread(() -> new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))
      .lines().forEach(log::add));
    reader.start();
  }

  /** Starts {@code serve} with the JVM options and environment given, and waits for its ready line. */
  static ServerProcess start(List<String> jvmOptions, Map<String, String> environment) throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.tdx.cli.Main", "serve"));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(TestWorkspace.environment(Path.of(environment.getOrDefault("TDX_DATA_DIR", "process-" + port))));
    builder.environment().putAll(environment);
    builder.environment().put("TDX_HTTP_PORT", Integer.toString(port));
    ServerProcess server = new ServerProcess(port, builder.start());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (server.log.stream().noneMatch(l -> l.contains("TDX server listening on http://") && l.contains(":" + port + " ("))) {
      assertTrue(server.process.isAlive() && System.nanoTime() < deadline, () -> "no ready line: " + server.log);
      Thread.sleep(50);
    }
    return server;
  }

  String url() {
    return "http://127.0.0.1:" + port;
  }

  /** The process's peak resident memory in kB (VmHWM), or -1 where /proc does not tell. */
  long peakRssKb() throws IOException {
    Path status = Path.of("/proc", Long.toString(process.pid()), "status");
    if (!Files.exists(status)) {
      return -1;
    }
    return Files.readAllLines(status).stream().filter(l -> l.startsWith("VmHWM:"))
      .mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).findFirst().orElse(-1);
  }

  /** Sends SIGTERM and waits for the exit; {@link Process#destroy()} would also close our end of its output. */
  int terminate() throws InterruptedException {
    process.toHandle().destroy();
    assertTrue(process.waitFor(30, TimeUnit.SECONDS), () -> "still running 30 s after SIGTERM: " + log);
    reader.join(5000);
    return process.exitValue();
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
