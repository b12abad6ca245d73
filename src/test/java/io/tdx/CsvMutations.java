package io.tdx;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/**
 * Mutations of one valid CSV file of a service (ASCII, no quotes, {@code \n} line ends), each
 * drawn from a seeded {@link Random}. A malformed mutation cannot be imported with
 * {@code abort_on_error=true}: it breaks the file (a {@code 400}) or at least one row (a
 * {@code 422}). The others are input the issue does not call malformed.
 */
final class CsvMutations {
  /** Byte sequences that are not UTF-8: lone bytes, overlong forms, a surrogate, past U+10FFFF, cut sequences. */
  private static final List<byte[]> NOT_UTF8 = List.of(bytes(0xff), bytes(0xfe), bytes(0x80), bytes(0xc0, 0xaf),
    bytes(0xe0, 0x80, 0xaf), bytes(0xed, 0xa0, 0x80), bytes(0xf8, 0x88, 0x80, 0x80, 0x80), bytes(0xf4, 0x90, 0x80, 0x80),
    bytes(0xc3), bytes(0xe2, 0x82), bytes(0xc3, 0x28));

  /**
   * One mutated file.
   *
   * @param kind      what was done (for grouping)
   * @param body      the bytes
   * @param note      where (for failure messages)
   * @param malformed whether a correct server must refuse it with {@code abort_on_error=true}
   */
  record Mutation(String kind, byte[] body, String note, boolean malformed) {
  }

  private final String base;
  private final Random random;
  private final FuzzCorpus.Setting setting;
  private final String[] header;
  private final List<String[]> rows = new ArrayList<>();
  private final boolean products;

  CsvMutations(String base, String service, Random random, FuzzCorpus.Setting setting) {
    this.base = base;
    this.random = random;
    this.setting = setting;
    this.products = service.equals("/products");
    String[] lines = base.split("\n");
    header = lines[0].split(",", -1);
    for (int i = 1; i < lines.length; i++) {
      rows.add(lines[i].split(",", -1));
    }
  }

