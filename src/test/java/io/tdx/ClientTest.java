package io.tdx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tdx.client.CsvSource;
import io.tdx.client.CsvTarget;
import io.tdx.client.ImportOutcome;
import io.tdx.client.ImportSettings;
import io.tdx.client.PartSpec;
import io.tdx.client.ReactorTdxClient;
import io.tdx.client.TdxClient;
import io.tdx.client.TdxClientOptions;
import io.tdx.client.TdxProblemException;
import io.tdx.client.TdxTransaction;
import io.tdx.client.TdxTransactionFailedException;
import io.tdx.client.TdxTransportException;
import io.tdx.client.TxnOutcome;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import reactor.core.publisher.Flux;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The Java client against a real server: single requests, both transaction protocols, errors, cancellation. */
@DisplayName("The Java client")
class ClientTest extends ServerTest {
  static final String SALES = """
    SKU,STORE,WEEK,UNITS,REVENUE
    A1,S1,1,10,15.00
    B2,S1,2,4,1.00
    """;
  static final String BAD_SALES = """
    SKU,STORE,WEEK,UNITS,REVENUE
    A1,S2,1,10,15.00
    ZZ,S2,2,4,1.00
    A1,S2,99,1,1.00
    """;
  TdxClient client;
  Path exchange;

  @Override
  JsonObject configure(JsonObject config) {
    exchange = dataDir.resolve("exchange");
    return config.put("files", new JsonObject().put("roots", new JsonArray().add(exchange.toString())));
  }

  @BeforeEach
  void connect() throws IOException {
    Files.createDirectories(exchange);
    client = TdxClient.create(tdx.vertx(), TdxClientOptions.of("http://127.0.0.1:" + tdx.port())
      .pollWait(Duration.ofSeconds(2)).retries(2, Duration.ofMillis(50)));
  }

  @AfterEach
  void disconnect() {
    client.close();
  }

  static <T> T await(Future<T> future) {
    return TestServer.await(future);
  }

