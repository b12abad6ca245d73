import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Protocol load for bench/run: K concurrent clients, each running small transactions one after
 * another for a fixed time: start, two one-row parts (/products and /sales), commit, poll to
 * done. Non-blocking (one Vert.x web client, every client on one event loop, a connection pool
 * sized to the clients), so it measures the server, not its own threads; it reports its own CPU
 * time so that this can be checked.
 *
 * <p>A {@code 503} is a refusal, not an error: it is counted apart, the client waits the
 * answer's {@code Retry-After} (1 s when absent, at most 30 s) and sends the same request
 * again, so the transaction goes on; past the end of the run a refused transaction is given up
 * ("abandoned"). Transaction latencies (p50/p99/max) are those of the transactions that
 * committed without a refusal; request latencies those of every answer other than 503
 * (the long poll included: it is the wait for the commit). Errors are counted by kind: the
 * step and the HTTP status, the step and the transport failure, or the final state.
 *
 * <p>Prints one JSON line per measured phase. Modes:
 * <pre>
 *   java -cp CLASSPATH TxnLoad.java PORT async|sync CLIENTS SECONDS [WARMUP_SECONDS]   (the warm-up: the same
 *        load first, unmeasured, in this JVM, so that neither the server's nor this client's JIT compilers
 *        are at work in the measured phase)
 *   java -cp CLASSPATH TxnLoad.java PORT soak CLIENTS SECONDS PROGRESS_FILE   (async; PROGRESS_FILE
 *        is rewritten every second with the counts so far)
 *   java -cp CLASSPATH TxnLoad.java PORT overload SECONDS WARMUP_SECONDS K1,K2,...   (async; a
 *        warm-up at K1, then K1, K2, ... clients for SECONDS each, one line per count)
 *   java -cp CLASSPATH TxnLoad.java PORT open CLIENTS COUNT   (starts COUNT asynchronous
 *        transactions, CLIENTS at a time, and leaves them open)
 * </pre>
 * {@code -Dserver.pid=PID} adds the server's CPU seconds over each phase (from /proc); a comma-separated list
 * ({@code -Dserver.pid=PID1,PID2,PID3}, the nodes of a cluster) adds their sum. {@code -Dproxy.pid=PID} adds a load
 * balancer's CPU seconds apart ({@code proxy_cpu_s}).
 */
