import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Protocol load for bench/txn-load: K concurrent clients, each running transactions one after
 * another for a fixed time: start, two small parts (/products and /sales), commit, poll to
 * done. Non-blocking (Vert.x web client), so it measures the server, not its own threads.
 * Prints one JSON line: protocol, transactions/s, p50/p99/max ms, errors, connections opened.
 * Mode {@code open} starts COUNT asynchronous transactions (CLIENTS at a time) and leaves them
 * open, for the heap they hold; it prints how many opened and the errors.
 *
 * usage: java -cp CLASSPATH TxnLoad.java PORT async|sync CLIENTS SECONDS
 *        java -cp CLASSPATH TxnLoad.java PORT open CLIENTS COUNT
 */
public class TxnLoad {
  static final AtomicLong sequence = new AtomicLong();

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    boolean async = args[1].equals("async");
    int clients = Integer.parseInt(args[2]);
    long seconds = Long.parseLong(args[3]);
    Vertx vertx = Vertx.vertx();
    AtomicInteger connections = new AtomicInteger();
    var http = vertx.httpClientBuilder()
      .with(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port).setKeepAlive(true))
      .with(new PoolOptions().setHttp1MaxSize(clients * 4))
      .withConnectHandler(connection -> connections.incrementAndGet())
      .build();
    WebClient client = WebClient.wrap(http);
    if (args[1].equals("open")) {
      open(vertx, client, clients, Long.parseLong(args[3]));
      return;
    }
    List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger errors = new AtomicInteger();
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    CountDownLatch done = new CountDownLatch(clients);
    long started = System.nanoTime();
    for (int c = 0; c < clients; c++) {
      vertx.runOnContext(v -> loop(client, async, end, latencies, errors, done));
    }
    done.await();
    double elapsed = (System.nanoTime() - started) / 1e9;
    List<Long> sorted = new ArrayList<>(latencies);
    Collections.sort(sorted);
    System.out.printf("{\"protocol\": \"%s\", \"clients\": %d, \"seconds\": %.1f, \"transactions\": %d, \"per_second\": %.0f, "
        + "\"p50_ms\": %.1f, \"p99_ms\": %.1f, \"max_ms\": %.1f, \"errors\": %d, \"connections\": %d}%n",
      args[1], clients, elapsed, sorted.size(), sorted.size() / elapsed, pct(sorted, 0.50), pct(sorted, 0.99),
      sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1) / 1e6, errors.get(), connections.get());
    vertx.close().toCompletionStage().toCompletableFuture().get();
  }

  /** Starts COUNT asynchronous transactions, CLIENTS at a time, and leaves them open. */
  static void open(Vertx vertx, WebClient client, int clients, long count) throws Exception {
    AtomicLong next = new AtomicLong();
    AtomicInteger opened = new AtomicInteger();
    AtomicInteger errors = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(clients);
    long started = System.nanoTime();
    for (int c = 0; c < clients; c++) {
      vertx.runOnContext(v -> openNext(client, next, count, opened, errors, done));
    }
    done.await();
    System.out.printf("{\"opened\": %d, \"errors\": %d, \"seconds\": %.1f}%n", opened.get(), errors.get(),
      (System.nanoTime() - started) / 1e9);
    vertx.close().toCompletionStage().toCompletableFuture().get();
  }

  static void openNext(WebClient client, AtomicLong next, long count, AtomicInteger opened, AtomicInteger errors,
                       CountDownLatch done) {
    if (next.incrementAndGet() > count) {
      done.countDown();
      return;
    }
    send(client, HttpMethod.POST, "/txn/start?async=true", null).onComplete(started -> {
      if (started.succeeded() && started.result().statusCode() == 201) {
        opened.incrementAndGet();
      } else {
        errors.incrementAndGet();
      }
      openNext(client, next, count, opened, errors, done);
    });
  }

  static double pct(List<Long> sorted, double p) {
    return sorted.isEmpty() ? 0 : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1)) / 1e6;
  }

  static void loop(WebClient client, boolean async, long end, List<Long> latencies, AtomicInteger errors, CountDownLatch done) {
    if (System.nanoTime() > end) {
      done.countDown();
      return;
    }
    long t0 = System.nanoTime();
    long n = sequence.incrementAndGet();
    (async ? asyncTxn(client, n) : syncTxn(client, n)).onComplete(result -> {
      if (result.succeeded() && "COMMITTED".equals(result.result())) {
        latencies.add(System.nanoTime() - t0);
      } else {
        errors.incrementAndGet();
      }
      loop(client, async, end, latencies, errors, done);
    });
  }

  static Future<HttpResponse<Buffer>> send(WebClient client, HttpMethod method, String uri, String body) {
    var request = client.request(method, uri).followRedirects(false);
    return body == null ? request.send() : request.sendBuffer(Buffer.buffer(body));
  }

  static Future<String> asyncTxn(WebClient client, long n) {
    return send(client, HttpMethod.POST, "/txn/start?async=true", null).compose(started -> {
      String txn = started.getHeader("Location");
      String id = txn.substring(5);
      return send(client, HttpMethod.POST, "/products?txn=" + id, "SKU,PRICE\nL" + n + ",1.00\n")
        .compose(p1 -> send(client, HttpMethod.POST, "/sales?txn=" + id, "SKU,STORE,WEEK,UNITS\nL" + n + ",S1,1,1\n"))
        .compose(p2 -> send(client, HttpMethod.POST, txn + "/commit", "{\"parts\": [\"p1\", \"p2\"]}"))
        .compose(committed -> send(client, HttpMethod.GET, txn + "/poll?wait=60", null))
        .compose(polled -> send(client, HttpMethod.GET, txn, null))
        .map(document -> document.bodyAsJsonObject().getString("state"));
    });
  }

  static Future<String> syncTxn(WebClient client, long n) {
    return send(client, HttpMethod.POST, "/txn/start", null).compose(started -> {
      String id = started.getHeader("Location").substring(5);
      Future<HttpResponse<Buffer>> p1 = send(client, HttpMethod.POST, "/products?txn=" + id, "SKU,PRICE\nL" + n + ",1.00\n");
      Future<HttpResponse<Buffer>> p2 = send(client, HttpMethod.POST, "/sales?txn=" + id, "SKU,STORE,WEEK,UNITS\nL" + n + ",S1,1,1\n");
      Future<HttpResponse<Buffer>> commit = send(client, HttpMethod.POST, "/txn/" + id + "/commit?count=2", null);
      return Future.all(p1, p2, commit).map(all -> p1.result().statusCode() == 200 && p2.result().statusCode() == 200
        && commit.result().statusCode() == 200 ? commit.result().bodyAsJsonObject().getString("state") : "FAILED");
    });
  }
}
