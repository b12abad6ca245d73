package io.tdx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Bodies that are one record a line, which the engine reads itself: written straight into an
 * empty table, or staged by the engine's read into a table with rows, when every row stands;
 * else staged through the Java split. Either way with the same answers, error files and rows as
 * any other body: the same bodies with their header ended by CR LF and their rows by LF (not
 * plain) take the Java split, and must come out alike.
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

  private static final String SALES = "SKU,STORE,WEEK,UNITS,REVENUE\nA1,S1,1,10,15.00\nB2,S1,2,20,\nC3,S2,3,30,45.00\n";

  /** Nine rows: more than {@code PlainRead.MERGED_TABLE_SHARE} times a file of two, which is staged, not merged. */
  private static final String MORE_SALES = "SKU,STORE,WEEK,UNITS,REVENUE\nA1,S1,1,10,15.00\nA1,S3,4,1,\nA1,S3,5,1,\nA1,S3,6,1,\n"
    + "B2,S1,2,20,\nB2,S3,7,1,\nB2,S3,8,1,\nB2,S3,9,1,\nC3,S2,3,30,45.00\n";

  @Test
  @DisplayName("into a table with rows: merges, stages, keeps the columns the file lacks, replaces and deletes as the Java split does")
  void intoATableWithRows() {
    String upsert = "SKU,STORE,WEEK,UNITS,REVENUE\nA1,S1,1,11,16.50\nA1,S1,4,40,\"4.00\"\nC3,\"S2\",3,31,-1\n";
    assertSameAsJavaSplit(HttpMethod.POST, "/sales", upsert, SALES); // merged
    assertSameAsJavaSplit(HttpMethod.POST, "/sales", upsert, MORE_SALES); // staged
    String someColumns = "WEEK,SKU,STORE,UNITS\n1,A1,S1,12\n5,B2,S3,50\n";
    assertSameAsJavaSplit(HttpMethod.POST, "/sales", someColumns, SALES);
    assertSameAsJavaSplit(HttpMethod.POST, "/sales", someColumns, MORE_SALES);
    assertSameAsJavaSplit(HttpMethod.POST, "/sales", "SKU,STORE,WEEK\nA1,S1,1\nA1,S7,7\n", SALES); // keys only: staged
    assertSameAsJavaSplit(HttpMethod.PUT, "/sales", "SKU,STORE,WEEK,UNITS,REVENUE\nB2,S1,2,21,2.10\nC3,S9,9,90,9.00\n", SALES);
    assertSameAsJavaSplit(HttpMethod.DELETE, "/sales", "SKU,STORE,WEEK\nA1,S1,1\nZZ,S1,1\n", SALES);
    assertSameAsJavaSplit(HttpMethod.POST, "/products", "SKU,DESCRIPTION,PRICE\nA1,\"\",2.00\nD4,\"a \"\"new\"\", one\",0\n", SALES);
  }

  @Test
  @DisplayName("into a table with rows, a row that fails sends the body to the Java split: on its line, with its cause")
  void rejectedRowsIntoATableWithRows() {
    for (String body : List.of(
      "SKU,STORE,WEEK,UNITS,REVENUE\nA1,S1,1,11,1.00\nZZ,S1,2,1,1.00\nB2,S1,3,1,1.00\n", // a reference only the merge finds
      "SKU,STORE,WEEK,UNITS,REVENUE\nA1,S1,1,11,1.00\nB2,S1,2,1,1.00\nA1,S1,1,12,1.00\n", // a key of the table twice
      "SKU,STORE,WEEK,UNITS,REVENUE\nB2,S5,7,1,1.00\nA1,S1,1,11,1.00\nB2,S5,7,2,1.00\n", // a new key twice
      "SKU,STORE,WEEK,UNITS,REVENUE\nA1,S1,1,+11,1.00\nB2,S1,02,1,1.00\nB2,S1,3,1e1,1.00\nB2,,4,1,1.00\n",
      "SKU,STORE,WEEK,UNITS,REVENUE\nA1,\"\",1,11,1.00\nB2,S1,54,1,1.00\nC3,S1,5,1,1.001\n")) {
      assertSameAsJavaSplit(HttpMethod.POST, "/sales", body, SALES);
      assertSameAsJavaSplit(HttpMethod.POST, "/sales", body, MORE_SALES);
      assertSameAsJavaSplit(HttpMethod.PUT, "/sales", body, SALES);
    }
    assertSameAsJavaSplit(HttpMethod.DELETE, "/products", "SKU\nC3\nA1\nZZ\n", SALES); // A1 and C3 still referenced by /sales
  }

  /**
   * Sends the body plain, then with its header ended by CR LF (the Java split), each time onto
   * the products and {@code sales}, and expects the same status, counts, answer and rows.
   */
  private void assertSameAsJavaSplit(HttpMethod method, String service, String body, String sales) {
    String javaSplit = body.replaceFirst("\n", "\r\n");
    List<String> plain = outcome(method, service, body, sales);
    assertEquals(plain, outcome(method, service, javaSplit, sales), body);
  }

  private List<String> outcome(HttpMethod method, String service, String body, String sales) {
    assertEquals(200, tdx.put("/sales", "SKU,STORE,WEEK,UNITS,REVENUE\n").statusCode());
    assertEquals(200, tdx.put("/products", PRODUCTS).statusCode());
    assertEquals(200, tdx.put("/sales", sales).statusCode());
    assertEquals(sales, tdx.export("/sales"));
    HttpResponse<Buffer> response = tdx.send(method, service, body);
    return List.of(String.valueOf(response.statusCode()), String.valueOf(response.getHeader("TDX-Rows-Inserted")),
      String.valueOf(response.getHeader("TDX-Rows-Updated")), String.valueOf(response.getHeader("TDX-Rows-Deleted")),
      String.valueOf(response.getHeader("TDX-Rows-Rejected")), response.bodyAsString(), tdx.export("/products"), tdx.export("/sales"));
  }
}
