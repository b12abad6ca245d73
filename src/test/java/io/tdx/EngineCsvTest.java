package io.tdx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * On DuckDB a large import's CSV is parsed by the engine and validated in SQL, with the rows it
 * cannot vouch for validated in Java on the way: rows of every kind, mixed in one file, are
 * accepted, converted and rejected exactly as the Java parser and validator say, with their
 * lines, causes and texts, in line order; after a record only the Java reader reads (a leading
 * blank), the rest of the file is read by it, on the right lines.
 */
@DisplayName("The engine parses large imports itself and says what the Java validator says")
class EngineCsvTest extends ServerTest {

  @Test
  @DisplayName("rows of every kind in one file: accepted, converted or rejected as the Java validator says, in line order")
  void everyKindOfRow() {
    tdx.post("/products", "SKU,PRICE\nP1,1\nP2,2\n");
    HttpResponse<Buffer> response = tdx.post("/sales", """
      SKU,STORE,WEEK,UNITS,REVENUE
      P1,S1,1,10,1.50
      P1,S2,+2,007,1.5
      P1,S3,54,1,
      P1,S4,x,1,1
      P1,S5,5,1
      P9,S6,6,1,1
      "P2","S""7","7","1","2.25"
      P2,"S
      8",8,1,1E+1
      P2,S9,9,,1
      P2,S10,10,1,1.234
      P1,S1,1,11,1
      P2,S11,-0,1,-0.5\r
      P2,S12,11,1,"1"\r
      """);
    assertEquals(200, response.statusCode(), response.bodyAsString());
    assertEquals("""
      SKU,STORE,WEEK,UNITS,REVENUE,LINE,CAUSE,CAUSE_CODE
      P1,S3,54,1,,4,WEEK must be in 1..53 (got 54),CHECK_FAILED
      P1,S4,x,1,1,5,WEEK: 'x' is not an integer,INVALID_VALUE
      P1,S5,5,1,,6,"expected 5 fields, found 4",WRONG_FIELD_COUNT
      P2,S9,9,,1,11,UNITS is required,MISSING_VALUE
      P2,S10,10,1,1.234,12,REVENUE: '1.234' has more than 2 decimal places,INVALID_VALUE
      P2,S11,-0,1,-0.5,14,WEEK must be in 1..53 (got -0),CHECK_FAILED
      P1,S1,1,10,1.50,2,"key (SKU, STORE, WEEK) appears on lines 2, 13",DUPLICATE_KEY
      P9,S6,6,1,1.00,7,SKU P9 is not a key of /products,UNKNOWN_REFERENCE
      P1,S1,1,11,1.00,13,"key (SKU, STORE, WEEK) appears on lines 2, 13",DUPLICATE_KEY
      """, response.bodyAsString());
    assertEquals("""
      SKU,STORE,WEEK,UNITS,REVENUE
      P1,S2,2,7,1.50
      P2,"S
      8",8,1,10.00
      P2,"S""7",7,1,2.25
      P2,S12,11,1,1.00
      """, tdx.export("/sales"));
  }

  @Test
  @DisplayName("a record starting with a blank hands the rest of the file to the Java reader, lines and all")
  void javaReaderTakesOver() {
    tdx.post("/products", "SKU,PRICE\nP1,1\n");
    HttpResponse<Buffer> response = tdx.post("/sales", "SKU,STORE,WEEK,UNITS,REVENUE\nP1,S1,1,1,1\n\n P1,S2,2,2,2\n"
      + "P1,S3,99,3,3\nP1,\"S\n4\",4,4,4\nP1,S5,5,x,5\nP1,S6,6,6,6");
    assertEquals(200, response.statusCode(), response.bodyAsString());
    assertEquals("""
      SKU,STORE,WEEK,UNITS,REVENUE,LINE,CAUSE,CAUSE_CODE
      P1,S3,99,3,3,5,WEEK must be in 1..53 (got 99),CHECK_FAILED
      P1,S5,5,x,5,8,UNITS: 'x' is not an integer,INVALID_VALUE
      """, response.bodyAsString());
    assertEquals("SKU,STORE,WEEK,UNITS,REVENUE\nP1,\"S\n4\",4,4,4.00\nP1,S1,1,1,1.00\nP1,S2,2,2,2.00\nP1,S6,6,6,6.00\n",
      tdx.export("/sales"));
  }
}
