package io.tdx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * On DuckDB a large import's CSV is parsed by the engine and validated in SQL, with the rows it
 * cannot vouch for validated in Java on the way: rows of every kind, mixed in one file, are
 * accepted, converted and rejected exactly as the Java parser and validator say, with their
 * lines, causes and texts, in line order; after a record only the Java reader reads (a leading
 * blank), the rest of the file is read by it, on the right lines; and 3,000 rows of random
 * values of every type, in every form, give the same error file and rows as the Java path.
 */
@DisplayName("The engine parses large imports itself and says what the Java validator says")
class EngineCsvTest extends ServerTest {
  static final String[] STRINGS = {"ok", "", "x", "abcdefghijk", "😀x", "é,é", "quote \" in", "line\nbreak", "  padded  ", "a\u0000b"};
  static final String[] INTS = {"0", "7", "-3", "+5", "007", " 9", "50", "51", "-0", "1.0", "1e2", "x", "999999999999999999",
    "9999999999999999999", ""};
  static final String[] FLOATS = {"1.5", "1", "-0.5", "1e3", ".5", "5.", "1E-7", "NaN", "Infinity", "1.5d", "0x10", "", "123456789012345678"};
  static final String[] DECIMALS = {"1.5", "1", "-0.00", "1.23456", "1.00000", "2.25 ", "1E+1", ".5", "5.", "12345678901234567",
    "1234567890123456", "-", ""};
  static final String[] BOOLEANS = {"true", "false", "1", "0", "TRUE", "False", "yes", " true", ""};
  static final String[] DATES = {"2024-02-29", "2000-01-01", "2023-02-29", "1999-12-31", "2099-12-31", "2100-01-01", "0999-01-01",
    "2024-1-01", "2024-13-01", "24-01-01", ""};
  static final String[] UUIDS = {"123e4567-e89b-12d3-a456-426614174000", "123E4567-E89B-12D3-A456-426614174000", "not-a-uuid",
    "123e4567e89b12d3a456426614174000", "123e4567-e89b-12d3-a456-42661417400g", ""};

  /**
   * The same columns twice: {@code /engine} is parsed by DuckDB, {@code /java} by the Java parser
   * (one column it has and no file carries, a {@code datetime}, keeps it on the Java path).
   */
  @Override
  JsonObject configure(JsonObject config) {
    config.getJsonArray("services").add(typed("/engine", false)).add(typed("/java", true));
    return config;
  }

  static JsonObject typed(String prefix, boolean withDateTime) {
    JsonArray columns = new JsonArray()
      .add(column("ID", "int").put("key", true))
      .add(column("S", "string").put("optional", true).put("checks", new JsonArray().add("length 1..10")))
      .add(column("I", "int").put("checks", new JsonArray().add("0..50")))
      .add(column("F", "float").put("optional", true))
      .add(column("D", "decimal").put("precision", 20).put("scale", 4).put("optional", true)
        .put("checks", new JsonArray().add(">= -1")))
      .add(column("DD", "decimal").put("optional", true))
      .add(column("B", "boolean").put("optional", true))
      .add(column("DT", "date").put("optional", true).put("checks", new JsonArray().add("2000-01-01..2099-12-31")))
      .add(column("U", "uuid").put("optional", true));
    if (withDateTime) {
      columns.add(column("TS", "datetime").put("optional", true));
    }
    return new JsonObject().put("prefix", prefix).put("columns", columns);
  }

  static JsonObject column(String name, String type) {
    return new JsonObject().put("name", name).put("type", type);
  }

  @Test
  @DisplayName("values of every type in every form: DuckDB's staging accepts, converts and rejects exactly what the Java parser does")
  void sameAsTheJavaPath() {
    Random random = new Random(17);
    StringBuilder csv = new StringBuilder("ID,S,I,F,D,DD,B,DT,U\n");
    for (int id = 1; id <= 3000; id++) {
      // most rows vary one or two columns over every form; the others keep a valid value
      String[][] forms = {STRINGS, INTS, FLOATS, DECIMALS, DECIMALS, BOOLEANS, DATES, UUIDS};
      String[] fields = new String[forms.length + 1];
      fields[0] = Integer.toString(id);
      for (int i = 0; i < forms.length; i++) {
        fields[i + 1] = random.nextInt(forms.length) < 2 ? pick(random, forms[i]) : forms[i][random.nextInt(2)];
      }
      for (int i = 0; i < fields.length; i++) {
        boolean quote = fields[i].contains(",") || fields[i].contains("\"") || fields[i].contains("\n") || random.nextInt(8) == 0;
        csv.append(i == 0 ? "" : ",").append(quote ? "\"" + fields[i].replace("\"", "\"\"") + "\"" : fields[i]);
      }
      csv.append(random.nextInt(5) == 0 ? "\r\n" : "\n");
    }
    HttpResponse<Buffer> engine = tdx.post("/engine", csv.toString());
    HttpResponse<Buffer> java = tdx.post("/java", csv.toString());
    assertEquals(200, engine.statusCode(), engine.bodyAsString());
    assertEquals(java.bodyAsString(), engine.bodyAsString());
    String javaRows = tdx.export("/java").replaceAll("(?m),$", "").replace(",TS\n", "\n");
    assertEquals(javaRows.replaceFirst("^ID,S,I,F,D,DD,B,DT,U", ""), tdx.export("/engine").replaceFirst("^ID,S,I,F,D,DD,B,DT,U", ""));
    assertTrue(engine.bodyAsString().contains("CHECK_FAILED") && engine.bodyAsString().contains("INVALID_VALUE"));
    long accepted = tdx.export("/engine").lines().count() - 1;
    assertTrue(accepted > 1000, () -> "rows of every kind are accepted, not " + accepted);
  }

  private static String pick(Random random, String[] values) {
    return values[random.nextInt(values.length)];
  }

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
