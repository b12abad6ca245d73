package io.tdx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tdx.cli.Main;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The command line's client commands against a real server: exit codes, output, the rows written. */
@DisplayName("The command line as a client")
class CliTest extends ServerTest {

  record Run(int code, String out, String err) {
  }

  /** Runs the command line with {@code --url} of the test's server appended (the option of every client command). */
  Run tdx(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] withUrl = java.util.Arrays.copyOf(args, args.length + 2);
    withUrl[args.length] = "--url";
    withUrl[args.length + 1] = "http://127.0.0.1:" + tdx.port();
    int code = Main.run(withUrl, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  Path file(String name, String content) throws IOException {
    Path file = dataDir.resolve(name);
    Files.writeString(file, content);
    return file;
  }

  @Test
  @DisplayName("import and export: summary, rejected rows and error file, exit 1 when aborted, export to a file and to stdout")
  void importExport() throws Exception {
    Run products = tdx("import", "products", file("products.csv", ImportTest.PRODUCTS).toString());
    assertEquals(0, products.code(), products.err());
    assertTrue(products.out().contains("POST /products: 3 rows read, 3 inserted"), products.out());

    Path errors = dataDir.resolve("errors.csv");
    Run sales = tdx("import", "/sales", file("sales.csv", ClientTest.BAD_SALES).toString(), "--errors", errors.toString());
    assertEquals(0, sales.code(), sales.err());
    assertTrue(sales.out().contains("1 inserted") && sales.out().contains("2 rejected"), sales.out());
    assertTrue(sales.out().contains("line 3: UNKNOWN_REFERENCE"), sales.out());
    assertEquals(3, Files.readString(errors).lines().count());

    Run aborted = tdx("import", "/sales", dataDir.resolve("sales.csv").toString(), "--replace", "--abort-on-error", "--json");
    assertEquals(1, aborted.code(), aborted.out() + aborted.err());
    assertTrue(new JsonObject(aborted.out()).getBoolean("aborted"), aborted.out());

    Path exported = dataDir.resolve("out.csv");
    Run export = tdx("export", "/sales", exported.toString());
    assertEquals(0, export.code(), export.err());
    assertEquals("SKU,STORE,WEEK,UNITS,REVENUE\nA1,S2,1,10,15.00\n", Files.readString(exported));
    Run stdout = tdx("export", "/products");
    assertEquals(0, stdout.code(), stdout.err());
    assertEquals(ImportTest.PRODUCTS, stdout.out());
  }

  @Test
  @DisplayName("a one-shot transaction of SERVICE=FILE parts, both protocols; a failing one exits 1 with nothing written")
  void oneShot() throws Exception {
    Path products = file("products.csv", ImportTest.PRODUCTS);
    Path sales = file("sales.csv", ClientTest.SALES);
    Run async = tdx("import", "--txn-service", "/txn", "--async", "/products=" + products, "/sales=" + sales);
    assertEquals(0, async.code(), async.err());
    assertTrue(async.out().startsWith("transaction ") && async.out().contains(" COMMITTED"), async.out());
    // not a terminal: progress comes as plain lines on stderr, the upload's end and the states seen
    assertTrue(async.err().contains("/sales: 0.0 MB of 0.0 MB (100%)"), async.err());
    assertTrue(async.err().contains(": COMMITTED ("), async.err());
    assertEquals(ClientTest.SALES, tdx.export("/sales"));

    Run sync = tdx("import", "--txn-service", "/txn", "--replace", "--json", "/sales=" + sales);
    assertEquals(0, sync.code(), sync.err());
    assertEquals("COMMITTED", new JsonObject(sync.out()).getString("state"));

    Run failed = tdx("import", "--txn-service", "/txn", "--async", "--abort-on-error", "/products=" + products,
      "/sales=" + file("bad.csv", ClientTest.BAD_SALES));
    assertEquals(1, failed.code(), failed.out() + failed.err());
    assertTrue(failed.out().contains(" FAILED"), failed.out());
    assertEquals(ClientTest.SALES, tdx.export("/sales"));
  }

  @Test
  @DisplayName("the protocol by hand: txn start, import and export --txn, txn commit, status, save")
  void byHand() throws Exception {
    Run start = tdx("txn", "start", "--async");
    assertEquals(0, start.code(), start.err());
    String id = start.out().strip();
    Run part = tdx("import", "/products", file("products.csv", ImportTest.PRODUCTS).toString(), "--txn", id);
    assertEquals(0, part.code(), part.err());
    Run export = tdx("export", "/products", "--txn", id);
    assertEquals(0, export.code(), export.err());
    Run open = tdx("txn", "status", id);
    assertTrue(open.out().contains(" OPEN"), open.out());
    Run commit = tdx("txn", "commit", id, part.out().strip(), export.out().strip());
    assertEquals(0, commit.code(), commit.out() + commit.err());
    assertTrue(commit.out().contains(" COMMITTED"), commit.out());
    Run waited = tdx("txn", "wait", id, "--json");
    assertEquals("COMMITTED", new JsonObject(waited.out()).getString("state"));
    Path saved = dataDir.resolve("saved.csv");
    assertEquals(0, tdx("txn", "save", id, export.out().strip(), saved.toString()).code());
    assertEquals(ImportTest.PRODUCTS, Files.readString(saved));

    String other = tdx("txn", "start", "--async").out().strip();
    Run abort = tdx("txn", "abort", other);
    assertEquals(0, abort.code(), abort.err());
    assertEquals(1, tdx("txn", "status", other).code());
  }

  @Test
  @DisplayName("batch runs a manifest's parts as one transaction; a failing part fails it all, exit 1; local files checked first")
  void batch() throws Exception {
    file("products.csv", ImportTest.PRODUCTS);
    file("sales.csv", ClientTest.SALES);
    Path good = file("good.json", """
      {"async": true, "parts": [
        {"import": "/products", "file": "products.csv"},
        {"import": "/sales", "file": "sales.csv", "abortOnError": true},
        {"export": "/sales", "file": "out/sales.csv"}]}
      """);
    Files.createDirectories(dataDir.resolve("out"));
    Run ok = tdx("batch", good.toString());
    assertEquals(0, ok.code(), ok.out() + ok.err());
    assertEquals(ClientTest.SALES, Files.readString(dataDir.resolve("out/sales.csv")));

    file("bad.csv", ClientTest.BAD_SALES);
    Path bad = file("bad.json", """
      {"async": false, "parts": [
        {"import": "/sales", "file": "bad.csv", "method": "PUT", "abortOnError": true}]}
      """);
    Run failed = tdx("batch", bad.toString());
    assertEquals(1, failed.code(), failed.out() + failed.err());
    assertEquals(ClientTest.SALES, tdx.export("/sales"));

    // an export to a folder that does not exist: refused before anything is sent, no transaction started
    int transactions = tdx.get("/txn").bodyAsJsonObject().getJsonArray("transactions").size();
    Path nowhere = file("nowhere.json", """
      {"async": true, "parts": [
        {"import": "/products", "file": "products.csv"},
        {"export": "/sales", "file": "missing/sales.csv"}]}
      """);
    Run refused = tdx("batch", nowhere.toString());
    assertEquals(2, refused.code(), refused.out() + refused.err());
    assertTrue(refused.err().contains("cannot export /sales to " + dataDir.resolve("missing/sales.csv") + ": the folder "
      + dataDir.resolve("missing") + " does not exist"), refused.err());
    assertEquals(transactions, tdx.get("/txn").bodyAsJsonObject().getJsonArray("transactions").size());
    // a save that fails after the commit: exit 1, saying the transaction committed and how to get the rows
    Files.createDirectories(dataDir.resolve("out/again.csv.part"));
    Path late = file("late.json", """
      {"async": true, "parts": [
        {"import": "/products", "file": "products.csv"},
        {"export": "/products", "file": "out/again.csv"}]}
      """);
    Run lost = tdx("batch", late.toString());
    assertEquals(1, lost.code(), lost.out() + lost.err());
    assertTrue(lost.out().contains(" COMMITTED"), lost.out());
    assertTrue(lost.err().contains("COMMITTED, but the CSV of export part p2 could not be saved to "), lost.err());
    assertTrue(lost.err().contains("its rows are on the server: tdx txn save "), lost.err());

    Path wrong = file("wrong.json", "{\"parts\": [{\"import\": \"/sales\", \"file\": \"bad.csv\", \"methd\": \"PUT\"}]}");
    Run usage = tdx("batch", wrong.toString());
    assertEquals(2, usage.code());
    assertTrue(usage.err().contains("unknown field \"methd\""), usage.err());
  }

  @Test
  @DisplayName("help lists only the options a command takes, describes every argument; -V prints the version; txn list")
  void helpVersionAndList() throws Exception {
    StringWriter out = new StringWriter();
    assertEquals(0, Main.run(new String[] {"-V"}, new PrintWriter(out, true), new PrintWriter(new StringWriter(), true)));
    assertTrue(out.toString().startsWith("tdx 0.1.0-SNAPSHOT\n"), out.toString());
    String abort = help("txn", "abort");
    assertTrue(!abort.contains("--timeout") && !abort.contains("--quiet") && abort.contains("--token"), abort);
    assertTrue(abort.matches("(?s).*\n\\s+ID\\s+the transaction\n.*"), abort);
    String commit = help("txn", "commit");
    assertTrue(commit.contains("--timeout") && commit.contains("PART_ID...") && commit.contains("the parts to commit"), commit);
    String serve = help("serve");
    assertTrue(serve.contains("--port=PORT") && serve.contains("--conf=FILE") && serve.contains("--data-dir=DIR"), serve);
    String top = help();
    assertTrue(top.contains("batch   Runs a JSON manifest's import and export parts as one transaction.\n"), top);
    assertTrue(top.contains("txn     Runs the transaction protocol by hand"), top);

    Path products = file("products.csv", ImportTest.PRODUCTS);
    Run oneShot = tdx("import", "--txn-service", "/txn", "--async", "-q", "/products=" + products);
    assertEquals(0, oneShot.code(), oneShot.err());
    String id = oneShot.out().split(" ")[1];
    Run open = tdx("txn", "start", "--async");
    Run list = tdx("txn", "list", "--limit", "5");
    assertEquals(0, list.code(), list.err());
    String[] lines = list.out().split("\n");
    assertEquals(2, lines.length, list.out());
    assertTrue(lines[0].startsWith(open.out().strip() + " OPEN async "), lines[0]);
    assertTrue(lines[1].startsWith(id + " COMMITTED async "), lines[1]);
    Run committed = tdx("txn", "list", "--state", "COMMITTED");
    assertEquals(1, committed.out().split("\n").length, committed.out());
  }

  String help(String... command) {
    StringWriter out = new StringWriter();
    String[] args = java.util.Arrays.copyOf(command, command.length + 1);
    args[command.length] = "--help";
    Main.run(args, new PrintWriter(out, true), new PrintWriter(new StringWriter(), true));
    return out.toString();
  }

  @Test
  @DisplayName("exit 3 when the server is unreachable, 2 for bad usage and for a local file that cannot be read or written")
  void exitCodes() throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    StringWriter err = new StringWriter();
    int code = Main.run(new String[] {"export", "/products", "--url", "http://127.0.0.1:" + closed, "-q"},
      new PrintWriter(new StringWriter(), true), new PrintWriter(err, true));
    assertEquals(3, code, err.toString());
    assertTrue(err.toString().contains("unreachable"), err.toString());
    assertEquals(2, tdx("import", "/products").code());
    assertEquals(2, tdx("frobnicate").code());
    assertEquals(2, tdx("import", "--replace", "--delete", "/products", "x.csv").code());
    Run missing = tdx("import", "/products", dataDir.resolve("missing.csv").toString());
    assertEquals(2, missing.code(), missing.err());
    assertTrue(missing.err().contains("cannot read " + dataDir.resolve("missing.csv")), missing.err());
    Run nowhere = tdx("export", "/products", dataDir.resolve("no/such/dir/out.csv").toString());
    assertEquals(2, nowhere.code(), nowhere.err());
    assertTrue(nowhere.err().contains("cannot write"), nowhere.err());
  }

