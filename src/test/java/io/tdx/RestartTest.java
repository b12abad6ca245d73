package io.tdx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tdx.config.ConfigException;
import io.vertx.core.json.JsonObject;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("The workspace across restarts")
class RestartTest {
  @TempDir
  Path dataDir;

  @Test
  @DisplayName("data written before a restart is exported after it")
  void dataSurvivesRestart() {
    try (TestServer tdx = TestServer.start(dataDir)) {
      tdx.post("/products", ImportTest.PRODUCTS);
      tdx.post("/sales", "SKU,STORE,WEEK,UNITS,REVENUE\nA1,S1,1,10,15.00\n");
      tdx.restart();
      assertEquals(ImportTest.PRODUCTS, tdx.export("/products"));
      assertEquals("SKU,STORE,WEEK,UNITS,REVENUE\nA1,S1,1,10,15.00\n", tdx.export("/sales"));
    }
  }

  @Test
  @DisplayName("the rows are in the workspace database file itself")
  void rowsInTheDatabaseFile() throws Exception {
    try (TestServer tdx = TestServer.start(dataDir)) {
      tdx.post("/products", ImportTest.PRODUCTS);
    }
    try (Connection db = TestWorkspace.connect(dataDir);
         Statement statement = db.createStatement();
         ResultSet rows = statement.executeQuery("SELECT count(*), sum(\"PRICE\") FROM products")) {
      rows.next();
      assertEquals(3, rows.getLong(1));
      assertEquals("4.75", rows.getBigDecimal(2).toPlainString());
    }
  }

  @Test
  @DisplayName("a column whose declared type changed stops the start with a message naming service and column")
  void changedType() {
    TestServer.start(dataDir).close();
    ConfigException failure = assertThrows(ConfigException.class,
      () -> TestServer.start(dataDir, config -> {
        JsonObject price = config.getJsonArray("services").getJsonObject(0).getJsonArray("columns").getJsonObject(2);
        price.put("type", "float").remove("precision");
        price.remove("scale");
        return config;
      }));
    assertTrue(failure.getMessage().contains("service '/products' (table products): column 'PRICE' is declared " + TestWorkspace.type("DOUBLE")),
      failure.getMessage());
  }

  @Test
  @DisplayName("a key column added to a declaration stops the start")
  void addedKey() {
    TestServer.start(dataDir).close();
    ConfigException failure = assertThrows(ConfigException.class, () -> TestServer.start(dataDir, config -> {
      config.getJsonArray("services").getJsonObject(1).getJsonArray("columns")
        .add(new JsonObject().put("name", "REGION").put("type", "string").put("key", true));
      return config;
    }));
    assertTrue(failure.getMessage().contains("column 'REGION' is declared as a key"), failure.getMessage());
  }

  @Test
  @DisplayName("an optional column added to a declaration is added to the table")
  void addedOptionalColumn() {
    try (TestServer tdx = TestServer.start(dataDir)) {
      tdx.post("/products", "SKU,PRICE\nA1,1\n");
    }
    try (TestServer tdx = TestServer.start(dataDir, config -> {
      config.getJsonArray("services").getJsonObject(0).getJsonArray("columns")
        .add(new JsonObject().put("name", "COLOR").put("type", "string").put("optional", true));
      return config;
    })) {
      assertEquals("SKU,DESCRIPTION,PRICE,COLOR\nA1,,1.00,\n", tdx.export("/products"));
      assertEquals(200, tdx.post("/products", "SKU,PRICE,COLOR\nA1,1.00,red\n").statusCode());
      assertEquals("SKU,DESCRIPTION,PRICE,COLOR\nA1,,1.00,red\n", tdx.export("/products"));
    }
  }

  @Test
  @DisplayName("a server stopped in the middle of an import leaves the table as it was")
  void stopMidImport() throws Exception {
    TestServer tdx = TestServer.start(dataDir, config -> config.put("shutdownGraceSeconds", 1));
    try {
      tdx.post("/products", ImportTest.PRODUCTS);
      Socket socket = new Socket("127.0.0.1", tdx.port());
      StringBuilder half = new StringBuilder("SKU,PRICE\n");
      for (int i = 0; i < 20_000; i++) {
        half.append("N").append(i).append(",9.99\n");
      }
      String head = "PUT /products HTTP/1.1\r\nHost: localhost\r\nContent-Length: " + (half.length() * 2) + "\r\n\r\n";
      socket.getOutputStream().write((head + half).getBytes(StandardCharsets.UTF_8));
      socket.getOutputStream().flush();
      Thread.sleep(300); // the import is staging, waiting for the rest of the body
      tdx.restart();
      socket.close();
      assertEquals(ImportTest.PRODUCTS, tdx.export("/products"));
    } finally {
      tdx.close();
    }
  }
}