public class TxnLoad {
  static final long REQUEST_IDLE_TIMEOUT_MS = 90_000; // a poll holds its answer up to 60 s
  static final long MAX_RETRY_AFTER_MS = 30_000;
  static final long PAUSE_AFTER_TRANSPORT_FAILURE_MS = 100;
  static final int POLLS = 5;
  static final AtomicLong sequence = new AtomicLong();

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    String mode = args[1];
    Vertx vertx = Vertx.vertx();
    Context context = vertx.getOrCreateContext();
    try {
      switch (mode) {
        case "async", "sync" -> {
          if (args.length > 4 && Long.parseLong(args[4]) > 0) {
            run(vertx, context, port, mode, Integer.parseInt(args[2]), Long.parseLong(args[4]), null);
          }
          print(run(vertx, context, port, mode, Integer.parseInt(args[2]), Long.parseLong(args[3]), null));
        }
        case "soak" -> print(run(vertx, context, port, "async", Integer.parseInt(args[2]), Long.parseLong(args[3]), Path.of(args[4])));
        case "overload" -> overload(vertx, context, port, Long.parseLong(args[2]), Long.parseLong(args[3]), args[4]);
        case "open" -> open(vertx, context, port, Integer.parseInt(args[2]), Long.parseLong(args[3]));
        default -> throw new IllegalArgumentException("unknown mode " + mode);
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
  }

  static void print(JsonObject line) {
    System.out.println(line.encode());
    System.out.flush();
  }

  static void overload(Vertx vertx, Context context, int port, long seconds, long warmup, String counts) throws Exception {
    int[] clients = Arrays.stream(counts.split(",")).mapToInt(Integer::parseInt).toArray();
    if (warmup > 0) {
      run(vertx, context, port, "async", clients[0], warmup, null);
    }
    for (int k : clients) {
      print(run(vertx, context, port, "async", k, seconds, null));
    }
  }

  /** One measured phase: CLIENTS clients for SECONDS, then the transactions in flight finish. */
  static JsonObject run(Vertx vertx, Context context, int port, String protocol, int clients, long seconds,
                        Path progress) throws Exception {
    AtomicInteger connections = new AtomicInteger();
    HttpClient http = httpClient(vertx, port, clients, connections);
    WebClient client = WebClient.wrap(http);
    warm(client);
    Phase phase = new Phase(vertx, client, System.nanoTime() + seconds * 1_000_000_000L);
    ScheduledExecutorService reporter = progress == null ? null : Executors.newSingleThreadScheduledExecutor();
    long cpu0 = clientCpuNanos(), server0 = serverCpuTicks(), proxy0 = cpuTicks("proxy.pid"), started = System.nanoTime();
    if (reporter != null) {
      reporter.scheduleAtFixedRate(() -> phase.writeProgress(progress, started, cpu0), 1, 1, TimeUnit.SECONDS);
    }
    CountDownLatch done = new CountDownLatch(clients);
    boolean async = protocol.equals("async");
    for (int c = 0; c < clients; c++) {
      context.runOnContext(v -> phase.loop(async, done));
    }
    done.await();
    double elapsed = (System.nanoTime() - started) / 1e9;
    long cpu = clientCpuNanos() - cpu0, server1 = serverCpuTicks(), proxy1 = cpuTicks("proxy.pid");
    if (reporter != null) {
      reporter.shutdownNow();
      phase.writeProgress(progress, started, cpu0);
    }
    http.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    JsonObject summary = phase.summary(protocol, clients, seconds, elapsed)
      .put("connections", connections.get())
      .put("client_cpu_s", round(cpu / 1e9))
      .put("server_cpu_s", server0 < 0 || server1 < 0 ? null : round((server1 - server0) / (double) clockTicks()))
      .put("cpus", Runtime.getRuntime().availableProcessors());
    if (System.getProperty("proxy.pid") != null) {
      summary.put("proxy_cpu_s", proxy0 < 0 || proxy1 < 0 ? null : round((proxy1 - proxy0) / (double) clockTicks()));
    }
    return summary;
  }

  /**
   * One request (a 404) before the clock starts, so that loading the client's classes and
   * compiling its first request do not eat a short phase (under load that took seconds).
   */
  static void warm(WebClient client) throws Exception {
    client.get("/txn/warm-up").send().toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
  }

  static HttpClient httpClient(Vertx vertx, int port, int clients, AtomicInteger connections) {
    // A client has at most three requests in flight (the synchronous protocol's parts and commit).
    return vertx.httpClientBuilder()
      .with(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port).setKeepAlive(true)
        .setConnectTimeout(30_000))
      .with(new PoolOptions().setHttp1MaxSize(clients * 3 + 8))
      .withConnectHandler(connection -> connections.incrementAndGet())
      .build();
  }

