package io.tdx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

@DisplayName("The web console, in a real browser (headless Chromium through chromium-driver)")
class ConsoleTest extends ServerTest {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path DRIVER = Path.of("/usr/bin/chromedriver");
  static final String LOADER = "console-loader-token";
  static final String OTHER = "console-other-token";
  static WebDriver browser;

  @BeforeAll
  static void openBrowser() {
    boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER);
    // CI installs them (.ci/run); elsewhere, a machine without them skips the browser's tests
    if (!"true".equals(System.getenv("CI"))) {
      Assumptions.assumeTrue(installed, "chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)");
    }
    ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
      .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--lang=en-US",
        "--window-size=1400,1000");
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).usingAnyFreePort()
      .build();
    browser = new ChromeDriver(service, options);
  }

  @AfterAll
  static void closeBrowser() {
    if (browser != null) {
      browser.quit();
    }
  }

  @Override
  JsonObject configure(JsonObject config) {
    return config.put("auth", new JsonObject().put("tokens", new JsonArray()
      .add(AuthTest.token("loader", LOADER, "write:*", "read:*"))
      .add(AuthTest.token("other", OTHER, "write:*", "read:*"))));
  }

  HttpResponse<Buffer> send(String token, HttpMethod method, String uri, String body) {
    return TestServer.await(tdx.request(method, uri).putHeader("Authorization", "Bearer " + token).followRedirects(false)
      .sendBuffer(Buffer.buffer(body == null ? "" : body)));
  }

  String url(String path) {
    return "http://127.0.0.1:" + tdx.port() + path;
  }

  WebElement await(By by) {
    return new WebDriverWait(browser, Duration.ofSeconds(20)).until(ExpectedConditions.visibilityOfElementLocated(by));
  }

  void awaitText(By by, String text) {
    new WebDriverWait(browser, Duration.ofSeconds(20)).until(ExpectedConditions.textToBePresentInElementLocated(by, text));
  }

  /** Opens the console and signs in with the token (once per browser session: the cookie stays until it signs out). */
  void signIn(String token) {
    browser.manage().deleteAllCookies();
    browser.get(url("/"));
    await(By.id("token")).sendKeys(token);
    browser.findElement(By.cssSelector("#login-form button")).click();
    awaitText(By.id("principal"), token.equals(LOADER) ? "loader" : "other");
  }

  String started(String token, boolean async) {
    HttpResponse<Buffer> started = send(token, HttpMethod.POST, "/txn/start" + (async ? "?async=true" : ""), null);
    assertEquals(201, started.statusCode(), started.bodyAsString());
    return started.bodyAsJsonObject().getString("id");
  }

  String committed(String txn) {
    assertEquals(202, send(LOADER, HttpMethod.POST, "/txn/" + txn + "/commit", "{\"parts\": [\"p1\", \"p2\"]}").statusCode());
    assertEquals(303, send(LOADER, HttpMethod.GET, "/txn/" + txn + "/poll?wait=30", null).statusCode());
    return txn;
  }

  @Test
  @DisplayName("sign in once; the services with their columns, keys, references and dialect; the recent transactions")
  void servicesAndSignIn() {
    browser.manage().deleteAllCookies();
    browser.get(url("/"));
    assertTrue(await(By.id("token")).isDisplayed(), "a token is asked for");
    await(By.id("token")).sendKeys("not-a-token");
    browser.findElement(By.cssSelector("#login-form button")).click();
    awaitText(By.id("login-error"), "not accepted");
    signIn(LOADER);
    WebElement sales = await(By.cssSelector("[data-service='/sales']"));
    String text = sales.getText();
    assertTrue(text.contains("table sales") && text.contains("delimiter \",\""), text);
    assertTrue(text.contains("SKU string key /products (reject)"), text);
    assertTrue(text.contains("WEEK int key 1..53"), text);
    assertTrue(text.contains("REVENUE decimal(18,2) optional"), text);
    // the session survives a reload; another page of the console needs no new sign-in
    browser.get(url("/txn"));
    await(By.id("transactions"));
    browser.findElement(By.id("logout")).click();
    await(By.id("token"));
  }

  @Test
  @DisplayName("a committed transaction: local times, parts, rows, bytes, download links that serve the CSV")
  void committedTransaction() {
    String txn = started(LOADER, true);
    assertEquals(201, send(LOADER, HttpMethod.POST, "/products?txn=" + txn, ImportTest.PRODUCTS).statusCode());
    assertEquals(201, send(LOADER, HttpMethod.GET, "/products?txn=" + txn, null).statusCode());
    committed(txn);
    JsonObject document = send(LOADER, HttpMethod.GET, "/txn/" + txn, null).bodyAsJsonObject();
    signIn(LOADER);
    browser.get(url("/txn/" + txn));
    awaitText(By.id("txn-state"), "COMMITTED");
    // the browser's local time, not an ISO instant with nanoseconds
    String created = browser.findElement(By.id("txn-created")).getText();
    assertFalse(created.contains("T") && created.contains("Z"), created);
    String year = String.valueOf(Instant.parse(document.getString("created")).atZone(ZoneId.systemDefault()).getYear());
    assertTrue(created.contains(year), created);
    String p1 = browser.findElement(By.cssSelector("#parts tr[data-part='p1']")).getText();
    assertTrue(p1.contains("POST /products") && p1.contains("DONE") && p1.contains("3 read, 3 inserted, 0 updated, 0 deleted, 0 rejected"), p1);
    String p2 = browser.findElement(By.cssSelector("#parts tr[data-part='p2']")).getText();
    assertTrue(p2.contains("GET /products") && p2.contains("3 rows exported"), p2);
    WebElement csv = browser.findElement(By.cssSelector("#parts tr[data-part='p2'] a.download"));
    assertEquals(url("/txn/" + txn + "/p2?format=csv"), csv.getAttribute("href"));
    HttpResponse<Buffer> download = send(LOADER, HttpMethod.GET, "/txn/" + txn + "/p2?format=csv", null);
    assertEquals(200, download.statusCode());
    assertEquals("attachment; filename=\"" + txn + "-p2-products.csv\"", download.getHeader("Content-Disposition"));
    assertEquals("SKU,DESCRIPTION,PRICE\n" + ImportTest.PRODUCTS.substring(ImportTest.PRODUCTS.indexOf('\n') + 1).replace("SKU,", ""),
      download.bodyAsString().replace("SKU,DESCRIPTION,PRICE\n", "SKU,DESCRIPTION,PRICE\n"));
    // the list, from the records after a restart: the history survives
    tdx.restart();
    browser.get(url("/txn"));
    WebElement row = await(By.cssSelector("#transactions tr[data-txn='" + txn + "']"));
    String listed = row.getText();
    assertTrue(listed.contains("COMMITTED") && listed.contains("asynchronous") && listed.contains(" 2 ") && listed.contains("6"), listed);
  }

  @Test
  @DisplayName("a failed transaction: its cause, the first rejected rows in a table, the whole error file to download")
  void failedTransaction() {
    String txn = started(LOADER, true);
    assertEquals(201, send(LOADER, HttpMethod.POST, "/products?txn=" + txn, ImportTest.PRODUCTS).statusCode());
    assertEquals(201, send(LOADER, HttpMethod.POST, "/sales?txn=" + txn + "&abort_on_error=true",
      "SKU,STORE,WEEK,UNITS\nA1,S1,1,1\nA1,S1,54,1\nZZ,S1,1,1\n").statusCode());
    committed(txn);
    signIn(LOADER);
    browser.get(url("/txn/" + txn));
    awaitText(By.id("txn-state"), "FAILED");
    assertTrue(browser.findElement(By.id("txn-cause")).getText().contains("part p2 (POST /sales) failed"),
      browser.findElement(By.id("txn-cause")).getText());
    WebElement rejected = await(By.cssSelector(".rejected[data-part='p2']"));
    List<WebElement> rows = rejected.findElements(By.cssSelector("table tr"));
    assertEquals(3, rows.size(), rejected.getText());
    assertTrue(rows.get(1).getText().contains("3 CHECK_FAILED WEEK must be in 1..53 (got 54)"), rows.get(1).getText());
    assertTrue(rows.get(2).getText().contains("4 UNKNOWN_REFERENCE"), rows.get(2).getText());
    WebElement whole = rejected.findElement(By.cssSelector("a.download"));
    assertEquals(url("/txn/" + txn + "/p2?format=csv"), whole.getAttribute("href"));
    String errors = send(LOADER, HttpMethod.GET, "/txn/" + txn + "/p2?format=csv", null).bodyAsString();
    assertTrue(errors.startsWith("SKU,STORE,WEEK,UNITS,LINE,CAUSE,CAUSE_CODE\n") && errors.contains("CHECK_FAILED"), errors);
  }

  @Test
  @DisplayName("an open transaction shows its parts as they arrive, and is aborted from the page; another principal's is not found")
  void openTransactionAborted() {
    String txn = started(LOADER, true);
    signIn(LOADER);
    browser.get(url("/txn/" + txn));
    awaitText(By.id("txn-state"), "OPEN");
    assertEquals(201, send(LOADER, HttpMethod.POST, "/products?txn=" + txn, ImportTest.PRODUCTS).statusCode());
    // the page refreshes itself while the transaction runs
    String p1 = await(By.cssSelector("#parts tr[data-part='p1']")).getText();
    assertTrue(p1.contains("READY") && p1.contains(ImportTest.PRODUCTS.length() + " B received"), p1);
    browser.findElement(By.id("abort")).click();
    awaitText(By.id("txn-state"), "ABORTED");
    assertEquals("ABORTED", send(LOADER, HttpMethod.GET, "/txn/" + txn, null).bodyAsJsonObject().getString("state"));
    assertTrue(browser.findElements(By.id("abort")).isEmpty());
    // the list filtered by state, paged
    for (int i = 0; i < 27; i++) {
      send(LOADER, HttpMethod.POST, "/txn/" + started(LOADER, true) + "/abort", null);
    }
    browser.get(url("/txn?state=ABORTED"));
    await(By.id("transactions"));
    assertEquals(25, browser.findElements(By.cssSelector("#transactions tr[data-txn]")).size());
    browser.findElement(By.id("older")).click();
    await(By.id("newest"));
    List<WebElement> older = browser.findElements(By.cssSelector("#transactions tr[data-txn]"));
    assertEquals(3, older.size());
    assertEquals(txn, older.get(older.size() - 1).getAttribute("data-txn"), "the oldest last");
    // another principal's transaction does not exist for this session
    String theirs = started(OTHER, true);
    browser.get(url("/txn/" + theirs));
    awaitText(By.id("notice"), "no transaction " + theirs);
    browser.get(url("/txn"));
    await(By.id("transactions"));
    assertTrue(browser.findElements(By.cssSelector("#transactions tr[data-txn='" + theirs + "']")).isEmpty());
  }
}
