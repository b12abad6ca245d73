package io.tdx.csv;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tdx.service.CsvDialect;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The byte-level splitter against the Jackson reader it stands in for: on random CSV built from
 * the bytes that matter (delimiters, quotes, CR, LF, blanks, NUL, multi-byte and broken UTF-8),
 * both give the same records on the same lines, or fail alike on the same line.
 */
class RawRecordsTest {
  private static final CsvDialect RFC = new CsvDialect(',', '"', '"');
  private static final byte[][] PIECES = {
    "a".getBytes(StandardCharsets.UTF_8), "bc".getBytes(StandardCharsets.UTF_8), ",".getBytes(StandardCharsets.UTF_8),
    ",".getBytes(StandardCharsets.UTF_8), "\"".getBytes(StandardCharsets.UTF_8), "\"\"".getBytes(StandardCharsets.UTF_8),
    "\n".getBytes(StandardCharsets.UTF_8), "\n".getBytes(StandardCharsets.UTF_8), "\r\n".getBytes(StandardCharsets.UTF_8),
    "\r".getBytes(StandardCharsets.UTF_8), " ".getBytes(StandardCharsets.UTF_8), "\t".getBytes(StandardCharsets.UTF_8),
    "é".getBytes(StandardCharsets.UTF_8), "😀".getBytes(StandardCharsets.UTF_8), "12".getBytes(StandardCharsets.UTF_8),
    {0}, {(byte) 0xFF}, {(byte) 0xC3}, {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}};

  @Test
  void splitsRandomCsvAsTheJacksonReaderDoes() throws IOException {
    Random random = new Random(Long.getLong("seed", 20261203));
    for (int round = 0; round < 20000; round++) {
      ByteArrayOutputStream csv = new ByteArrayOutputStream();
      int pieces = random.nextInt(40);
      boolean wellFormed = random.nextInt(3) > 0;
      for (int i = 0; i < pieces; i++) {
        byte[] piece = PIECES[random.nextInt(wellFormed ? 16 : PIECES.length)];
        csv.write(piece);
      }
      byte[] bytes = csv.toByteArray();
      int maxLine = 1000;
      assertSame(jackson(bytes, maxLine), raw(bytes, maxLine, random.nextInt(4)), bytes);
    }
  }

  @Test
  void quotedRecordsAcrossBufferRefillsKeepTheirLines() throws IOException {
    StringBuilder csv = new StringBuilder("K,V\n");
    for (int i = 0; i < 200000; i++) {
      csv.append(i).append(i % 7 == 0 ? ",\"two\nlines, \"\"quoted\"\"\"\r\n" : ",plain é\n");
    }
    byte[] bytes = csv.toString().getBytes(StandardCharsets.UTF_8);
    assertEquals(jackson(bytes, 1 << 20), raw(bytes, 1 << 20, 2));
  }

  /**
   * The same records, or the same failure: a file that fails is refused whole, and the Jackson
   * reader decodes ahead, so it may fail before giving records the splitter gives.
   */
  private static void assertSame(List<String> expected, List<String> actual, byte[] input) {
    String last = expected.isEmpty() ? "" : expected.get(expected.size() - 1);
    if (last.startsWith("line line ") || last.startsWith("line Unsupported")) {
      assertEquals(last, actual.isEmpty() ? "" : actual.get(actual.size() - 1), () -> "input: " + Arrays.toString(input));
    } else {
      assertEquals(expected, actual, () -> "input: " + Arrays.toString(input));
    }
  }

  private static List<String> jackson(byte[] bytes, int maxLine) throws IOException {
    List<String> out = new ArrayList<>();
    try (CsvRowReader reader = new CsvRowReader(new ByteArrayInputStream(bytes), RFC, maxLine, 6)) {
      for (CsvRecord record = reader.next(); record != null; record = reader.next()) {
        out.add(record.line() + " " + Arrays.toString(record.fields()));
      }
    } catch (MalformedCsvException | java.io.CharConversionException e) {
      out.add("line " + e.getMessage());
    }
    return out;
  }

  private static List<String> raw(byte[] bytes, int maxLine, int width) throws IOException {
    List<String> out = new ArrayList<>();
    InputStream input = new ByteArrayInputStream(bytes);
    try (RawRecords records = new RawRecords(input, RFC, maxLine, 6)) {
      records.expect(width, new RawRecords.Syntax[0]);
      for (RawRecords.Kind kind = records.next(); kind != RawRecords.Kind.END; kind = records.next()) {
        out.add(records.line() + " " + Arrays.toString(records.fields()));
      }
    } catch (MalformedCsvException | java.io.CharConversionException e) {
      out.add("line " + e.getMessage());
    }
    return out;
  }
}
