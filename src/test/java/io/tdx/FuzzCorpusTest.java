package io.tdx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.tdx.FuzzCorpus.Case;
import io.tdx.FuzzCorpus.Expect;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 11's fuzz corpus: malformed requests of every kind the issue names (query escapes,
 * parameters, paths, methods, request heads and framing, content encodings, CSV bodies, file and
 * http URIs, transaction ids, commit bodies), as single requests and as transaction parts,
 * generated from a fixed seed ({@code -Dtdx.fuzz.seed=N} for another). Each must get a
 * {@code 4xx} problem document, or for a head the HTTP codec cannot parse a {@code 4xx} status
 * line ("clean refusal"); never a {@code 5xx}, never a connection closed or reset without an
 * answer. Every {@value #HEALTH_EVERY} cases and at the end, well-formed imports, a transaction
 * and exports still give exactly the right rows.
 */
@DisplayName("The fuzz corpus: every malformed request is refused with a 4xx, and the server keeps serving")
class FuzzCorpusTest extends ServerTest {
  private static final Logger LOG = LoggerFactory.getLogger(FuzzCorpusTest.class);
  static final long SEED = Long.getLong("tdx.fuzz.seed", 0x7D11_F022L);
  static final int HEALTH_EVERY = 100;
  static final int MIN_REFUSALS = 300;
  static final Duration ANSWER_WITHIN = Duration.ofSeconds(20);
  static final int MAX_BODY_BYTES = 64 << 10;
  static final int MAX_LINE_CHARS = 512;
  static final int MAX_FIELDS = 16;
  static final int MAX_HEADER_CHARS = 256;
  static final int MAX_HTTP_HEADER_BYTES = 4096;
  static final String PRODUCTS = products();
  static final String SALES = sales();
  static final String EMPTY_SALES = "SKU,STORE,WEEK,UNITS,REVENUE\n";

  /** Failed cases by family, for the closing summary. */
  private final Map<String, List<String>> failures = new TreeMap<>();
  private final Map<String, Integer> counts = new TreeMap<>();
  private final Map<String, Long> millis = new TreeMap<>();

  @Override
  JsonObject configure(JsonObject config) {
    config.getJsonObject("limits").put("maxBodyBytes", MAX_BODY_BYTES).put("maxLineChars", MAX_LINE_CHARS)
      .put("maxFields", MAX_FIELDS).put("maxHeaderChars", MAX_HEADER_CHARS).put("maxHttpHeaderBytes", MAX_HTTP_HEADER_BYTES);
    return config.put("files", new JsonObject().put("roots", new JsonArray().add(root().toString())).put("httpTimeoutSeconds", 1));
  }

  private Path root() {
    return dataDir.resolve("files");
  }

  @TestFactory
  @DisplayName("malformed requests, generated from a fixed seed")
  Stream<DynamicNode> corpus() throws IOException {
    Path outside = Files.createDirectories(dataDir.resolve("outside"));
    Files.writeString(outside.resolve("products.csv"), PRODUCTS);
    Files.writeString(root().resolve("products.csv"), PRODUCTS);
    Files.createSymbolicLink(root().resolve("link"), outside);
    healthy("before the corpus");
    String open = openTransaction();
    String spare = openTransaction();
    List<Case> cases = FuzzCorpus.generate(new FuzzCorpus.Setting(SEED, root(), outside, open, spare, PRODUCTS, SALES,
      MAX_LINE_CHARS, MAX_FIELDS, MAX_HEADER_CHARS, MAX_BODY_BYTES, MAX_HTTP_HEADER_BYTES));
    long refusals = cases.stream().filter(c -> c.expect() != Expect.ANSWER).count();
    LOG.info("fuzz corpus: seed 0x{}, {} cases ({} must be refused)", Long.toHexString(SEED), cases.size(), refusals);

    List<DynamicNode> nodes = new ArrayList<>();
    nodes.add(dynamicTest("the corpus holds at least " + MIN_REFUSALS + " requests that must be refused (seed 0x"
      + Long.toHexString(SEED) + ")", () -> assertTrue(refusals >= MIN_REFUSALS, refusals + " cases must be refused")));
    for (int i = 0; i < cases.size(); i++) {
      Case fuzz = cases.get(i);
      int id = i + 1;
      counts.merge(fuzz.family(), 1, Integer::sum);
      nodes.add(dynamicTest(FuzzRequest.printable(String.format(Locale.ROOT, "#%03d %s: %s", id, fuzz.family(), fuzz.mutation())),
        () -> run(id, fuzz)));
      if (id % HEALTH_EVERY == 0) {
        nodes.add(dynamicTest("after case #" + id + ": well-formed imports and exports give the right rows",
          () -> healthy("after case #" + id)));
      }
    }
    nodes.add(dynamicTest("the open transaction took none of the malformed commits, and commits now", () -> commitOpen(open)));
    nodes.add(dynamicTest("after the corpus: well-formed imports and exports give the right rows", () -> {
      LOG.info("fuzz corpus (seed 0x{}): {}", Long.toHexString(SEED), summary());
      healthy("after the corpus");
    }));
    return nodes.stream();
  }

  // ---------------------------------------------------------------- one case

  private void run(int id, Case fuzz) {
    long start = System.nanoTime();
    try {
      runTimed(id, fuzz);
    } finally {
      millis.merge(fuzz.family(), (System.nanoTime() - start) / 1_000_000, Long::sum);
    }
  }

  private void runTimed(int id, Case fuzz) {
    String txn = fuzz.part() ? startTransaction() : "NO-TXN";
    FuzzHttp.Answer answer = FuzzHttp.exchange(tdx.port(), fuzz.request().bytes(txn), ANSWER_WITHIN);
    String where = "case #" + id + " [" + fuzz.family() + ": " + FuzzRequest.printable(fuzz.mutation()) + "] (seed 0x"
      + Long.toHexString(SEED) + ")\n  request: " + fuzz.request().summary().replace(FuzzRequest.TXN, txn)
      + "\n  answer:  " + answer.summary();
    try {
      verify(fuzz, answer, txn, where);
    } catch (AssertionError e) {
      failures.computeIfAbsent(fuzz.family(), f -> new ArrayList<>()).add("#" + id + " " + fuzz.mutation() + " -> " + how(answer, e));
      throw e;
    }
  }

  private void verify(Case fuzz, FuzzHttp.Answer answer, String txn, String where) {
    if (answer.outcome() != FuzzHttp.Outcome.ANSWERED) {
      throw new AssertionError(where + "\n  no answer: " + answer.outcome() + " (every request gets a status line)");
    }
    int status = answer.status();
    if (status >= 500) {
      throw new AssertionError(where + "\n  a 5xx for a malformed request");
    }
    if (fuzz.part() && (status == 201 || status == 202)) {
      verifyPartFails(answer, txn, where);
      return;
    }
    if (status < 400) {
      abortStarted(answer);
      if (fuzz.expect() != Expect.ANSWER) {
        throw new AssertionError(where + "\n  accepted (" + status + "); it must be refused with a 4xx");
      }
      return;
    }
    boolean document = answer.header("content-type") != null && answer.header("content-type").startsWith("application/problem+json");
    // a bare 4xx from the HTTP codec is a clean refusal for a head it cannot parse
    JsonObject problem = fuzz.expect() == Expect.REFUSAL && !document ? null : problem(answer, where);
    if (fuzz.check() != null) {
      try {
        fuzz.check().verify(answer, problem);
      } catch (AssertionError e) {
        throw new AssertionError(where + "\n  " + e.getMessage());
      }
    }
    if (fuzz.part()) {
      HttpResponse<Buffer> aborted = tdx.send(HttpMethod.DELETE, "/txn/" + txn, "");
      assertEquals(200, aborted.statusCode(), () -> where + "\n  the transaction of a refused part must still abort: "
        + aborted.bodyAsString());
    }
  }

  /** A problem document: {@code type}, {@code title}, {@code status} (the answer's) and a {@code detail}. */
  private static JsonObject problem(FuzzHttp.Answer answer, String where) {
    String type = answer.header("content-type");
    if (type == null || !type.startsWith("application/problem+json")) {
      throw new AssertionError(where + "\n  a 4xx must be an application/problem+json document");
    }
    JsonObject problem;
    try {
      problem = new JsonObject(answer.bodyText());
    } catch (DecodeException | ClassCastException e) {
      throw new AssertionError(where + "\n  the problem document is not a JSON object: " + e.getMessage());
    }
    List<String> wrong = new ArrayList<>();
    if (!problem.getValue("type", "").toString().startsWith("urn:tdx:problem:")) {
      wrong.add("type urn:tdx:problem:<slug>");
    }
    if (problem.getValue("title", "").toString().isBlank()) {
      wrong.add("a title");
    }
    if (!Integer.valueOf(answer.status()).equals(problem.getValue("status"))) {
      wrong.add("status " + answer.status());
    }
    if (problem.getValue("detail", "").toString().isBlank()) {
      wrong.add("a detail");
    }
    if (!wrong.isEmpty()) {
      throw new AssertionError(where + "\n  the problem document lacks " + String.join(", ", wrong));
    }
    return problem;
  }

  /**
   * A part the server took: committed alone, its transaction must be FAILED and the part FAILED
   * with a 4xx status; nothing in the document may say 500.
   */
  private void verifyPartFails(FuzzHttp.Answer answer, String txn, String where) {
    String location = answer.header("location") == null ? null : Locations.path(answer.header("location"));
    if (location == null || !location.startsWith("/txn/" + txn + "/")) {
      throw new AssertionError(where + "\n  a part taken must have its Location under /txn/" + txn);
    }
    String part = location.substring(location.lastIndexOf('/') + 1);
    HttpResponse<Buffer> commit = tdx.post("/txn/" + txn + "/commit", new JsonObject().put("parts", new JsonArray().add(part)).encode());
    if (commit.statusCode() != 202) {
      throw new AssertionError(where + "\n  its commit: " + commit.statusCode() + " " + head(commit.bodyAsString()));
    }
    HttpResponse<Buffer> poll = TestServer.await(tdx.request(HttpMethod.GET, "/txn/" + txn + "/poll?wait=30").followRedirects(false).send());
    if (poll.statusCode() != 303) {
      throw new AssertionError(where + "\n  its transaction did not finish: poll " + poll.statusCode() + " " + head(poll.bodyAsString()));
    }
    JsonObject document = tdx.get("/txn/" + txn).bodyAsJsonObject();
    JsonObject taken = document.getJsonArray("parts").stream().map(JsonObject.class::cast)
      .filter(p -> part.equals(p.getString("id"))).findFirst().orElseThrow();
    String states = "transaction " + document.getString("state") + " (cause: " + head(document.getString("cause")) + "), part "
      + taken.getString("state") + " status " + taken.getValue("status") + " error " + head(taken.getString("error"));
    Object status = taken.getValue("status");
    boolean clientError = status instanceof Integer s && s >= 400 && s < 500;
    if (!"FAILED".equals(document.getString("state")) || !"FAILED".equals(taken.getString("state")) || !clientError) {
      throw new AssertionError(where + "\n  the part must fail the transaction with a 4xx status: " + states);
    }
    String text = document.encode();
    if (text.contains("urn:tdx:problem:internal") || text.matches("(?s).*\"status\":5\\d\\d.*")) {
      throw new AssertionError(where + "\n  the transaction document says 5xx: " + head(text));
    }
  }

  /** A request that started a transaction by mistake leaves none open behind it. */
  private void abortStarted(FuzzHttp.Answer answer) {
    String location = answer.header("location") == null ? null : Locations.path(answer.header("location"));
    if (answer.status() == 201 && location != null && location.matches("/txn/[^/]+")) {
      tdx.send(HttpMethod.DELETE, location, "");
    }
  }

  private static String how(FuzzHttp.Answer answer, AssertionError e) {
    String message = e.getMessage() == null ? "" : e.getMessage();
    String last = message.substring(message.lastIndexOf('\n') + 1).strip();
    if (answer.outcome() != FuzzHttp.Outcome.ANSWERED) {
      return answer.outcome() + " (" + answer.failure() + ")";
    }
    String slug = "";
    try {
      String type = new JsonObject(answer.bodyText()).getString("type", "");
      slug = type.isEmpty() ? "" : " " + type.replace("urn:tdx:problem:", "");
    } catch (RuntimeException notJson) {
      // a bare answer
    }
    return answer.status() + slug + ": " + last;
  }

  private String summary() {
    int failed = failures.values().stream().mapToInt(List::size).sum();
    StringBuilder text = new StringBuilder(failed + " of " + counts.values().stream().mapToInt(Integer::intValue).sum()
      + " cases failed");
    for (Map.Entry<String, Integer> family : counts.entrySet()) {
      List<String> failedCases = failures.getOrDefault(family.getKey(), List.of());
      text.append("\n  ").append(family.getKey()).append(": ").append(failedCases.size()).append(" of ").append(family.getValue())
        .append(" failed (").append(millis.getOrDefault(family.getKey(), 0L)).append(" ms)");
      TreeSet<String> kinds = failedCases.stream().map(c -> c.substring(c.indexOf(" -> ") + 4).replaceAll("#\\d+", ""))
        .map(k -> k.length() > 140 ? k.substring(0, 140) : k).collect(Collectors.toCollection(TreeSet::new));
      kinds.forEach(k -> text.append("\n      ").append(k));
    }
    failures.values().forEach(list -> list.forEach(c -> text.append("\n    ").append(c.length() > 220 ? c.substring(0, 220) : c)));
    return text.toString();
  }

  private static String head(String text) {
    if (text == null) {
      return "null";
    }
    String flat = text.replaceAll("\\s+", " ");
    return flat.length() > 300 ? flat.substring(0, 300) + "..." : flat;
  }

  // ---------------------------------------------------------------- transactions and health

  private String startTransaction() {
    HttpResponse<Buffer> started = tdx.post("/txn/start?async=true", "");
    assertEquals(201, started.statusCode(), started::bodyAsString);
    return Locations.path(started.getHeader("Location")).substring("/txn/".length());
  }

  /** An open asynchronous transaction with one READY part p1 (a well-formed /products import). */
  private String openTransaction() {
    String txn = startTransaction();
    HttpResponse<Buffer> part = tdx.post("/products?txn=" + txn, "SKU,PRICE\nT1,7.00\n");
    assertEquals(201, part.statusCode(), part::bodyAsString);
    assertEquals("/txn/" + txn + "/p1", Locations.path(part.getHeader("Location")));
    return txn;
  }

  private void commitOpen(String txn) {
    JsonObject before = tdx.get("/txn/" + txn).bodyAsJsonObject();
    assertEquals("OPEN", before.getString("state"), () -> "the malformed commits must leave it open: " + before.encodePrettily());
    HttpResponse<Buffer> commit = tdx.post("/txn/" + txn + "/commit", "{\"parts\": [\"p1\"]}");
    assertEquals(202, commit.statusCode(), commit::bodyAsString);
    HttpResponse<Buffer> poll = TestServer.await(tdx.request(HttpMethod.GET, "/txn/" + txn + "/poll?wait=30").followRedirects(false).send());
    assertEquals(303, poll.statusCode(), poll::bodyAsString);
    JsonObject done = tdx.get("/txn/" + txn).bodyAsJsonObject();
    assertEquals("COMMITTED", done.getString("state"), done::encodePrettily);
    assertTrue(tdx.export("/products").contains("\nT1,,7.00\n"), "the committed part's row is in /products");
  }

  /** Well-formed imports replace both tables and the exports give exactly their rows. */
  private void healthy(String when) {
    importOk(HttpMethod.PUT, "/sales", EMPTY_SALES, when);
    importOk(HttpMethod.PUT, "/products", PRODUCTS, when);
    importOk(HttpMethod.PUT, "/sales", SALES, when);
    assertEquals(PRODUCTS, tdx.export("/products"), when);
    assertEquals(SALES, tdx.export("/sales"), when);
  }

  private void importOk(HttpMethod method, String service, String csv, String when) {
    HttpResponse<Buffer> response = tdx.send(method, service, csv);
    assertEquals(200, response.statusCode(), () -> when + ": " + method + " " + service + " " + response.bodyAsString());
    assertEquals("0", response.getHeader("TDX-Rows-Rejected"), () -> when + ": " + response.bodyAsString());
  }

  private static String products() {
    StringBuilder csv = new StringBuilder("SKU,DESCRIPTION,PRICE\n");
    for (int i = 1; i <= 12; i++) {
      csv.append(String.format(Locale.ROOT, "H%02d,Item %d,%d.25", i, i, i)).append('\n');
    }
    return csv.toString();
  }

  private static String sales() {
    StringBuilder csv = new StringBuilder(EMPTY_SALES);
    for (int i = 1; i <= 12; i++) {
      for (int week = 1; week <= 2; week++) {
        csv.append(String.format(Locale.ROOT, "H%02d,S1,%d,%d,%d.50", i, week, i * week, i)).append('\n');
      }
    }
    return csv.toString();
  }
}
