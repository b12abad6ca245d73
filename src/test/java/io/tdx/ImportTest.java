package io.tdx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("Imports through /products and /sales (PROTOCOL.md section 2)")
class ImportTest extends ServerTest {
  static final String PRODUCTS = """
    SKU,DESCRIPTION,PRICE
    A1,"Apple, red",1.50
    B2,Banana,0.25
    C3,Cherry,3.00
    """;


  @Nested
  @DisplayName("POST upserts by key")
  class Upsert {
    @Test
    @DisplayName("inserts new rows and answers a one-line summary with the counts in headers")
    void inserts() {
      HttpResponse<Buffer> response = tdx.post("/products", PRODUCTS);
      assertEquals(200, response.statusCode());
      assertEquals("text/plain; charset=utf-8", response.getHeader("Content-Type"));
      assertEquals("3", response.getHeader("TDX-Rows-Read"));
      assertEquals("3", response.getHeader("TDX-Rows-Inserted"));
      assertEquals("0", response.getHeader("TDX-Rows-Rejected"));
      assertEquals("POST /products: 3 rows read, 3 inserted, 0 updated, 0 deleted, 0 rejected\n", response.bodyAsString());
      assertEquals(PRODUCTS, tdx.export("/products"));
    }

    @Test
    @DisplayName("updates existing keys; an absent optional column keeps its value, an empty one removes it")
    void updates() {
      tdx.post("/products", PRODUCTS);
      HttpResponse<Buffer> response = tdx.post("/products", "SKU,PRICE\nA1,2.00\nD4,4.00\n");
      assertEquals("1", response.getHeader("TDX-Rows-Updated"));
      assertEquals("1", response.getHeader("TDX-Rows-Inserted"));
      tdx.post("/products", "SKU,DESCRIPTION,PRICE\nB2,,0.30\n");
      assertEquals("""
        SKU,DESCRIPTION,PRICE
        A1,"Apple, red",2.00
        B2,,0.30
        C3,Cherry,3.00
        D4,,4.00
        """, tdx.export("/products"));
    }

    @Test
    @DisplayName("accepts the header's columns in any order")
    void anyColumnOrder() {
      tdx.post("/products", "PRICE,SKU\n1.00,Z9\n");
      assertEquals("SKU,DESCRIPTION,PRICE\nZ9,,1.00\n", tdx.export("/products"));
    }

    @Test
    @DisplayName("answers a JSON summary with the first errors for Accept: application/json")
    void jsonSummary() {
      HttpResponse<Buffer> response = tdx.await(tdx.request(HttpMethod.POST, "/products")
        .putHeader("Accept", "application/json").sendBuffer(Buffer.buffer("SKU,PRICE\nA1,1\nB2,-1\n")));
      assertEquals(200, response.statusCode());
      JsonObject summary = response.bodyAsJsonObject();
      assertEquals(2, summary.getLong("read"));
      assertEquals(1, summary.getLong("inserted"));
      assertEquals(1, summary.getLong("rejected"));
      JsonObject error = summary.getJsonArray("errors").getJsonObject(0);
      assertEquals(3, error.getLong("line"));
      assertEquals("CHECK_FAILED", error.getString("causeCode"));
      assertEquals("B2", error.getJsonObject("row").getString("SKU"));
    }
  }

  @Nested
  @DisplayName("PUT replaces and DELETE removes")
  class ReplaceAndDelete {
    @Test
    @DisplayName("PUT leaves exactly the file's rows, optional columns it lacks empty")
    void replace() {
      tdx.post("/products", PRODUCTS);
      HttpResponse<Buffer> response = tdx.put("/products", "SKU,PRICE\nB2,9.99\nE5,5.00\n");
      assertEquals(200, response.statusCode());
      assertEquals("2", response.getHeader("TDX-Rows-Deleted"));
      assertEquals("1", response.getHeader("TDX-Rows-Updated"));
      assertEquals("1", response.getHeader("TDX-Rows-Inserted"));
      assertEquals("SKU,DESCRIPTION,PRICE\nB2,,9.99\nE5,,5.00\n", tdx.export("/products"));
    }

    @Test
    @DisplayName("DELETE removes the keys listed, ignoring other columns and keys that are not there")
    void delete() {
      tdx.post("/products", PRODUCTS);
      HttpResponse<Buffer> response = tdx.delete("/products", "SKU,PRICE\nA1,0\nZZ,0\n");
      assertEquals(200, response.statusCode());
      assertEquals("1", response.getHeader("TDX-Rows-Deleted"));
      assertEquals("SKU,DESCRIPTION,PRICE\nB2,Banana,0.25\nC3,Cherry,3.00\n", tdx.export("/products"));
    }

    @Test
    @DisplayName("DELETE of a product that sales still reference is rejected with STILL_REFERENCED")
    void deleteReferenced() {
      tdx.post("/products", PRODUCTS);
      tdx.post("/sales", "SKU,STORE,WEEK,UNITS\nA1,S1,1,5\n");
      HttpResponse<Buffer> response = tdx.delete("/products", "SKU\nA1\nB2\n");
      assertEquals("1", response.getHeader("TDX-Rows-Deleted"));
      assertEquals("SKU,LINE,CAUSE,CAUSE_CODE\nA1,2,SKU A1 is still referenced by /sales,STILL_REFERENCED\n",
        response.bodyAsString());
      assertEquals("SKU,DESCRIPTION,PRICE\nA1,\"Apple, red\",1.50\nC3,Cherry,3.00\n", tdx.export("/products"));
    }

