package io.tdx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Generated data of every type imports and exports back identical")
class RoundTripTest extends ServerTest {
  static final int ROWS = 3000;
  static final String[] TRICKY = {
    "plain", "comma, inside", "quote \" inside", "\"quoted\"", "new\nline", "crlf\r\nline", "semi;colon", "tab\there",
    "back\\slash", "apostrophe's", "ünïcödé", "日本語テキスト", "emoji 🚀✨", "  padded  ", "#hash", "x"
  };

  @Override
  JsonObject configure(JsonObject config) {
    JsonArray services = config.getJsonArray("services");
    services.add(service("/everything", ",", "\"", null));
    services.add(service("/semicolons", ";", "'", "\\"));
    return config;
  }

  static JsonObject service(String prefix, String delimiter, String quote, String escape) {
    JsonArray columns = new JsonArray()
      .add(column("ID", "int").put("key", true))
      .add(column("S", "string").put("optional", true))
      .add(column("I", "int").put("optional", true))
      .add(column("F", "float").put("optional", true))
      .add(column("D", "decimal").put("precision", 20).put("scale", 4).put("optional", true))
      .add(column("DD", "decimal").put("optional", true))
      .add(column("B", "boolean").put("optional", true))
      .add(column("DT", "date").put("optional", true))
      .add(column("DP", "date").put("format", "dd/MM/yyyy").put("optional", true))
      .add(column("TS", "datetime").put("optional", true))
      .add(column("U", "uuid").put("optional", true));
    JsonObject service = new JsonObject().put("prefix", prefix).put("delimiter", delimiter).put("quote", quote)
      .put("columns", columns);
    return escape == null ? service : service.put("escape", escape);
  }

  static JsonObject column(String name, String type) {
    return new JsonObject().put("name", name).put("type", type);
  }

  /** Rows in canonical form; about one value in eight is absent. */
  static List<String[]> generate(long seed) {
    Random random = new Random(seed);
    List<String[]> rows = new ArrayList<>();
    for (int id = 0; id < ROWS; id++) {
      String[] row = {
        Long.toString(id - ROWS / 2),
        TRICKY[random.nextInt(TRICKY.length)] + random.nextInt(1000),
        Long.toString(random.nextLong()),
        Double.toString(random.nextGaussian() * Math.pow(10, random.nextInt(20) - 10)),
        BigDecimal.valueOf(random.nextLong() % 10_000_000_000_000L, 4).toPlainString(),
        BigDecimal.valueOf(random.nextLong(), random.nextInt(10)).stripTrailingZeros().toPlainString(),
        Boolean.toString(random.nextBoolean()),
        LocalDate.ofEpochDay(random.nextInt(80_000) - 20_000).toString(),
        LocalDate.ofEpochDay(random.nextInt(40_000)).format(DateTimeFormatter.ofPattern("dd/MM/yyyy")),
        DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochSecond(random.nextInt(2_000_000_000), random.nextInt(1_000_000_000))
          .truncatedTo(ChronoUnit.MICROS)),
        new UUID(random.nextLong(), random.nextLong()).toString()
      };
      for (int i = 1; i < row.length; i++) {
        if (random.nextInt(8) == 0) {
          row[i] = "";
        }
      }
      rows.add(row);
    }
    return rows;
  }

  static String csv(List<String[]> rows, char delimiter, char quote, String escape) {
    StringBuilder out = new StringBuilder("ID,S,I,F,D,DD,B,DT,DP,TS,U\n".replace(',', delimiter));
    for (String[] row : rows) {
      out.append(IntStream.range(0, row.length).mapToObj(i -> field(row[i], delimiter, quote, escape))
        .collect(Collectors.joining(String.valueOf(delimiter)))).append('\n');
    }
    return out.toString();
  }

  static String field(String value, char delimiter, char quote, String escape) {
    boolean needsQuotes = value.indexOf(delimiter) >= 0 || value.indexOf(quote) >= 0 || value.contains("\n")
      || value.contains("\r") || (escape != null && value.contains(escape));
    if (!needsQuotes) {
      return value;
    }
    String q = String.valueOf(quote);
    String escaped = escape == null ? value.replace(q, q + q) : value.replace(escape, escape + escape).replace(q, escape + q);
    return q + escaped + q;
  }

  /** Parses an export with the same rules, so the comparison is of values, not of quoting style. */
  static List<List<String>> parse(String csv, char delimiter, char quote, String escape) throws Exception {
    var reader = new io.tdx.csv.CsvRowReader(new java.io.ByteArrayInputStream(csv.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
      new io.tdx.service.CsvDialect(delimiter, quote, escape == null ? (char) 0 : escape.charAt(0)), 1 << 20, 100);
    List<List<String>> rows = new ArrayList<>();
    for (var record = reader.next(); record != null; record = reader.next()) {
      rows.add(java.util.Arrays.stream(record.fields()).map(f -> f == null ? "" : f).toList());
    }
    return rows;
  }

  void roundTrip(String service, char delimiter, char quote, String escape) throws Exception {
    List<String[]> rows = generate(service.hashCode());
    List<String[]> shuffled = new ArrayList<>(rows);
    Collections.shuffle(shuffled, new Random(7));
    HttpResponse<Buffer> imported = tdx.post(service, csv(shuffled, delimiter, quote, escape));
    assertEquals(200, imported.statusCode(), imported.bodyAsString());
    assertEquals("0", imported.getHeader("TDX-Rows-Rejected"), imported.bodyAsString());
    assertEquals(Integer.toString(ROWS), imported.getHeader("TDX-Rows-Inserted"));

    List<List<String>> exported = parse(tdx.export(service), delimiter, quote, escape);
    assertEquals(List.of("ID", "S", "I", "F", "D", "DD", "B", "DT", "DP", "TS", "U"), exported.get(0));
    List<List<String>> expected = rows.stream().map(List::of).toList();
    assertEquals(expected.size(), exported.size() - 1);
    for (int i = 0; i < expected.size(); i++) {
      assertEquals(expected.get(i), exported.get(i + 1), "row " + i);
    }
  }

  @Test
  @DisplayName("with commas, double quotes, newlines, unicode and every column type")
  void everyType() throws Exception {
    roundTrip("/everything", ',', '"', null);
  }

  @Test
  @DisplayName("in a dialect with ; as delimiter, ' as quote and \\ as escape")
  void otherDialect() throws Exception {
    roundTrip("/semicolons", ';', '\'', "\\");
  }
}
