package io.tdx.csv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The plain-body check against the Jackson reader: on random CSV built from the bytes that
 * matter, read in random small pieces, a body called plain is one record a line, each on the
 * line of its place, none lost, its fields counted; and whatever the verdict, what was copied followed by what is
 * left of the input is the body.
 */
class PlainBodyTest {
  private static final CsvDialect RFC = new CsvDialect(',', '"', '"');
  private static final String[] PIECES = {"a", "bc", ",", ",", "\"", "\"\"", "\n", "\n", "12", "é", "😀", "\r\n", " ", "\t", "\r"};
  private static final byte[][] BROKEN = {{0}, {(byte) 0xFF}, {(byte) 0xC3}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}};

  @Test
  void aPlainBodyIsOneRecordALineAsTheJacksonReaderReadsIt() throws IOException {
    Random random = new Random(Long.getLong("seed", 20261204));
    int plain = 0;
    for (int round = 0; round < 20000; round++) {
      ByteArrayOutputStream csv = new ByteArrayOutputStream();
      int pieces = 1 + random.nextInt(40);
      int kinds = random.nextInt(3) == 0 ? PIECES.length : 11; // mostly without CR, blanks
      for (int i = 0; i < pieces; i++) {
        if (random.nextInt(50) == 0) {
          csv.write(BROKEN[random.nextInt(BROKEN.length)]);
        } else {
          csv.write(PIECES[random.nextInt(kinds)].getBytes(StandardCharsets.UTF_8));
        }
      }
      byte[] bytes = csv.toByteArray();
      ByteArrayOutputStream copied = new ByteArrayOutputStream();
      InputStream input = trickle(bytes, random);
      PlainBody body = new PlainBody(RFC, 1 << 20, 1000).copy(input, copied, new AtomicLong());
      byte[] whole = concat(copied.toByteArray(), input.readAllBytes());
      assertArrayEquals(bytes, whole, () -> "input: " + Arrays.toString(bytes));
      if (body.plain()) {
        plain++;
        List<String> expected = new ArrayList<>();
        for (int line = 1; line <= body.lines(); line++) {
          expected.add(Integer.toString(line));
        }
        List<Integer> widths = new ArrayList<>();
        assertEquals(expected, jacksonLines(bytes, widths), () -> "input: " + Arrays.toString(bytes));
        int width = widths.get(0);
        assertEquals(widths.stream().allMatch(w -> w == width), body.fields(width), () -> "input: " + Arrays.toString(bytes));
        assertFalse(body.fields(width + 1));
        assertEquals(new String(bytes, StandardCharsets.UTF_8).contains("\r\n"), body.crlf());
      }
    }
    assertTrue(plain > 1000, "plain bodies among the random ones: " + plain);
  }

  @Test
  void aLongLineOrALargeBodyIsNotPlainAndNothingIsLost() throws IOException {
    byte[] bytes = "K,V\n1,abcdefghij\n2,x\n".getBytes(StandardCharsets.UTF_8);
    for (PlainBody body : List.of(new PlainBody(RFC, 1 << 20, 10), new PlainBody(RFC, 8, 1000))) {
      ByteArrayOutputStream copied = new ByteArrayOutputStream();
      InputStream input = new ByteArrayInputStream(bytes);
      assertFalse(body.copy(input, copied, new AtomicLong()).plain());
      assertArrayEquals(bytes, concat(copied.toByteArray(), input.readAllBytes()));
    }
    PlainBody whole = new PlainBody(RFC, 1 << 20, 1000).copy(new ByteArrayInputStream(bytes), new ByteArrayOutputStream(), new AtomicLong());
    assertTrue(whole.plain());
    assertEquals(3, whole.lines());
  }

  @Test
  void linesPastTheBufferAndQuotedFieldsAcrossReadsStayPlain() throws IOException {
    StringBuilder csv = new StringBuilder("K,V\r\n");
    for (int i = 0; i < 300000; i++) {
      csv.append(i).append(i % 7 == 0 ? ",\"a, \"\"quoted\"\" é\"\r\n" : ",plain 😀\r\n");
    }
    byte[] bytes = csv.toString().getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream copied = new ByteArrayOutputStream();
    AtomicLong read = new AtomicLong();
    PlainBody body = new PlainBody(RFC, 1 << 30, 1000).copy(trickle(bytes, new Random(7)), copied, read);
    assertTrue(body.plain());
    assertTrue(body.crlf());
    assertEquals(300001, body.lines());
    assertEquals(300000, read.get());
    assertArrayEquals(bytes, copied.toByteArray());
  }

  /** The lines the Jackson reader puts its records on; a failure as its message. */
  private static List<String> jacksonLines(byte[] bytes, List<Integer> widths) throws IOException {
    List<String> out = new ArrayList<>();
    try (CsvRowReader reader = new CsvRowReader(new ByteArrayInputStream(bytes), RFC, 1000, 1000)) {
      for (CsvRecord record = reader.next(); record != null; record = reader.next()) {
        out.add(Long.toString(record.line()));
        widths.add(record.fields().length);
      }
    } catch (MalformedCsvException | java.io.CharConversionException e) {
      out.add("failed: " + e.getMessage());
    }
    return out;
  }

  /** An input that gives at most a few bytes at a time, or many. */
  private static InputStream trickle(byte[] bytes, Random random) {
    return new ByteArrayInputStream(bytes) {
      @Override
      public synchronized int read(byte[] b, int off, int len) {
        return super.read(b, off, Math.min(len, random.nextBoolean() ? 1 + random.nextInt(7) : 1 << 16));
      }
    };
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] all = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
