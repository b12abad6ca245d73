package io.tdx;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The malformed requests of the fuzz corpus, generated from families of requests and their
 * mutations with one seeded {@link Random}: the same seed gives the same corpus, byte for byte.
 * Every case says what a correct server must answer ({@link Expect}).
 */
final class FuzzCorpus {

  /** What the server must answer. */
  enum Expect {
    /** A {@code 4xx} problem document (for a transaction part: refused so at once, or accepted and then FAILED with a 4xx status). */
    PROBLEM,
    /**
     * A head the HTTP codec cannot parse (framing, request line, oversized head): a {@code 4xx}
     * status line is enough (the body may be bare, the connection may close after it).
     */
    REFUSAL,
    /** Input the issue does not call malformed (e.g. a UTF-8 BOM): any answer but a 5xx or none; a 4xx is a problem document. */
    ANSWER
  }

  /** Extra requirements on a refusal, beyond "a 4xx problem document" ({@code problem} is null for a bare refusal). */
  interface Check {
    void verify(FuzzHttp.Answer answer, JsonObject problem);
  }

  /**
   * One case.
   *
   * @param family   the kind of request (query-escape, csv, part-csv, ...)
   * @param mutation what was done to it, for grouping failures
   * @param expect   what a correct server answers
   * @param part     a transaction part: sent with {@code txn=} a fresh asynchronous transaction, then committed
   * @param request  the bytes to send
   * @param check    more requirements on the answer, or null
   */
  record Case(String family, String mutation, Expect expect, boolean part, FuzzRequest request, Check check) {
  }

  /**
   * What the generator needs to know of the server under test.
   *
   * @param seed     the seed of every random choice
   * @param root     the one {@code files.roots} directory
   * @param outside  a directory outside the roots holding {@code products.csv}; {@code <root>/link} points to it
   * @param openTxn  an open asynchronous transaction holding one READY part {@code p1}, for malformed commits
   * @param spareTxn another such transaction, for commits labelled with a content encoding (one taken by
   *                 mistake must not spoil the malformed commits of {@code openTxn})
   * @param products a valid {@code /products} file, equal to the workspace's rows
   * @param sales    a valid {@code /sales} file referencing those products
   */
  record Setting(long seed, Path root, Path outside, String openTxn, String spareTxn, String products, String sales,
                 int maxLineChars, int maxFields, int maxHeaderChars, int maxBodyBytes, int maxHttpHeaderBytes) {
  }

  private final Setting setting;
  private final Random random;
  private final List<Case> cases = new ArrayList<>();

  private FuzzCorpus(Setting setting) {
    this.setting = setting;
    this.random = new Random(setting.seed());
  }

  static List<Case> generate(Setting setting) {
    FuzzCorpus corpus = new FuzzCorpus(setting);
    corpus.queryEscapes();
    corpus.parameters();
    corpus.paths();
    corpus.methods();
    corpus.heads();
    corpus.encodings();
    corpus.csv();
    corpus.fileUris();
    corpus.httpUris();
    corpus.txnIds();
    corpus.commitBodies();
    return List.copyOf(corpus.cases);
  }

  private void add(String family, String mutation, Expect expect, FuzzRequest request) {
    cases.add(new Case(family, mutation, expect, false, request, null));
  }

  private void add(String family, String mutation, Expect expect, FuzzRequest request, Check check) {
    cases.add(new Case(family, mutation, expect, false, request, check));
  }

  private void part(String family, String mutation, FuzzRequest request) {
    cases.add(new Case(family, mutation, Expect.PROBLEM, true, request, null));
  }

  // ---------------------------------------------------------------- query escapes

  /** Escapes that do not decode at all. */
  private static final List<String> BROKEN_ESCAPES = List.of("%", "%2", "%zz", "%%", "%2G", "%-1", "%a", "%%41");
  /** Escapes that decode to bytes that are not UTF-8 (overlong forms, surrogates, past U+10FFFF, lone bytes). */
  private static final List<String> NOT_UTF8_ESCAPES = List.of("%ff", "%C0%AF", "%E0%80%AF", "%ED%A0%80", "%F8%88%80%80%80",
    "%c3%28", "%80", "%F4%90%80%80");

  /** A route: the request, and the one query parameter it reads (null: none). */
  private record Route(String method, String path, String body, String own) {
    FuzzRequest with(String query) {
      FuzzRequest request = FuzzRequest.of(method, path + (path.contains("?") ? "&" : "?") + query);
      return body == null ? request : request.body(body);
    }

    boolean refusesUnknownParameters() {
      return !path.startsWith("/txn") && !path.startsWith("/tdx");
    }
  }

