package io.tdx.csv;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.dataformat.csv.CsvFactory;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.tdx.service.CsvDialect;
import java.io.CharConversionException;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Streams CSV records from a blocking input with Jackson's CSV parser, holding one record at a
 * time. Bounds the length of a record, the number of its fields and the length of the header;
 * past them, on an unclosed quote or on bytes that are not UTF-8, it throws {@link MalformedCsvException}
 * with the line.
 */
public final class CsvRowReader implements Closeable {
  private final CsvParser parser;
  private final int maxLineChars;
  private final int maxFields;
  private final long lineOffset;
  private final long charsBefore;
  private final long bytesBefore;
  private final List<String> fields = new ArrayList<>();

  /** Factories are thread-safe and costly to build: one per record bound, shared by every reader. */
  private static final Map<Integer, CsvFactory> FACTORIES = new ConcurrentHashMap<>();

  public CsvRowReader(InputStream input, CsvDialect dialect, int maxLineChars, int maxFields) throws IOException {
    this(input, dialect, maxLineChars, maxFields, 1, 0, 0);
  }

  /**
   * A reader of the rest of a file another reader began, from the start of a record: on line
   * {@code firstLine}, after {@code charsBefore} characters in {@code bytesBefore} bytes of UTF-8.
   * Lines and offsets are given as in the whole file.
   */
  public static CsvRowReader continuing(InputStream rest, CsvDialect dialect, int maxLineChars, int maxFields,
                                        long firstLine, long charsBefore, long bytesBefore) throws IOException {
    // a byte-order mark fixes the encoding as UTF-8 (Jackson guesses UTF-16 from a NUL among the first bytes) and is skipped
    InputStream marked = new java.io.SequenceInputStream(new java.io.ByteArrayInputStream(BOM), rest);
    return new CsvRowReader(marked, dialect, maxLineChars, maxFields, firstLine, charsBefore, bytesBefore - BOM.length);
  }

  private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

  private CsvRowReader(InputStream input, CsvDialect dialect, int maxLineChars, int maxFields, long firstLine,
                       long charsBefore, long bytesBefore) throws IOException {
    this.lineOffset = firstLine - 1;
    this.charsBefore = charsBefore;
    this.bytesBefore = bytesBefore;
    CsvFactory factory = FACTORIES.computeIfAbsent(maxLineChars, max -> CsvFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(max).build())
      .enable(CsvParser.Feature.SKIP_EMPTY_LINES)
      .build());
    this.parser = factory.createParser(dialect.hasEscape() ? new LiteralEscapes(input, dialect.escape()) : input);
    this.parser.setSchema(schema(dialect));
    this.maxLineChars = maxLineChars;
    this.maxFields = maxFields;
  }

  static CsvSchema schema(CsvDialect dialect) {
    CsvSchema schema = CsvSchema.emptySchema()
      .withColumnSeparator(dialect.delimiter())
      .withQuoteChar(dialect.quote())
      .withLineSeparator("\n")
      .withNullValue("");
    return dialect.hasEscape() ? schema.withEscapeChar(dialect.escape()) : schema.withoutEscapeChar();
  }

  /** The next record, or null at the end of the input. */
  public CsvRecord next() throws IOException {
    long line = parser.currentLocation().getLineNr() + lineOffset;
    try {
      JsonToken token = parser.nextToken();
      if (token == null) {
        return null;
      }
      if (token != JsonToken.START_ARRAY) {
        throw new MalformedCsvException("malformed-csv", line, "unexpected " + token);
      }
      long start = -1;
      fields.clear();
      while (parser.nextToken() != JsonToken.END_ARRAY) {
        if (start < 0) {
          // the first value's location is the record's own; START_ARRAY's is the previous line's end
          line = parser.currentTokenLocation().getLineNr() + lineOffset;
          start = parser.currentTokenLocation().getCharOffset();
        }
        if (fields.size() == maxFields) {
          throw new MalformedCsvException("too-many-fields", line, "more than " + maxFields + " fields (limits.maxFields)");
        }
        fields.add(parser.getText());
      }
      long chars = parser.currentLocation().getCharOffset() - start;
      if (chars > maxLineChars) {
        throw new MalformedCsvException("line-too-long", line, "record of " + chars + " characters exceeds "
          + maxLineChars + " (limits.maxLineChars)");
      }
      return new CsvRecord(line, fields.toArray(String[]::new), chars);
    } catch (StreamConstraintsException e) {
      throw new MalformedCsvException("line-too-long", line, "a field exceeds " + maxLineChars
        + " characters (limits.maxLineChars); is a quote left open?");
    } catch (CharConversionException e) {
      // Jackson's UTF-8 decoder: the message names the byte offset ("at char #N, byte #M")
      throw new MalformedCsvException("invalid-utf8", parser.currentLocation().getLineNr() + lineOffset, "not UTF-8: " + offsetsInFile(e.getMessage()));
    } catch (JsonProcessingException e) {
      throw new MalformedCsvException("malformed-csv", e.getLocation() == null ? line : e.getLocation().getLineNr() + lineOffset,
        e.getOriginalMessage());
    }
  }

  private static final java.util.regex.Pattern OFFSETS = java.util.regex.Pattern.compile("\\(at char #(\\d+), byte #(\\d+)\\)");

  /** Jackson's "(at char #N, byte #M)" counted from the file's start. */
  private String offsetsInFile(String message) {
    if (charsBefore == 0 && bytesBefore == 0 || message == null) {
      return message;
    }
    java.util.regex.Matcher matcher = OFFSETS.matcher(message);
    if (!matcher.find()) {
      return message;
    }
    return message.substring(0, matcher.start()) + "(at char #" + (Long.parseLong(matcher.group(1)) + charsBefore) + ", byte #"
      + (Long.parseLong(matcher.group(2)) + bytesBefore) + ")" + message.substring(matcher.end());
  }

  @Override
  public void close() throws IOException {
    parser.close();
  }

}