  /** Starts COUNT asynchronous transactions, CLIENTS at a time, and leaves them open. */
  static void open(Vertx vertx, Context context, int port, int clients, long count) throws Exception {
    HttpClient http = httpClient(vertx, port, clients, new AtomicInteger());
    Phase phase = new Phase(vertx, WebClient.wrap(http), Long.MAX_VALUE);
    AtomicLong next = new AtomicLong();
    AtomicInteger opened = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(clients);
    long started = System.nanoTime();
    for (int c = 0; c < clients; c++) {
      context.runOnContext(v -> openNext(phase, next, count, opened, done));
    }
    done.await();
    print(new JsonObject().put("opened", opened.get()).put("errors", phase.errorCount())
      .put("errors_by_kind", phase.errorsByKind()).put("refusals", phase.refusals.get())
      .put("seconds", round((System.nanoTime() - started) / 1e9)));
    http.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  static void openNext(Phase phase, AtomicLong next, long count, AtomicInteger opened, CountDownLatch done) {
    if (next.incrementAndGet() > count) {
      done.countDown();
      return;
    }
    Txn txn = new Txn(0);
    phase.send(txn, "start", HttpMethod.POST, "/txn/start?async=true", null, 201).onComplete(started -> {
      if (started.succeeded()) {
        opened.incrementAndGet();
      } else {
        phase.error(started.cause());
      }
      openNext(phase, next, count, opened, done);
    });
  }

  static long clientCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /** utime + stime of -Dserver.pid from /proc/PID/stat, in clock ticks; -1 when unknown. */
  static long serverCpuTicks() {
    return cpuTicks("server.pid");
  }

  /** utime + stime of the processes a system property lists (PID or PID,PID,...), summed, in clock ticks; -1 when unknown. */
  static long cpuTicks(String property) {
    String pids = System.getProperty(property);
    if (pids == null || pids.isBlank()) {
      return -1;
    }
    long sum = 0;
    for (String pid : pids.split(",")) {
      try {
        String stat = Files.readString(Path.of("/proc", pid.strip(), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        sum += Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // fields 14 and 15 of stat(5)
      } catch (Exception e) {
        return -1;
      }
    }
    return sum;
  }

  static long clockTicks() {
    return Long.getLong("clk.tck", 100);
  }

  static double round(double v) {
    return Math.round(v * 10) / 10.0;
  }

  /** A failure that ends one transaction, with the kind it is counted under. */
  static final class Failure extends RuntimeException {
    final boolean transport;
    final boolean abandoned;
    final String example;

    Failure(String kind, boolean transport, boolean abandoned, String example) {
      super(kind, null, false, false);
      this.transport = transport;
      this.abandoned = abandoned;
      this.example = example;
    }
  }

  /** One transaction's number and whether one of its requests was refused. */
  static final class Txn {
    final long n;
    boolean refused;

    Txn(long n) {
      this.n = n;
    }
  }

  /** Growable list of nanosecond latencies; touched only on the phase's context. */
  static final class Latencies {
    long[] values = new long[1024];
    int size;

    void add(long v) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = v;
    }

    JsonObject percentiles(String prefix, JsonObject into) {
      long[] sorted = Arrays.copyOf(values, size);
      Arrays.sort(sorted);
      return into.put(prefix + "p50_ms", pct(sorted, 0.50)).put(prefix + "p99_ms", pct(sorted, 0.99))
        .put(prefix + "max_ms", size == 0 ? 0 : round(sorted[size - 1] / 1e6));
    }

    static double pct(long[] sorted, double p) {
      return sorted.length == 0 ? 0 : round(sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6);
    }
  }

  /** The counters of one phase; the clients' loops run on one context. */
  static final class Phase {
    final Vertx vertx;
    final WebClient client;
    final long end;
    final AtomicLong committed = new AtomicLong();
    final AtomicLong refusals = new AtomicLong();
    final AtomicLong refusedTransactions = new AtomicLong();
    final AtomicLong abandoned = new AtomicLong();
    final Map<String, AtomicLong> errors = new ConcurrentHashMap<>();
    final Map<String, String> examples = new ConcurrentHashMap<>();
    final Latencies transactions = new Latencies();
    final Latencies requests = new Latencies();

    Phase(Vertx vertx, WebClient client, long end) {
      this.vertx = vertx;
      this.client = client;
      this.end = end;
    }

    void loop(boolean async, CountDownLatch done) {
      if (System.nanoTime() > end) {
        done.countDown();
        return;
      }
      long t0 = System.nanoTime();
      Txn txn = new Txn(sequence.incrementAndGet());
      (async ? asyncTxn(txn) : syncTxn(txn)).onComplete(result -> {
        long pause = 0;
        String state = result.succeeded() ? result.result().getString("state") : null;
        if ("COMMITTED".equals(state)) {
          committed.incrementAndGet();
          if (txn.refused) {
            refusedTransactions.incrementAndGet();
          } else {
            transactions.add(System.nanoTime() - t0);
          }
        } else if (result.succeeded()) {
          count("state " + state, result.result().getString("cause"));
        } else if (result.cause() instanceof Failure f && f.abandoned) {
          abandoned.incrementAndGet();
        } else {
          error(result.cause());
          pause = result.cause() instanceof Failure f && f.transport ? PAUSE_AFTER_TRANSPORT_FAILURE_MS : 0;
        }
        if (pause > 0) {
          vertx.setTimer(pause, id -> loop(async, done));
        } else {
          vertx.runOnContext(v -> loop(async, done));
        }
      });
    }

    void error(Throwable cause) {
      if (cause instanceof Failure f) {
        count(f.getMessage(), f.example);
      } else {
        count("client " + cause.getClass().getSimpleName(), String.valueOf(cause.getMessage()));
      }
    }

    /** Counts one error of a kind, keeping the first example (a cause, a problem's body) of each. */
    void count(String kind, String example) {
      errors.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
      if (example != null) {
        examples.putIfAbsent(kind, example.length() > 300 ? example.substring(0, 300) : example);
      }
    }

    JsonObject errorExamples() {
      return new JsonObject(new TreeMap<String, Object>(examples));
    }

    long errorCount() {
      return errors.values().stream().mapToLong(AtomicLong::get).sum();
    }

    JsonObject errorsByKind() {
      JsonObject kinds = new JsonObject();
      new TreeMap<>(errors).forEach((kind, count) -> kinds.put(kind, count.get()));
      return kinds;
    }

    /**
     * Sends one request and expects one of the given statuses. A 503 is counted and the same
     * request sent again after its Retry-After (before the end of the phase; after it, the
     * transaction is abandoned).
     */
    Future<HttpResponse<Buffer>> send(Txn txn, String step, HttpMethod method, String uri, String body, int... expected) {
      long t0 = System.nanoTime();
      var request = client.request(method, uri).followRedirects(false).idleTimeout(REQUEST_IDLE_TIMEOUT_MS);
      Future<HttpResponse<Buffer>> sent = body == null ? request.send() : request.sendBuffer(Buffer.buffer(body));
      return sent.transform(answer -> {
        if (answer.failed()) {
          String what = answer.cause().getClass().getSimpleName();
          String kind = what.contains("Timeout") ? "timeout at " + step : "transport at " + step + ": " + what;
          return Future.failedFuture(new Failure(kind, true, false, String.valueOf(answer.cause().getMessage())));
        }
        HttpResponse<Buffer> response = answer.result();
        if (response.statusCode() == 503) {
          return refused(txn, step, method, uri, body, response, expected);
        }
        requests.add(System.nanoTime() - t0);
        for (int status : expected) {
          if (response.statusCode() == status) {
            return Future.succeededFuture(response);
          }
        }
        return Future.failedFuture(new Failure("HTTP " + response.statusCode() + " at " + step, false, false, response.bodyAsString()));
      });
    }

    Future<HttpResponse<Buffer>> refused(Txn txn, String step, HttpMethod method, String uri, String body,
                                         HttpResponse<Buffer> response, int... expected) {
      refusals.incrementAndGet();
      txn.refused = true;
      if (System.nanoTime() > end) {
        return Future.failedFuture(new Failure("abandoned", false, true, null));
      }
      Promise<HttpResponse<Buffer>> retried = Promise.promise();
      vertx.setTimer(retryAfterMillis(response.getHeader("Retry-After")),
        id -> send(txn, step, method, uri, body, expected).onComplete(retried));
      return retried.future();
    }

    static long retryAfterMillis(String header) {
      try {
        return Math.max(1, Math.min(MAX_RETRY_AFTER_MS, Long.parseLong(header.trim()) * 1000));
      } catch (RuntimeException e) { // absent, or an HTTP date: wait a second
        return 1000;
      }
    }

    Future<JsonObject> asyncTxn(Txn t) {
      return send(t, "start", HttpMethod.POST, "/txn/start?async=true", null, 201).compose(started -> {
        String txn = java.net.URI.create(started.getHeader("Location")).getRawPath(); // an absolute URL
        String id = txn.substring(5);
        return send(t, "part /products", HttpMethod.POST, "/products?txn=" + id, "SKU,PRICE\nL" + t.n + ",1.00\n", 201)
          .compose(p1 -> send(t, "part /sales", HttpMethod.POST, "/sales?txn=" + id, "SKU,STORE,WEEK,UNITS\nL" + t.n + ",S1,1,1\n", 201))
          .compose(p2 -> send(t, "commit", HttpMethod.POST, txn + "/commit", "{\"parts\": [\"p1\", \"p2\"]}", 202))
          .compose(committed -> poll(t, txn, POLLS))
          .compose(polled -> send(t, "document", HttpMethod.GET, txn, null, 200))
          .map(HttpResponse::bodyAsJsonObject);
      });
    }

    /** Long polls until the 303 of a finished transaction (a 200 means still running). */
    Future<HttpResponse<Buffer>> poll(Txn t, String txn, int left) {
      return send(t, "poll", HttpMethod.GET, txn + "/poll?wait=60", null, 200, 303).compose(polled -> {
        if (polled.statusCode() == 303) {
          return Future.succeededFuture(polled);
        }
        return left > 1 ? poll(t, txn, left - 1) : Future.failedFuture(new Failure("not finished after " + POLLS + " polls", false, false, null));
      });
    }

    Future<JsonObject> syncTxn(Txn t) {
      return send(t, "start", HttpMethod.POST, "/txn/start", null, 201).compose(started -> {
        String id = java.net.URI.create(started.getHeader("Location")).getRawPath().substring(5);
        Future<HttpResponse<Buffer>> p1 = send(t, "part /products", HttpMethod.POST, "/products?txn=" + id, "SKU,PRICE\nL" + t.n + ",1.00\n", 200);
        Future<HttpResponse<Buffer>> p2 = send(t, "part /sales", HttpMethod.POST, "/sales?txn=" + id, "SKU,STORE,WEEK,UNITS\nL" + t.n + ",S1,1,1\n", 200);
        Future<HttpResponse<Buffer>> commit = send(t, "commit", HttpMethod.POST, "/txn/" + id + "/commit?count=2", null, 200);
        return Future.join(p1, p2, commit).map(all -> commit.result().bodyAsJsonObject());
      });
    }

    JsonObject summary(String protocol, int clients, long seconds, double elapsed) {
      JsonObject line = new JsonObject().put("protocol", protocol).put("clients", clients).put("window_s", seconds)
        .put("seconds", round(elapsed)).put("transactions", committed.get())
        .put("per_second", Math.round(committed.get() / elapsed));
      transactions.percentiles("", line);
      line.put("requests", requests.size);
      requests.percentiles("request_", line);
      return line.put("errors", errorCount()).put("errors_by_kind", errorsByKind()).put("error_examples", errorExamples())
        .put("refusals", refusals.get())
        .put("refused_transactions", refusedTransactions.get()).put("abandoned", abandoned.get());
    }

    /** Rewrites the progress file (atomically) with the counts so far; runs on the reporter thread. */
    void writeProgress(Path file, long started, long cpu0) {
      JsonObject line = new JsonObject().put("t", round((System.nanoTime() - started) / 1e9))
        .put("transactions", committed.get()).put("errors", errorCount()).put("refusals", refusals.get())
        .put("client_cpu_s", round((clientCpuNanos() - cpu0) / 1e9));
      try {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, line.encode() + "\n");
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (Exception e) {
        System.err.println("progress: " + e);
      }
    }
  }
}