  private List<Route> routes() {
    String unknownTxn = "/txn/" + uuid();
    return List.of(
      new Route("POST", "/products", setting.products(), "abort_on_error"),
      new Route("PUT", "/sales", setting.sales(), "return_errors"),
      new Route("DELETE", "/products", "SKU\nZZ\n", "ignore_unknown_columns"),
      new Route("GET", "/products", null, "uri"),
      new Route("POST", "/products?txn=" + FuzzRequest.TXN, setting.products(), "abort_on_error"),
      new Route("GET", "/txn", null, "state"),
      new Route("POST", "/txn/start", null, "async"),
      new Route("GET", unknownTxn, null, null),
      new Route("GET", unknownTxn + "/poll", null, "wait"),
      new Route("POST", unknownTxn + "/commit", "{\"parts\": [\"p1\"]}", "count"),
      new Route("POST", unknownTxn + "/abort", null, null),
      new Route("GET", unknownTxn + "/p1", null, null),
      new Route("GET", "/tdx/services", null, null),
      new Route("POST", "/tdx/services/reload", null, null));
  }

  /**
   * An escape that does not decode, or decodes to bytes that are not UTF-8, is a 400 on every
   * route, in a name or a value. {@code %00} (valid UTF-8) must be refused where the route reads
   * the parameter or refuses unknown ones; elsewhere it may be ignored.
   */
  private void queryEscapes() {
    List<Route> routes = routes();
    for (Route route : routes) {
      List<String> escapes = new ArrayList<>(List.of("%2"));
      escapes.add(pick(List.of("%", "%zz", "%%", "%2G", "%-1", "%a", "%%41")));
      escapes.addAll(pick(NOT_UTF8_ESCAPES, 2));
      escapes.add("%00");
      for (String escape : escapes) {
        boolean nul = escape.equals("%00");
        boolean ignorable = nul && !route.refusesUnknownParameters();
        String family = route.body != null && route.path.contains("txn=") ? "query-escape-part" : "query-escape";
        Expect expect = ignorable ? Expect.ANSWER : Expect.PROBLEM;
        addQuery(route, family, "name " + escape, expect, "a" + escape + "b=1");
        addQuery(route, family, "value " + escape, expect, "x=a" + escape + "b");
        if (route.own != null) {
          addQuery(route, family, route.own + "=" + escape, Expect.PROBLEM, route.own + "=" + escape);
        }
      }
    }
  }

  private void addQuery(Route route, String family, String mutation, Expect expect, String query) {
    FuzzRequest request = route.with(query);
    if (route.path.contains("txn=" + FuzzRequest.TXN)) {
      part(family, mutation, request);
    } else {
      add(family, mutation + " on " + route.method + " " + route.path.replaceAll("/txn/[0-9a-f-]{36}", "/txn/ID"), expect, request);
    }
  }

  // ---------------------------------------------------------------- parameters

  private void parameters() {
    String open = "/txn/" + setting.openTxn();
    for (String query : List.of("bogus=1", "=1", "ABORT_ON_ERROR=true", "abort_on_error=maybe", "abort_on_error=2",
      "abort_on_error=tru", "abort_on_error=%20true", "return_errors=2", "return_errors=always", "return_errors=",
      "ignore_unknown_columns=perhaps", "abort_on_error=true&abort_on_error=false", "return_errors=1&return_errors=0",
      "uri=", "uri=%20", "txn=", "txn=&txn=", "abort_on_error=true&bogus", "txn=x&uri=y&abort_on_error=z")) {
      add("parameter", "import ?" + query, Expect.PROBLEM, FuzzRequest.of(pick(List.of("POST", "PUT")), "/products?" + query)
        .header("Accept", "application/json").body(setting.products()));
    }
    for (String query : List.of("abort_on_error=true", "bogus", "uri=", "txn=", "uri=%20&uri=%20", "return_errors=1")) {
      add("parameter", "export ?" + query, Expect.PROBLEM, FuzzRequest.of("GET", pick(List.of("/products", "/sales")) + "?" + query));
    }
    for (String query : List.of("state=bogus", "state=OPEN&state=FAILED", "state=%27%20OR%201%3D1", "limit=x", "limit=-1",
      "limit=99999999999999999999", "limit=1.5", "after=%zz", "after=%ff", "limit=10&limit=20")) {
      add("parameter", "GET /txn?" + query, Expect.PROBLEM, FuzzRequest.of("GET", "/txn?" + query));
    }
    for (String query : List.of("wait=-1", "wait=301", "wait=x", "wait=1e3", "wait=", "wait=99999999999999999999", "wait=1.5",
      "wait=0x10", "wait=1&wait=2")) {
      add("parameter", "poll ?" + query, Expect.PROBLEM, FuzzRequest.of("GET", open + "/poll?" + query));
    }
    // an asynchronous commit's count is not checked against its list (LogicBlox's client counts refused parts too),
    // but it must still be a count
    for (String query : List.of("count=x", "count=-1", "count=1.5", "count=99999999999", "count=", "count=2&count=1")) {
      add("parameter", "commit ?" + query, Expect.PROBLEM, FuzzRequest.of("POST", open + "/commit?" + query)
        .body("{\"parts\": [\"p1\"]}"));
    }
    for (String query : List.of("async=maybe", "async=2", "async=true&async=false")) {
      add("parameter", "start ?" + query, Expect.PROBLEM, FuzzRequest.of("POST", "/txn/start?" + query));
    }
  }