  List<Mutation> all() {
    List<Mutation> all = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      all.add(invalidUtf8());
    }
    all.add(new Mutation("cut UTF-8 at the end", concat(utf8(base), bytes(0xe2, 0x82)), "E2 82 after the last line", true));
    for (int i = 0; i < 2; i++) {
      all.add(inField("NUL in a key", keyColumn(), "\u0000"));
      all.add(inField("NUL in a typed value", typedColumn(), "\u0000"));
      all.add(atFieldStart("unclosed quote", "\""));
      all.add(extraField());
      all.add(missingField());
    }
    all.add(quotedThenText());
    for (int i = 0; i < 3; i++) {
      all.add(wrongType());
    }
    all.add(headerReplaced("empty header", ""));
    all.add(headerColumn("duplicate column", header[(random.nextInt(header.length))]));
    all.add(headerColumn("unknown column", pick(List.of("COLOR", "PRICE_", "X", "ID"))));
    all.add(headerReplaced("header ends in a delimiter", String.join(",", header) + ","));
    all.add(headerReplaced("header past limits.maxHeaderChars",
      String.join(",", header) + ",X".repeat(setting.maxHeaderChars())));
    all.add(longField());
    all.add(tooManyFields());
    for (byte[] bom : List.of(bytes(0xff, 0xfe), bytes(0xfe, 0xff), bytes(0xff, 0xfe, 0, 0), bytes(0, 0, 0xfe, 0xff),
      bytes(0xef, 0xbb))) {
      all.add(new Mutation("byte order mark " + HexFormat.ofDelimiter(" ").formatHex(bom), concat(bom, utf8(base)),
        "before the header", true));
    }
    all.add(new Mutation("UTF-16LE file", concat(bytes(0xff, 0xfe), base.getBytes(StandardCharsets.UTF_16LE)), "with its BOM", false));
    all.add(new Mutation("two UTF-8 byte order marks", concat(bytes(0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf), utf8(base)),
      "before the header", false));
    for (String empty : List.of("", "\n", "\r\n", "\u0000", "\ufeff", " ")) {
      all.add(new Mutation("empty body", utf8(empty), FuzzRequest.printable(empty), true));
    }
    all.add(new Mutation("semicolon delimiter", utf8(base.replace(',', ';')), "", true));
    all.add(new Mutation("tab delimiter", utf8(base.replace(',', '\t')), "", true));
    all.add(new Mutation("UTF-8 byte order mark", concat(bytes(0xef, 0xbb, 0xbf), utf8(base)), "before the header", false));
    all.add(new Mutation("CR line ends", utf8(base.replace('\n', '\r')), "", false));
    return all;
  }

  private Mutation invalidUtf8() {
    byte[] body = utf8(base);
    int at = random.nextInt(body.length + 1);
    byte[] junk = pick(NOT_UTF8);
    byte[] mutated = concat(Arrays.copyOf(body, at), junk, Arrays.copyOfRange(body, at, body.length));
    return new Mutation("invalid UTF-8", mutated, HexFormat.ofDelimiter(" ").formatHex(junk) + " at byte " + at + " (line "
      + (base.substring(0, at).chars().filter(c -> c == '\n').count() + 1) + ")", true);
  }

  private int keyColumn() {
    return products ? 0 : 1; // /sales: STORE (its SKU is also a reference, which would hide the NUL)
  }

  private int typedColumn() {
    return products ? 2 : 2 + random.nextInt(2);
  }

  /** {@code text} inserted into column {@code column} of a random row. */
  private Mutation inField(String kind, int column, String text) {
    int row = random.nextInt(rows.size());
    String[] fields = rows.get(row).clone();
    int at = random.nextInt(fields[column].length() + 1);
    fields[column] = fields[column].substring(0, at) + text + fields[column].substring(at);
    return withRow(kind, row, fields, header[column] + " of line " + (row + 2) + " at " + at);
  }

  private Mutation atFieldStart(String kind, String text) {
    int row = random.nextInt(rows.size());
    int column = random.nextInt(header.length);
    String[] fields = rows.get(row).clone();
    fields[column] = text + fields[column];
    return withRow(kind, row, fields, header[column] + " of line " + (row + 2));
  }

  private Mutation quotedThenText() {
    int row = random.nextInt(rows.size());
    String[] fields = rows.get(row).clone();
    fields[0] = "\"" + fields[0] + "\"x";
    return withRow("text after a closing quote", row, fields, "line " + (row + 2));
  }

  private Mutation extraField() {
    int row = random.nextInt(rows.size());
    List<String> fields = new ArrayList<>(List.of(rows.get(row)));
    fields.add(pick(List.of("", "x", "1", "extra")));
    return withRow("extra field", row, fields.toArray(String[]::new), "line " + (row + 2));
  }

  private Mutation missingField() {
    int row = random.nextInt(rows.size());
    String[] fields = Arrays.copyOf(rows.get(row), rows.get(row).length - 1 - random.nextInt(rows.get(row).length - 1));
    return withRow("missing field", row, fields, "line " + (row + 2) + " has " + fields.length + " fields");
  }

  private Mutation wrongType() {
    int row = random.nextInt(rows.size());
    int column;
    String value;
    if (products) {
      column = 2;
      value = pick(List.of("abc", "1.2.3", "1e999", "-5", "NaN", "1.234", "12345678901234567890", "Infinity", "0x10", "--1", ""));
    } else {
      column = 2 + random.nextInt(3);
      value = switch (header[column]) {
        case "WEEK" -> pick(List.of("54", "0", "x", "1.5", "-1", "9223372036854775808"));
        case "UNITS" -> pick(List.of("9223372036854775808", "1_000", "ten", "0x10", ""));
        default -> pick(List.of("1.234", "abc", "1e999", "NaN"));
      };
    }
    String[] fields = rows.get(row).clone();
    fields[column] = value;
    return withRow("wrong type", row, fields, header[column] + "=" + value + " on line " + (row + 2));
  }

  private Mutation longField() {
    int row = random.nextInt(rows.size());
    String[] fields = rows.get(row).clone();
    int column = 1; // DESCRIPTION of /products, STORE of /sales
    fields[column] = "y".repeat(setting.maxLineChars() + 1 + random.nextInt(100));
    return withRow("line past limits.maxLineChars", row, fields, "line " + (row + 2) + ", " + fields[column].length() + " chars in " + header[column]);
  }

  private Mutation tooManyFields() {
    int row = random.nextInt(rows.size());
    List<String> fields = new ArrayList<>(List.of(rows.get(row)));
    for (int i = 0; i <= setting.maxFields(); i++) {
      fields.add("f" + i);
    }
    return withRow("fields past limits.maxFields", row, fields.toArray(String[]::new), "line " + (row + 2) + ", " + fields.size() + " fields");
  }

  private Mutation headerReplaced(String kind, String line) {
    return new Mutation(kind, utf8(line + base.substring(base.indexOf('\n'))), FuzzRequest.printable(line.length() > 60
      ? line.substring(0, 60) + "..." : line), true);
  }

  private Mutation headerColumn(String kind, String name) {
    String[] columns = header.clone();
    int column = random.nextInt(columns.length);
    if (columns[column].equals(name)) {
      column = (column + 1) % columns.length;
    }
    columns[column] = name;
    return headerReplaced(kind, String.join(",", columns));
  }

  private Mutation withRow(String kind, int row, String[] fields, String note) {
    StringBuilder csv = new StringBuilder(String.join(",", header)).append('\n');
    for (int i = 0; i < rows.size(); i++) {
      csv.append(String.join(",", i == row ? fields : rows.get(i))).append('\n');
    }
    return new Mutation(kind, utf8(csv.toString()), note, true);
  }

  private <T> T pick(List<T> from) {
    return from.get(random.nextInt(from.size()));
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] bytes(int... values) {
    byte[] bytes = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      bytes[i] = (byte) values[i];
    }
    return bytes;
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
}