  @Test
  @DisplayName("SIGTERM or Ctrl-C during a one-shot transaction aborts it on the server")
  void interruptAborts() throws Exception {
    Path huge = dataDir.resolve("huge.csv");
    try (java.io.RandomAccessFile file = new java.io.RandomAccessFile(huge.toFile(), "rw")) {
      file.write("SKU,DESCRIPTION,PRICE\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      file.setLength(8L << 30); // sparse: eight GB to send, none on this disk
    }
    Process cli = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
      "-cp", System.getProperty("java.class.path"), "io.tdx.cli.Main", "import", "--txn-service", "/txn", "--async", "-q",
      "/products=" + huge, "--url", "http://127.0.0.1:" + tdx.port()).redirectErrorStream(true).start();
    try {
      String id = null;
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
      while (id == null) {
        assertTrue(cli.isAlive() && System.nanoTime() < deadline, "no open transaction appeared");
        // once its part is being received, the command line knows the transaction it started
        var open = tdx.get("/txn?state=OPEN").bodyAsJsonObject().getJsonArray("transactions");
        id = open.isEmpty() || open.getJsonObject(0).getJsonArray("parts").isEmpty() ? null : open.getJsonObject(0).getString("id");
        Thread.sleep(20);
      }
      cli.toHandle().destroy(); // SIGTERM, as Ctrl-C's SIGINT, runs the shutdown hooks
      assertTrue(cli.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "the command line did not stop");
      String output = new String(cli.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      assertTrue(output.contains("interrupted: aborting transaction " + id), output);
      assertEquals("ABORTED", new JsonObject(tdx.get("/txn/" + id).bodyAsString()).getString("state"), output);
    } finally {
      cli.destroyForcibly();
    }
  }
}