    @Test
    @DisplayName("PUT that would remove a referenced product is a 409 and changes nothing")
    void replaceReferenced() {
      tdx.post("/products", PRODUCTS);
      tdx.post("/sales", "SKU,STORE,WEEK,UNITS\nA1,S1,1,5\n");
      HttpResponse<Buffer> response = tdx.put("/products", "SKU,PRICE\nB2,1.00\n");
      assertEquals(409, response.statusCode());
      assertEquals("application/problem+json", response.getHeader("Content-Type"));
      assertTrue(response.bodyAsJsonObject().getString("detail").contains("A1"), response.bodyAsString());
      assertEquals(PRODUCTS, tdx.export("/products"));
    }
  }

  @Nested
  @DisplayName("rejected rows come back in the error file with LINE, CAUSE and CAUSE_CODE")
  class Rejections {
    @Test
    @DisplayName("every cause code, each with the row's own columns and its line number")
    void everyCauseCode() {
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
        C3,S1,6,1
        C3,S1,7,1,1.001
        """;
      HttpResponse<Buffer> response = tdx.post("/sales", sales);
      assertEquals(200, response.statusCode());
      assertEquals("text/csv; charset=utf-8", response.getHeader("Content-Type"));
      assertEquals("9", response.getHeader("TDX-Rows-Read"));
      assertEquals("1", response.getHeader("TDX-Rows-Inserted"));
      assertEquals("8", response.getHeader("TDX-Rows-Rejected"));
      assertEquals("""
        SKU,STORE,WEEK,UNITS,REVENUE,LINE,CAUSE,CAUSE_CODE
        A1,S1,2,,1.00,3,UNITS is required,MISSING_VALUE
        A1,S1,3,ten,1.00,4,UNITS: 'ten' is not an integer,INVALID_VALUE
        A1,S1,54,1,1.00,5,WEEK must be in 1..53 (got 54),CHECK_FAILED
        C3,S1,6,1,,9,"expected 5 fields, found 4",WRONG_FIELD_COUNT
        C3,S1,7,1,1.001,10,REVENUE: '1.001' has more than 2 decimal places,INVALID_VALUE
        ZZ,S1,4,1,1.00,6,SKU ZZ is not a key of /products,UNKNOWN_REFERENCE
        B2,S1,5,1,1.00,7,"key (SKU, STORE, WEEK) appears on lines 7, 8",DUPLICATE_KEY
        B2,S1,5,2,2.00,8,"key (SKU, STORE, WEEK) appears on lines 7, 8",DUPLICATE_KEY
        """, response.bodyAsString());
      assertEquals("SKU,STORE,WEEK,UNITS,REVENUE\nA1,S1,1,10,15.00\n", tdx.export("/sales"));
    }

    @Test
    @DisplayName("line numbers count the lines of quoted fields that span several lines")
    void lineNumbersAcrossMultilineFields() {
      HttpResponse<Buffer> response = tdx.post("/products", "SKU,DESCRIPTION,PRICE\nA1,\"two\nlines\",1\nB2,x,-5\n");
      assertTrue(response.bodyAsString().contains("B2,x,-5,4,"), response.bodyAsString());
    }

    @Test
    @DisplayName("abort_on_error=true answers 422 with the error file and writes nothing")
    void abortOnError() {
      HttpResponse<Buffer> response = tdx.post("/products?abort_on_error=true", "SKU,PRICE\nA1,1\nB2,-1\n");
      assertEquals(422, response.statusCode());
      assertEquals("SKU,PRICE,LINE,CAUSE,CAUSE_CODE\nB2,-1,3,PRICE must be >= 0 (got -1),CHECK_FAILED\n",
        response.bodyAsString());
      assertEquals("SKU,DESCRIPTION,PRICE\n", tdx.export("/products"));
    }

    @Test
    @DisplayName("abort_on_error=true with Accept: application/json answers a 422 problem document with the summary")
    void abortOnErrorJson() {
      HttpResponse<Buffer> response = tdx.await(tdx.request(HttpMethod.POST, "/products?abort_on_error=1")
        .putHeader("Accept", "application/json").sendBuffer(Buffer.buffer("SKU,PRICE\nA1,1\nB2,-1\n")));
      assertEquals(422, response.statusCode());
      assertEquals("application/problem+json", response.getHeader("Content-Type"));
      JsonObject problem = response.bodyAsJsonObject();
      assertEquals("urn:tdx:problem:rows-rejected", problem.getString("type"));
      assertEquals(1, problem.getJsonObject("summary").getLong("rejected"));
      assertEquals("SKU,DESCRIPTION,PRICE\n", tdx.export("/products"));
    }

    @Test
    @DisplayName("return_errors=0 never returns the error file; return_errors=1 always does")
    void returnErrors() {
      HttpResponse<Buffer> never = tdx.post("/products?return_errors=0", "SKU,PRICE\nB2,-1\n");
      assertEquals("text/plain; charset=utf-8", never.getHeader("Content-Type"));
      assertEquals("1", never.getHeader("TDX-Rows-Rejected"));
      HttpResponse<Buffer> always = tdx.post("/products?return_errors=1", "SKU,PRICE\nA1,1\n");
      assertEquals("SKU,PRICE,LINE,CAUSE,CAUSE_CODE\n", always.bodyAsString());
    }
  }
}
