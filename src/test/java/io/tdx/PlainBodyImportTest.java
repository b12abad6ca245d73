package io.tdx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Bodies that are one record a line, which the engine reads itself: written straight into an
 * empty table when every row stands, else staged, with the same answers, error files and rows
 * as any other body.
 */
@DisplayName("A plain body (one record a line) is read by the engine and keeps every guarantee (issue 17)")
class PlainBodyImportTest extends ServerTest {
  private static final String PRODUCTS = "SKU,DESCRIPTION,PRICE\r\nA1,\"Apple, \"\"red\"\"\",1.50\r\nB2,Banane é,0.25\r\nC3,,3.00\r\n";

  @Test
  @DisplayName("into an empty table: quoted fields, CR LF and UTF-8 arrive as written")
  void intoAnEmptyTable() {
    HttpResponse<Buffer> response = tdx.post("/products", PRODUCTS);
    assertEquals(200, response.statusCode());
    assertEquals("POST /products: 3 rows read, 3 inserted, 0 updated, 0 deleted, 0 rejected\n", response.bodyAsString());
    assertEquals("SKU,DESCRIPTION,PRICE\nA1,\"Apple, \"\"red\"\"\",1.50\nB2,Banane é,0.25\nC3,,3.00\n", tdx.export("/products"));
  }

  @Test
  @DisplayName("into an empty table, rows that fail are rejected on their lines and nothing else is written")
  void rejectedRowsIntoAnEmptyTable() {
    tdx.post("/products", PRODUCTS);
    String sales = """
      SKU,STORE,WEEK,UNITS,REVENUE
      A1,S1,1,10,15.00
      A1,S1,2,,1.00
      A1,S1,3,ten,1.00
      A1,S1,54,1,1.00
      ZZ,S1,4,1,1.00
      B2,S1,5,1,1.00
      B2,S1,5,2,2.00
      C3,S1,7,1,1.001
      C3,S1,8,1e1,1.00
      """;
    HttpResponse<Buffer> response = tdx.post("/sales", sales);
    assertEquals(200, response.statusCode());
    assertEquals("9", response.getHeader("TDX-Rows-Read"));
    assertEquals("1", response.getHeader("TDX-Rows-Inserted"));
    assertEquals("8", response.getHeader("TDX-Rows-Rejected"));
    assertEquals("""
      SKU,STORE,WEEK,UNITS,REVENUE,LINE,CAUSE,CAUSE_CODE
      A1,S1,2,,1.00,3,UNITS is required,MISSING_VALUE
      A1,S1,3,ten,1.00,4,UNITS: 'ten' is not an integer,INVALID_VALUE
      A1,S1,54,1,1.00,5,WEEK must be in 1..53 (got 54),CHECK_FAILED
      C3,S1,7,1,1.001,9,REVENUE: '1.001' has more than 2 decimal places,INVALID_VALUE
      C3,S1,8,1e1,1.00,10,UNITS: '1e1' is not an integer,INVALID_VALUE
      ZZ,S1,4,1,1.00,6,SKU ZZ is not a key of /products,UNKNOWN_REFERENCE
      B2,S1,5,1,1.00,7,"key (SKU, STORE, WEEK) appears on lines 7, 8",DUPLICATE_KEY
      B2,S1,5,2,2.00,8,"key (SKU, STORE, WEEK) appears on lines 7, 8",DUPLICATE_KEY
      """, response.bodyAsString());
    assertEquals("SKU,STORE,WEEK,UNITS,REVENUE\nA1,S1,1,10,15.00\n", tdx.export("/sales"));
  }

  @Test
  @DisplayName("a row with an empty field too many is the wrong field count, as the Java reader says")
  void emptyFieldTooMany() {
    tdx.post("/products", PRODUCTS);
    HttpResponse<Buffer> response = tdx.post("/sales", "SKU,STORE,WEEK,UNITS,REVENUE\nA1,S1,1,10,15.00\nA1,S1,2,10,15.00,\n");
    assertEquals("1", response.getHeader("TDX-Rows-Rejected"));
    assertEquals("""
      SKU,STORE,WEEK,UNITS,REVENUE,LINE,CAUSE,CAUSE_CODE
      A1,S1,2,10,15.00,3,"expected 5 fields, found 6",WRONG_FIELD_COUNT
      """, response.bodyAsString());
    assertEquals("SKU,STORE,WEEK,UNITS,REVENUE\nA1,S1,1,10,15.00\n", tdx.export("/sales"));
  }

  @Test
  @DisplayName("texts the SQL leaves to the Java parser (a sign, a leading zero) are read as it reads them")
  void textsOfAnotherSyntax() {
    tdx.post("/products", PRODUCTS);
    HttpResponse<Buffer> response = tdx.post("/sales", "SKU,STORE,WEEK,UNITS,REVENUE\nA1,S1,07,+10,-1.5\nB2,S1,1,-0,0\n");
    assertEquals("2", response.getHeader("TDX-Rows-Inserted"), response.bodyAsString());
    assertEquals("SKU,STORE,WEEK,UNITS,REVENUE\nA1,S1,7,10,-1.50\nB2,S1,1,0,0.00\n", tdx.export("/sales"));
    // the same rows again: every key exists, so they are staged, not written straight
    response = tdx.post("/sales", "SKU,STORE,WEEK,UNITS,REVENUE\nA1,S1,07,+11,-1.5\nB2,S1,1,-0,0\n");
    assertEquals("2", response.getHeader("TDX-Rows-Updated"), response.bodyAsString());
    assertEquals("SKU,STORE,WEEK,UNITS,REVENUE\nA1,S1,7,11,-1.50\nB2,S1,1,0,0.00\n", tdx.export("/sales"));
  }
}