  // ---------------------------------------------------------------- paths and methods

  private void paths() {
    for (String path : List.of("/products/x", "/products%00", "/prod%00ucts", "/products%2f", "/products%zz", "/%",
      "/%zz", "/%ff%fe", "/products%c0%af", "/tdx/services/x", "/tdx/services%00", "/tdx/%ff", "/../../etc/passwd",
      "/%2e%2e/%2e%2e/etc/passwd", "/products/..%2f..%2fetc%2fpasswd", "/txn/a/b/c/d", "/txn/%zz/commit", "/txn/%00",
      "/txn/%/poll", "/products%", "/sales/%2e%2e", "/" + "p".repeat(2000))) {
      add("path", "GET " + shorten(path), Expect.PROBLEM, FuzzRequest.of("GET", path));
      add("path", "POST " + shorten(path), Expect.PROBLEM, FuzzRequest.of("POST", path).body(setting.products()));
    }
  }

  private void methods() {
    String open = "/txn/" + setting.openTxn();
    for (String method : List.of("PATCH", "TRACE", "FOO", "PROPFIND", "get")) {
      for (String path : List.of("/products", "/txn", "/txn/start", open + "/commit", "/tdx/services", "/tdx/services/reload")) {
        add("method", method + " " + path.replace(open, "/txn/OPEN"), Expect.PROBLEM,
          FuzzRequest.of(method, path).body(path.startsWith("/products") ? setting.products() : "{}"));
      }
    }
  }

  // ---------------------------------------------------------------- request heads and framing