  static Throwable failure(Future<?> future) throws InterruptedException {
    ExecutionException failed = assertThrows(ExecutionException.class,
      () -> future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS));
    return failed.getCause();
  }

  Path file(String name, String content) throws IOException {
    Path file = exchange.resolve(name);
    Files.writeString(file, content);
    return file;
  }

  @Test
  @DisplayName("imports a file: counts, the rejected rows typed and as the error file, the good rows written")
  void importWithErrors() throws Exception {
    await(client.importCsv("/products", CsvSource.file(file("products.csv", ImportTest.PRODUCTS)), ImportSettings.UPSERT));
    Path errors = dataDir.resolve("errors.csv");
    ImportOutcome outcome = await(client.importCsv("/sales", CsvSource.file(file("sales.csv", BAD_SALES)), ImportSettings.UPSERT, errors));
    assertEquals(3, outcome.read());
    assertEquals(1, outcome.inserted());
    assertEquals(2, outcome.rejected());
    assertFalse(outcome.aborted());
    assertEquals(List.of(3L, 4L), outcome.firstErrors().stream().map(e -> e.line()).sorted().toList());
    assertTrue(outcome.firstErrors().stream().anyMatch(e -> e.causeCode().equals("UNKNOWN_REFERENCE") && e.columns().get("SKU").equals("ZZ")),
      outcome.firstErrors().toString());
    assertTrue(outcome.firstErrors().stream().anyMatch(e -> e.causeCode().equals("CHECK_FAILED") && e.columns().get("WEEK").equals("99")));
    assertEquals(errors, outcome.errorFile().orElseThrow());
    String errorFile = Files.readString(errors);
    assertTrue(errorFile.startsWith("SKU,STORE,WEEK,UNITS,REVENUE,LINE,CAUSE,CAUSE_CODE\n"), errorFile);
    assertEquals(3, errorFile.lines().count());
    assertEquals("SKU,STORE,WEEK,UNITS,REVENUE\nA1,S2,1,10,15.00\n", tdx.export("/sales"));
  }

  @Test
  @DisplayName("without an error file, the summary's first errors come typed; abort_on_error is an outcome, nothing written")
  void abortOnError() throws Exception {
    await(client.importCsv("/products", CsvSource.file(file("products.csv", ImportTest.PRODUCTS)), ImportSettings.UPSERT));
    ImportOutcome aborted = await(client.importCsv("/sales", CsvSource.file(file("sales.csv", BAD_SALES)),
      ImportSettings.UPSERT.abortOnError(true)));
    assertTrue(aborted.aborted());
    assertEquals(2, aborted.rejected());
    assertEquals(2, aborted.firstErrors().size());
    assertEquals("SKU,STORE,WEEK,UNITS,REVENUE\n", tdx.export("/sales"));
  }

  @Test
  @DisplayName("imports gzip, a URI and a stream; exports to a file (whole or not at all), gzip-compressed, to a URI and to a stream")
  void filesStreamsAndUris() throws Exception {
    Path gz = exchange.resolve("products.csv.gz");
    try (GZIPOutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      out.write(ImportTest.PRODUCTS.getBytes(StandardCharsets.UTF_8));
    }
    assertEquals(3, await(client.importCsv("/products", CsvSource.file(gz), ImportSettings.UPSERT)).inserted());
    file("sales.csv", SALES);
    ImportOutcome byUri = await(client.importCsv("/sales", CsvSource.uri(exchange.resolve("sales.csv").toUri().toString()),
      ImportSettings.UPSERT.replace()));
    assertEquals(2, byUri.inserted());

    Path out = dataDir.resolve("sales-out.csv");
    assertEquals(SALES.length(), await(client.exportCsv("/sales", CsvTarget.file(out), false)).bytes());
    assertEquals(SALES, Files.readString(out));
    Path zipped = dataDir.resolve("sales-out.csv.gz");
    await(client.exportCsv("/sales", CsvTarget.file(zipped), true));
    try (GZIPInputStream in = new GZIPInputStream(Files.newInputStream(zipped))) {
      assertEquals(SALES, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    String stored = exchange.resolve("stored.csv").toUri().toString();
    assertTrue(await(client.exportCsv("/sales", CsvTarget.uri(stored), false)).destination().orElseThrow().endsWith("stored.csv"));
    assertEquals(SALES, Files.readString(exchange.resolve("stored.csv")));

    io.vertx.core.file.AsyncFile in = await(tdx.vertx().fileSystem().open(exchange.resolve("sales.csv").toString(),
      new io.vertx.core.file.OpenOptions().setRead(true)));
    assertEquals(2, await(client.importCsv("/sales", CsvSource.stream(in, false), ImportSettings.UPSERT)).updated());
    Path streamed = dataDir.resolve("streamed.csv");
    io.vertx.core.file.AsyncFile sink = await(tdx.vertx().fileSystem().open(streamed.toString(),
      new io.vertx.core.file.OpenOptions().setWrite(true).setCreate(true)));
    await(client.exportCsv("/sales", CsvTarget.stream(sink), false));
    assertEquals(SALES, Files.readString(streamed));

    TdxProblemException unknown = assertInstanceOf(TdxProblemException.class,
      failure(client.exportCsv("/nothing", CsvTarget.file(dataDir.resolve("none.csv")), false)));
    assertEquals(404, unknown.status());
    assertFalse(Files.exists(dataDir.resolve("none.csv")));
    assertFalse(Files.exists(dataDir.resolve("none.csv.part")));
  }

  @Test
  @DisplayName("one call runs an asynchronous transaction: parts, commit, long polls, exports saved")
  void asyncInOneCall() throws Exception {
    Path exported = dataDir.resolve("exported.csv");
    TxnOutcome outcome = await(client.run(true, List.of(
      PartSpec.importing("/products", CsvSource.file(file("products.csv", ImportTest.PRODUCTS)), ImportSettings.UPSERT),
      PartSpec.importing("/sales", CsvSource.file(file("sales.csv", SALES)), ImportSettings.UPSERT),
      PartSpec.exporting("/sales", CsvTarget.file(exported))), Duration.ofSeconds(60)));
    assertTrue(outcome.committed());
    assertEquals(3, outcome.parts().size());
    assertEquals(2, outcome.parts().get(1).importOutcome().orElseThrow().inserted());
    assertEquals(SALES, Files.readString(exported));
    assertEquals(SALES, tdx.export("/sales"));
  }

  @Test
  @DisplayName("one call runs a synchronous transaction: every part and the commit held together")
  void syncInOneCall() throws Exception {
    Path exported = dataDir.resolve("exported.csv");
    TxnOutcome outcome = await(client.run(false, List.of(
      PartSpec.importing("/products", CsvSource.file(file("products.csv", ImportTest.PRODUCTS)), ImportSettings.UPSERT),
      PartSpec.importing("/sales", CsvSource.file(file("sales.csv", SALES)), ImportSettings.UPSERT),
      PartSpec.exporting("/products", CsvTarget.file(exported))), Duration.ofSeconds(60)));
    assertTrue(outcome.committed());
    assertFalse(outcome.async());
    assertEquals(SALES, tdx.export("/sales"));
    assertEquals(ImportTest.PRODUCTS, Files.readString(exported));
  }

  @Test
  @DisplayName("a failing part fails the transaction: typed, with the part and its cause, nothing written")
  void failedTransaction() throws Exception {
    for (boolean async : new boolean[] {true, false}) {
      TdxTransactionFailedException failed = assertInstanceOf(TdxTransactionFailedException.class, failure(client.run(async, List.of(
        PartSpec.importing("/products", CsvSource.file(file("products.csv", ImportTest.PRODUCTS)), ImportSettings.UPSERT),
        PartSpec.importing("/sales", CsvSource.file(file("sales.csv", BAD_SALES)), ImportSettings.UPSERT.abortOnError(true))),
        Duration.ofSeconds(60))));
      assertEquals("FAILED", failed.outcome().state(), "async " + async);
      TxnOutcome.PartOutcome part = failed.failedPart().orElseThrow();
      assertEquals("/sales", part.service());
      assertTrue(failed.getMessage().contains(part.id()), failed.getMessage());
      assertEquals("SKU,DESCRIPTION,PRICE\n", tdx.export("/products"));
    }
  }

  @Test
  @DisplayName("the protocol by hand: start, parts, commit, await, a part's CSV saved; and the Reactor API")
  void byHand() throws Exception {
    TdxTransaction txn = await(client.start(true));
    String products = await(txn.importPart("/products", CsvSource.file(file("products.csv", ImportTest.PRODUCTS)), ImportSettings.UPSERT));
    String export = await(txn.exportPart("/products", null));
    assertEquals("OPEN", await(txn.status()).state());
    await(txn.commit(List.of(products, export)));
    TxnOutcome outcome = await(txn.await(Duration.ofSeconds(60)));
    assertTrue(outcome.committed());
    Path saved = dataDir.resolve("saved.csv");
    await(txn.savePart(export, CsvTarget.file(saved)));
    assertEquals(ImportTest.PRODUCTS, Files.readString(saved));

    ReactorTdxClient reactor = new ReactorTdxClient(client);
    TxnOutcome viaReactor = reactor.run(true, List.of(
      PartSpec.importing("/sales", CsvSource.file(file("sales.csv", SALES)), ImportSettings.UPSERT)), Duration.ofSeconds(60))
      .block(Duration.ofSeconds(60));
    assertTrue(viaReactor.committed());
    assertEquals(List.of(3L, 3L), reactor.importAll("/products", Flux.just(
        CsvSource.file(file("p1.csv", ImportTest.PRODUCTS)), CsvSource.file(file("p2.csv", ImportTest.PRODUCTS))), ImportSettings.UPSERT, 2)
      .map(ImportOutcome::read).collectList().block(Duration.ofSeconds(60)));
  }

  @Test
  @DisplayName("cancelling aborts an open transaction and stops the wait")
  void cancel() throws Exception {
    TdxTransaction txn = await(client.start(true));
    await(txn.importPart("/products", CsvSource.file(file("products.csv", ImportTest.PRODUCTS)), ImportSettings.UPSERT));
    Future<TxnOutcome> waiting = txn.await(Duration.ofSeconds(60));
    await(txn.cancel());
    Throwable stopped = failure(waiting);
    assertTrue(stopped instanceof CancellationException || stopped instanceof TdxTransactionFailedException, stopped.toString());
    assertEquals("ABORTED", await(txn.status()).state());
    assertEquals("SKU,DESCRIPTION,PRICE\n", tdx.export("/products"));
  }

  @Test
  @DisplayName("a server that is not there, or goes away mid-transaction, is a transport failure after retries")
  void serverAway() throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    try (TdxClient nowhere = TdxClient.create(tdx.vertx(), TdxClientOptions.of("http://127.0.0.1:" + closed)
      .retries(1, Duration.ofMillis(10)))) {
      assertInstanceOf(TdxTransportException.class, failure(nowhere.exportCsv("/products", CsvTarget.file(dataDir.resolve("x.csv")), false)));
      assertInstanceOf(TdxTransportException.class, failure(nowhere.start(true)));
    }

    TdxTransaction txn = await(client.start(true));
    String part = await(txn.importPart("/products", CsvSource.file(file("products.csv", ImportTest.PRODUCTS)), ImportSettings.UPSERT));
    tdx.stopServer();
    assertInstanceOf(TdxTransportException.class, failure(txn.commit(List.of(part))));
  }

  @Test
  @DisplayName("a GET is tried again after a dropped connection; an import, which is not idempotent, is not")
  void retriesOnlyIdempotentSteps() throws Exception {
    java.util.concurrent.atomic.AtomicInteger requests = new java.util.concurrent.atomic.AtomicInteger();
    io.vertx.core.http.HttpServer flaky = await(tdx.vertx().createHttpServer().requestHandler(request -> {
      if (requests.incrementAndGet() % 2 == 1) {
        request.connection().close(); // every other request: the connection drops before an answer
      } else {
        request.response().putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("id", "t1").put("async", true).put("state", "OPEN").put("parts", new JsonArray()).encode());
      }
    }).listen(0, "127.0.0.1"));
    try (TdxClient client = TdxClient.create(tdx.vertx(), TdxClientOptions.of("http://127.0.0.1:" + flaky.actualPort())
      .retries(2, Duration.ofMillis(10)))) {
      assertEquals("OPEN", await(client.transaction("t1", true).status()).state());
      assertEquals(2, requests.get());
      assertInstanceOf(TdxTransportException.class,
        failure(client.importCsv("/products", CsvSource.file(file("products.csv", ImportTest.PRODUCTS)), ImportSettings.UPSERT)));
      assertEquals(3, requests.get());
    } finally {
      await(flaky.close());
    }
  }

  /** A CSV body that sends its header and then never ends. */
  static final class NeverEnding implements io.vertx.core.streams.ReadStream<io.vertx.core.buffer.Buffer> {
    @Override
    public NeverEnding exceptionHandler(io.vertx.core.Handler<Throwable> handler) {
      return this;
    }

    @Override
    public NeverEnding handler(io.vertx.core.Handler<io.vertx.core.buffer.Buffer> handler) {
      if (handler != null) {
        handler.handle(io.vertx.core.buffer.Buffer.buffer("SKU,DESCRIPTION,PRICE\nA1,Apple,1.50\n"));
      }
      return this;
    }

    @Override
    public NeverEnding pause() {
      return this;
    }

    @Override
    public NeverEnding resume() {
      return this;
    }

    @Override
    public NeverEnding fetch(long amount) {
      return this;
    }

    @Override
    public NeverEnding endHandler(io.vertx.core.Handler<Void> endHandler) {
      return this;
    }
  }

  @Test
  @DisplayName("cancelling a transaction run in one call aborts it while a part is still being sent")
  void cancelRun() throws Exception {
    for (boolean async : new boolean[] {false, true}) {
      TdxTransaction txn = await(client.start(async));
      Future<TxnOutcome> running = txn.run(List.of(
        PartSpec.importing("/products", CsvSource.stream(new NeverEnding(), false), ImportSettings.UPSERT)), Duration.ofSeconds(60));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (await(txn.status()).parts().isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertEquals("RECEIVING", await(txn.status()).parts().get(0).state(), "async " + async);
      await(txn.cancel());
      assertEquals("ABORTED", await(txn.status()).state(), "async " + async);
      failure(running);
    }
    assertEquals("SKU,DESCRIPTION,PRICE\n", tdx.export("/products"));
  }
}