  private void heads() {
    String csv = setting.products();
    for (String length : List.of("abc", "-1", "1e3", "0x10", "12 34", "", "+5", "99999999999999999999999", "5, 7", "-0")) {
      add("content-length", "Content-Length: " + length, Expect.REFUSAL,
        FuzzRequest.of("POST", "/products").header("Content-Length", length).body(csv).framedByHeaders());
    }
    add("content-length", "two different Content-Length headers", Expect.REFUSAL, FuzzRequest.of("POST", "/products")
      .header("Content-Length", String.valueOf(csv.length())).header("Content-Length", String.valueOf(csv.length() + 7))
      .body(csv).framedByHeaders());
    add("content-length", "whitespace before the colon", Expect.REFUSAL, FuzzRequest.of("POST", "/products")
      .headerLine("Content-Length : " + csv.length()).body(csv).framedByHeaders());
    for (String length : List.of("1099511627776", "9223372036854775807", String.valueOf(setting.maxBodyBytes() + 1))) {
      add("content-length", "Content-Length " + length + " past limits.maxBodyBytes", Expect.PROBLEM,
        FuzzRequest.of("POST", "/products").header("Content-Length", length).body(csv).framedByHeaders(), status(413));
      part("part-content-length", "Content-Length " + length + " past limits.maxBodyBytes",
        FuzzRequest.of("POST", "/products?txn=" + FuzzRequest.TXN).header("Content-Length", length).body(csv).framedByHeaders());
    }
    for (String encoding : List.of("gzip", "xchunked", "chunked, identity", "identity", "chunked;x=1")) {
      add("transfer-encoding", "Transfer-Encoding: " + encoding, Expect.REFUSAL, FuzzRequest.of("POST", "/products")
        .header("Transfer-Encoding", encoding).body(chunked(csv)).framedByHeaders());
    }
    for (String[] junk : List.of(
      new String[] {"chunk size not hex", "zz\r\n" + csv + "\r\n0\r\n\r\n"},
      new String[] {"negative chunk size", "-5\r\nSKU,P\r\n0\r\n\r\n"},
      new String[] {"chunk size overflow", "fffffffffffffffffffff\r\nSKU\r\n0\r\n\r\n"},
      new String[] {"no CRLF after chunk data", "4\r\nSKU,PRICE\r\n0\r\n\r\n"},
      new String[] {"chunk size with a space inside", "1 0\r\n" + csv.substring(0, 16) + "\r\n0\r\n\r\n"})) {
      add("chunked", junk[0], Expect.REFUSAL, FuzzRequest.of("POST", "/products").header("Transfer-Encoding", "chunked")
        .body(junk[1].getBytes(StandardCharsets.ISO_8859_1)).framedByHeaders());
    }
    add("transfer-encoding", "Content-Length and Transfer-Encoding: chunked together", Expect.REFUSAL,
      FuzzRequest.of("POST", "/products").header("Content-Length", "5").header("Transfer-Encoding", "chunked")
        .body(chunked(csv)).framedByHeaders());
    int big = setting.maxHttpHeaderBytes();
    add("head-size", "one header past limits.maxHttpHeaderBytes", Expect.REFUSAL,
      FuzzRequest.of("POST", "/products").header("X-Junk", "a".repeat(big + 100)).body(csv), status(431));
    FuzzRequest many = FuzzRequest.of("GET", "/products");
    for (int i = 0; i < big / 20; i++) {
      many.header("X-Many-" + i, "0123456789");
    }
    add("head-size", (big / 20) + " headers past limits.maxHttpHeaderBytes", Expect.REFUSAL, many, status(431));
    add("head-size", "a request line of 10,000 characters", Expect.REFUSAL,
      FuzzRequest.of("GET", "/products?uri=" + "a".repeat(10_000)), status(414));
    add("head-size", "a huge Cookie", Expect.REFUSAL, FuzzRequest.of("GET", "/txn").header("Cookie", "c=" + "x".repeat(big * 2)),
      status(431));
    // not here: a request line whose protocol is not HTTP ("GET / HTTX/1.1") is answered 501 by Vert.x
    // core itself, before any handler of ours runs (README: known limits)
    for (String[] line : List.of(
      new String[] {"extra token after the version", "GET /products HTTP/1.1 extra"},
      new String[] {"space inside the target", "GET /pro ducts HTTP/1.1"},
      new String[] {"version 1.1.1", "GET /products HTTP/1.1.1"},
      new String[] {"version 11", "GET /products HTTP/11"},
      new String[] {"no method", " /products HTTP/1.1"},
      new String[] {"target without a slash", "GET products HTTP/1.1"},
      new String[] {"broken absolute target", "GET http://[::1 HTTP/1.1"},
      new String[] {"raw 0xFF in the target", "GET /prod\u00ffucts HTTP/1.1"},
      new String[] {"raw control character in the target", "GET /products\u0001 HTTP/1.1"},
      new String[] {"only a query", "GET ?abort_on_error=true HTTP/1.1"},
      new String[] {"asterisk target", "GET * HTTP/1.1"})) {
      add("request-line", line[0], Expect.REFUSAL, FuzzRequest.raw(line[0], line[1] + "\r\nHost: 127.0.0.1\r\n\r\n"));
    }
    for (String[] header : List.of(
      new String[] {"header name with a space", "Bad Name: x"},
      new String[] {"header name with a NUL", "X-A\u0000: y"},
      new String[] {"header name with non-ASCII", "X-\u00ff: y"})) {
      add("header", header[0], Expect.REFUSAL, FuzzRequest.raw(header[0], "POST /products HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + header[1] + "\r\nContent-Length: " + csv.length() + "\r\n\r\n" + csv));
    }
    for (String expect : List.of("100-continue, junk", "junk", "", "200-ok", "100-continue\t\t")) {
      add("expect", "Expect: " + expect + " with an unknown parameter", Expect.PROBLEM,
        FuzzRequest.of("POST", "/products?bogus=1").header("Expect", expect).body(csv));
      add("expect", "Expect: " + expect + " with an unclosed quote", Expect.PROBLEM,
        FuzzRequest.of("POST", "/products").header("Expect", expect).body("SKU,PRICE\n\"A1,1\n"));
    }
  }

  // ---------------------------------------------------------------- Content-Encoding

  /** A body with its {@code Content-Encoding} and the statuses the issue allows for it. */
  private record Encoded(String name, String encoding, byte[] body, Check check) {
  }

  /**
   * Unknown codings are a 415, a body that is not what its coding says a 400, one that decodes
   * past {@code limits.maxBodyBytes} a 413; where a coding may be supported or not (br, deflate,
   * x-gzip, stacked codings) either 400 or 415.
   */
  private void encodings() {
    byte[] csv = setting.products().getBytes(StandardCharsets.UTF_8);
    byte[] gzip = RequestErrorsTest.gzip(csv);
    Check unsupported = status(415);
    Check either = status(400, 415);
    Check invalid = status(400);
    List<Encoded> bodies = new ArrayList<>();
    for (String unknown : List.of("compress", "x-foo", "br", "zstd", "*", "gzip;q=1", "identity, x-foo")) {
      bodies.add(new Encoded("Content-Encoding: " + unknown + " on plain CSV", unknown, csv, unknown.equals("br") ? either : unsupported));
    }
    bodies.add(new Encoded("Content-Encoding: gzip, br on gzip", "gzip, br", gzip, either));
    bodies.add(new Encoded("gzip on plain CSV", "gzip", csv, invalid));
    bodies.add(new Encoded("x-gzip on plain CSV", "x-gzip", csv, either));
    bodies.add(new Encoded("deflate on plain CSV", "deflate", csv, either));
    bodies.add(new Encoded("gzip on an empty body", "gzip", new byte[0], invalid));
    bodies.add(new Encoded("gzip, gzip on gzip once", "gzip, gzip", gzip, either));
    bodies.add(new Encoded("gzip of gzip labelled once", "gzip", RequestErrorsTest.gzip(gzip), invalid));
    for (int cut : List.of(5, 10, gzip.length / 2, gzip.length - 8, gzip.length - 4, gzip.length - 1)) {
      bodies.add(new Encoded("gzip cut to " + cut + " of " + gzip.length + " bytes", "gzip", Arrays.copyOf(gzip, cut), invalid));
    }
    byte[] garbage = Arrays.copyOf(gzip, gzip.length);
    for (int i = 10; i < garbage.length - 8; i++) {
      garbage[i] = (byte) random.nextInt(256);
    }
    bodies.add(new Encoded("gzip header, then random bytes", "gzip", garbage, invalid));
    bodies.add(new Encoded("random bytes labelled gzip", "gzip", randomBytes(300), invalid));
    byte[] crc = gzip.clone();
    crc[crc.length - 8] ^= 0x5a;
    bodies.add(new Encoded("gzip with a wrong CRC", "gzip", crc, invalid));
    byte[] size = gzip.clone();
    size[size.length - 1] ^= 0x01;
    bodies.add(new Encoded("gzip with a wrong ISIZE", "gzip", size, invalid));
    byte[] trailing = Arrays.copyOf(gzip, gzip.length + 16);
    System.arraycopy(randomBytes(16), 0, trailing, gzip.length, 16);
    bodies.add(new Encoded("gzip followed by 16 bytes of junk", "gzip", trailing, invalid));
    bodies.add(new Encoded("gzip of 1 MiB of NUL bytes (bomb)", "gzip", RequestErrorsTest.gzip(new byte[1 << 20]), status(400, 413))); // past maxLineChars first
    bodies.add(new Encoded("gzip of valid rows past limits.maxBodyBytes", "gzip", RequestErrorsTest.gzip(rowsPast(setting.maxBodyBytes() * 3)),
      status(413)));
    for (Encoded body : bodies) {
      add("content-encoding", body.name(), Expect.PROBLEM, FuzzRequest.of("POST", "/products?abort_on_error=true")
        .header("Content-Encoding", body.encoding()).header("Accept", "application/json").body(body.body()), body.check());
    }
    for (int i : List.of(1, 3, 8, 9, 14, 17, 19, bodies.size() - 2, bodies.size() - 1)) {
      Encoded body = bodies.get(i);
      part("part-content-encoding", body.name(), FuzzRequest.of("POST", "/products?abort_on_error=true&txn=" + FuzzRequest.TXN)
        .header("Content-Encoding", body.encoding()).body(body.body()));
    }
    add("body-size", "plain body past limits.maxBodyBytes", Expect.PROBLEM,
      FuzzRequest.of("POST", "/products").body(rowsPast(setting.maxBodyBytes() + 10)), status(413));
    add("body-size", "chunked body past limits.maxBodyBytes", Expect.PROBLEM, FuzzRequest.of("PUT", "/products")
      .header("Transfer-Encoding", "chunked").body(chunked(new String(rowsPast(setting.maxBodyBytes() + 10), StandardCharsets.UTF_8)))
      .framedByHeaders(), status(413));
    part("part-body-size", "chunked part past limits.maxBodyBytes", FuzzRequest.of("POST", "/products?txn=" + FuzzRequest.TXN)
      .header("Transfer-Encoding", "chunked").body(chunked(new String(rowsPast(setting.maxBodyBytes() + 10), StandardCharsets.UTF_8)))
      .framedByHeaders());
  }

  // ---------------------------------------------------------------- CSV bodies

  private void csv() {
    List<String> partKinds = new ArrayList<>();
    for (String service : List.of("/products", "/sales")) {
      String base = service.equals("/products") ? setting.products() : setting.sales();
      CsvMutations mutations = new CsvMutations(base, service, random, setting);
      for (CsvMutations.Mutation mutation : mutations.all()) {
        if (mutation.malformed()) {
          add("csv", mutation.kind() + " " + service, Expect.PROBLEM, FuzzRequest.of(pick(List.of("POST", "PUT")),
            service + "?abort_on_error=true").header("Accept", "application/json").body(mutation.body()).note(mutation.note()));
        } else {
          add("csv", mutation.kind() + " " + service, Expect.ANSWER, FuzzRequest.of("POST", service + "?abort_on_error=true")
            .header("Accept", "application/json").body(mutation.body()).note(mutation.note()));
        }
      }
      for (CsvMutations.Mutation mutation : mutations.all()) {
        if (mutation.malformed() && !partKinds.contains(mutation.kind()) && (service.equals("/sales") || random.nextBoolean())) {
          partKinds.add(mutation.kind());
          part("part-csv", mutation.kind() + " " + service, FuzzRequest.of("POST", service + "?abort_on_error=true&txn=" + FuzzRequest.TXN)
            .body(mutation.body()).note(mutation.note()));
        }
      }
    }
  }

  // ---------------------------------------------------------------- file:// URIs

  private void fileUris() {
    String root = setting.root().toString();
    String outside = setting.outside().toString();
    Check sameRefusal = (answer, problem) -> {
      if (answer.status() != 403) {
        throw new AssertionError("outside the roots must be 403 whether or not the file exists, got " + answer.status());
      }
    };
    Check noEcho = (answer, problem) -> {
      sameRefusal.verify(answer, problem);
      if (problem.encode().contains(outside)) {
        throw new AssertionError("a 403 must not echo the real path outside the roots (" + outside + "): " + problem.encode());
      }
    };
    List<String[]> uris = List.of(
      new String[] {"file:///", "refused"}, new String[] {"file://", "refused"}, new String[] {"file:", "refused"},
      new String[] {"file:relative.csv", "refused"}, new String[] {"file:products.csv", "refused"},
      new String[] {"file://host/x.csv", "refused"}, new String[] {"file://localhost/etc/passwd", "refused"},
      new String[] {"file:///%00", "refused"}, new String[] {"file://" + root + "/products.csv%00.txt", "refused"},
      new String[] {"file://" + root + "/x\u0000.csv", "refused"},
      new String[] {"file://" + root + "/../outside/products.csv", "refused"},
      new String[] {"file://" + root + "/./products.csv", "refused"},
      new String[] {"file://" + root + "/%2e%2e/outside/products.csv", "refused"},
      new String[] {"file://" + outside + "/products.csv", "outside"},
      new String[] {"file://" + outside + "/missing.csv", "outside"},
      new String[] {"file://" + root + "/link/products.csv", "link"},
      new String[] {"file://" + root + "/link/missing.csv", "link"},
      new String[] {"file:///etc/passwd", "refused"}, new String[] {"file:///proc/self/environ", "refused"},
      new String[] {"file:///dev/zero", "refused"}, new String[] {"file:////etc/passwd", "refused"},
      new String[] {"FILE:///etc/passwd", "refused"}, new String[] {"file://" + root, "refused"},
      new String[] {"file://" + root + "/%zz", "refused"}, new String[] {"file://[::1]/x.csv", "refused"},
      new String[] {"file://" + root + "/" + "n".repeat(300) + ".csv", "refused"},
      new String[] {"file://" + root + "/missing.csv", "missing"},
      new String[] {"/etc/passwd", "refused"}, new String[] {"products.csv", "refused"}, new String[] {" file:///x", "refused"});
    for (String[] uri : uris) {
      String query = "?uri=" + URLEncoder.encode(uri[0], StandardCharsets.UTF_8);
      Check check = uri[1].equals("outside") ? sameRefusal : uri[1].equals("link") ? noEcho : null;
      String name = shorten(uri[0].replace(root, "ROOT").replace(outside, "OUTSIDE"));
      add("file-uri", "import " + name, Expect.PROBLEM, FuzzRequest.of(pick(List.of("POST", "PUT", "DELETE")),
        pick(List.of("/products", "/sales")) + query), check);
      if (!uri[1].equals("missing")) {
        add("file-uri", "export to " + name, Expect.PROBLEM, FuzzRequest.of("GET", "/products" + query), check);
      }
    }
    for (String[] uri : pick(uris, 6)) {
      part("part-file-uri", "import " + shorten(uri[0].replace(root, "ROOT").replace(outside, "OUTSIDE")),
        FuzzRequest.of("POST", "/products?txn=" + FuzzRequest.TXN + "&uri=" + URLEncoder.encode(uri[0], StandardCharsets.UTF_8)));
    }
  }

  // ---------------------------------------------------------------- http:// URIs the server must not fetch

  /**
   * Addresses of the IANA special-purpose registries and their embeddings; none is ever
   * connected to by a correct server (the test never sends traffic to them itself).
   */
  private void httpUris() {
    List<String> uris = List.of("http://127.0.0.1:9/x.csv", "http://localhost:9/x.csv", "http://[::1]:9/x.csv",
      "http://[::127.0.0.1]:9/x.csv", "http://[::ffff:127.0.0.1]:9/x.csv", "http://[::ffff:7f00:1]:9/x.csv",
      "http://100.100.100.200:9/latest/meta-data/", "http://100.64.0.1:9/x.csv", "http://169.254.169.254:9/latest/meta-data/",
      "http://[fd00:ec2::254]:9/latest/meta-data/", "http://0.0.0.0:9/x.csv", "http://0.1.2.3:9/x.csv", "http://[::]:9/x.csv",
      "http://198.18.0.1:9/x.csv", "http://198.19.255.254:9/x.csv", "http://255.255.255.255:9/x.csv", "http://240.0.0.1:9/x.csv",
      "http://224.0.0.1:9/x.csv", "http://10.0.0.1:9/x.csv", "http://172.16.0.1:9/x.csv", "http://192.168.0.1:9/x.csv",
      "http://192.0.0.8:9/x.csv", "http://192.0.2.1:9/x.csv", "http://198.51.100.1:9/x.csv", "http://203.0.113.1:9/x.csv",
      "http://[64:ff9b::7f00:1]:9/x.csv", "http://[64:ff9b::a9fe:a9fe]:9/x.csv", "http://[64:ff9b:1::a00:1]:9/x.csv",
      "http://[2002:7f00:1::]:9/x.csv", "http://[2002:a9fe:a9fe::1]:9/x.csv",
      "http://[2001:0:4136:e378:8000:63bf:80ff:fffe]:9/x.csv", "http://[fe80::1]:9/x.csv", "http://[fc00::1]:9/x.csv",
      "http://[fec0::1]:9/x.csv", "http://[ff02::1]:9/x.csv", "http://[100::1]:9/x.csv", "http://[2001:db8::1]:9/x.csv",
      "http://[2001:2::1]:9/x.csv", "https://[::1]:9/x.csv", "http://127.1:9/x.csv",
      "http://", "http:///x.csv", "http://[::1", "http://127.0.0.1:99999/x.csv", "http://:9/x.csv", "http://%zz/x.csv",
      "http://user:pass@[::1]:9/x.csv", "ftp://127.0.0.1/x.csv", "gopher://127.0.0.1:9/_x", "jar:file:///x.jar!/x.csv");
    for (String uri : uris) {
      String query = "?uri=" + URLEncoder.encode(uri, StandardCharsets.UTF_8);
      add("http-uri", "import " + uri, Expect.PROBLEM, FuzzRequest.of(pick(List.of("POST", "PUT")), pick(List.of("/products", "/sales")) + query));
    }
    for (String uri : pick(uris, 6)) {
      part("part-http-uri", "import " + uri, FuzzRequest.of("POST", "/products?txn=" + FuzzRequest.TXN + "&uri="
        + URLEncoder.encode(uri, StandardCharsets.UTF_8)));
    }
  }

  // ---------------------------------------------------------------- transaction ids and commit bodies

  private void txnIds() {
    List<String> ids = List.of("x", "%zz", "%00", "%2e%2e", "00000000-0000-0000-0000-000000000000", "a".repeat(300),
      "%27%20OR%20%271%27%3D%271", "1%3BDROP%20TABLE%20tdx_transactions", "%ff", "p1", "-1", "%20",
      setting.openTxn() + "x", setting.openTxn() + "%00", uuid().replace('-', '_'));
    for (String id : ids) {
      String name = shorten(id.replace(setting.openTxn(), "OPEN"));
      List<FuzzRequest> requests = List.of(
        FuzzRequest.of("GET", "/txn/" + id),
        FuzzRequest.of("GET", "/txn/" + id + "/poll?wait=0"),
        FuzzRequest.of("GET", "/txn/" + id + "/status"),
        FuzzRequest.of("POST", "/txn/" + id + "/commit").body("{\"parts\": [\"p1\"]}"),
        FuzzRequest.of("PUT", "/txn/" + id).body("{\"parts\": [\"p1\"]}"),
        FuzzRequest.of("POST", "/txn/" + id + "/abort"),
        FuzzRequest.of("DELETE", "/txn/" + id),
        FuzzRequest.of("GET", "/txn/" + id + "/p1").header("Accept", pick(List.of("text/csv", "application/json"))),
        FuzzRequest.of("POST", "/products?txn=" + id).body(setting.products()),
        FuzzRequest.of("GET", "/sales?txn=" + id));
      for (FuzzRequest request : pick(requests, 6)) {
        add("txn-id", "id " + name, Expect.PROBLEM, request);
      }
    }
    String open = "/txn/" + setting.openTxn();
    for (String part : List.of("p0", "p2", "P1", "p1x", "%zz", "%00", "%2e%2e%2f", "p" + "9".repeat(40), "%ff", "p-1")) {
      add("txn-id", "part id " + part, Expect.PROBLEM, FuzzRequest.of("GET", open + "/" + part)
        .header("Accept", pick(List.of("text/csv", "application/json"))));
    }
  }

  /** Each against the open transaction, which must stay open and take a valid commit afterwards. */
  private void commitBodies() {
    String open = "/txn/" + setting.openTxn();
    List<String> bodies = new ArrayList<>(List.of("", " ", "{", "[", "}", "null", "true", "1", "\"p1\"", "{}",
      "{\"parts\": \"p1\"}", "{\"parts\": [1]}", "{\"parts\": [null]}", "{\"parts\": [[\"p1\"]]}", "{\"parts\": [{}]}",
      "{\"parts\": []}", "[]", "{\"parts\": [\"nope\"]}", "{\"parts\": [\"p1\", \"p1\"]}", "{\"parts\": [\"p1\"],",
      "{\"parts\": [\"p1\"\u0000]}", "{\"parts\": [\"\\ud800\"]}", "{\"parts\": [1e999999]}", "{\"parts\": [\"p1\", \"nope\"]}",
      "{\"part_id\": \"p1\"}", "{\"parts\": [\"p1\"], \"parts\": [\"p2\"]}",
      "[".repeat(100_000), "{\"parts\":".repeat(5_000), "{\"parts\": [\"" + "a".repeat(500_000) + "\"]}",
      " ".repeat(1_100_000) + "[\"p1\"]"));
    for (String body : bodies) {
      boolean put = random.nextInt(4) == 0;
      add("commit-body", (put ? "PUT " : "commit ") + shorten(body.strip().isEmpty() ? "'" + body.length() + " blanks'" : body.strip()),
        Expect.PROBLEM, FuzzRequest.of(put ? "PUT" : "POST", put ? open : open + "/commit").body(body));
    }
    add("commit-body", "commit with invalid UTF-8 in the part id", Expect.PROBLEM, FuzzRequest.of("POST", open + "/commit")
      .body(concat("{\"parts\": [\"p1".getBytes(StandardCharsets.UTF_8), new byte[] {(byte) 0xff, (byte) 0xfe}, "\"]}".getBytes(StandardCharsets.UTF_8))));
    String spare = "/txn/" + setting.spareTxn() + "/commit";
    add("commit-body", "commit with a gzip bomb", Expect.PROBLEM, FuzzRequest.of("POST", spare)
      .header("Content-Encoding", "gzip").body(RequestErrorsTest.gzip(new byte[4 << 20])));
    add("commit-body", "commit labelled gzip, sent plain", Expect.PROBLEM, FuzzRequest.of("POST", spare)
      .header("Content-Encoding", "gzip").body("{\"parts\": [\"p1\"]}"));
    add("commit-body", "commit labelled br", Expect.PROBLEM, FuzzRequest.of("POST", spare)
      .header("Content-Encoding", "br").body("{\"parts\": [\"p1\"]}"));
    add("commit-body", "commit labelled x-foo", Expect.PROBLEM, FuzzRequest.of("POST", spare)
      .header("Content-Encoding", "x-foo").body("{\"parts\": [\"p1\"]}"));
    add("commit-body", "commit as a form with a junk field", Expect.PROBLEM, FuzzRequest.of("POST", open + "/commit")
      .header("Content-Type", "application/x-www-form-urlencoded").body("parts=%zz&x"));
    add("commit-body", "commit as multipart with a broken boundary", Expect.PROBLEM, FuzzRequest.of("POST", open + "/commit")
      .header("Content-Type", "multipart/form-data; boundary=XX").body("--YY\r\nContent-Disposition: form-data; name=\"p\"\r\n\r\np1\r\n--XX"));
  }

  // ---------------------------------------------------------------- helpers

  /** The answer's status is one of {@code allowed}. */
  static Check status(int... allowed) {
    return (answer, problem) -> {
      if (Arrays.stream(allowed).noneMatch(s -> s == answer.status())) {
        throw new AssertionError("expected status " + Arrays.toString(allowed) + ", got " + answer.status());
      }
    };
  }

  private <T> T pick(List<T> from) {
    return from.get(random.nextInt(from.size()));
  }

  /** {@code n} distinct elements in a seeded order. */
  private <T> List<T> pick(List<T> from, int n) {
    List<T> copy = new ArrayList<>(from);
    java.util.Collections.shuffle(copy, random);
    return copy.subList(0, Math.min(n, copy.size()));
  }

  private String uuid() {
    return new java.util.UUID(random.nextLong(), random.nextLong()).toString();
  }

  private byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    random.nextBytes(bytes);
    return bytes;
  }

  private static String shorten(String text) {
    String printable = FuzzRequest.printable(text);
    return printable.length() > 60 ? printable.substring(0, 60) + "...(" + text.length() + " chars)" : printable;
  }

  /** A valid /products file of more than {@code bytes} bytes. */
  static byte[] rowsPast(int bytes) {
    StringBuilder csv = new StringBuilder("SKU,PRICE\n");
    for (int i = 0; csv.length() <= bytes; i++) {
      csv.append("B").append(i).append(",1.00\n");
    }
    return csv.toString().getBytes(StandardCharsets.UTF_8);
  }

  static byte[] chunked(String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int offset = 0; offset < bytes.length; offset += 4096) {
      int n = Math.min(4096, bytes.length - offset);
      out.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
      out.write(bytes, offset, n);
      out.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
    }
    out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
    return out.toByteArray();
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
}
