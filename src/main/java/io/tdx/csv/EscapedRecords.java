package io.tdx.csv;

import io.tdx.service.CsvDialect;
import java.io.IOException;
import java.io.Writer;

/**
 * Writes records in an escape dialect (LogicBlox's: an escape character, quotes never doubled),
 * so that the same dialect reads them back as they were, and so does Python's {@code csv} module
 * with {@code escapechar} and {@code doublequote=False}: a quote or escape character in a value
 * gets the escape character before it; a value holding the delimiter, a CR or a LF is quoted,
 * its line breaks written as they are inside the quotes. Records end with {@code \n}.
 */
final class EscapedRecords {
  private final Writer out;
  private final char delimiter;
  private final char quote;
  private final char escape;

  EscapedRecords(Writer out, CsvDialect dialect) {
    this.out = out;
    this.delimiter = dialect.delimiter();
    this.quote = dialect.quote();
    this.escape = dialect.escape();
  }

  void write(String[] record) throws IOException {
    for (int i = 0; i < record.length; i++) {
      if (i > 0) {
        out.write(delimiter);
      }
      if (record[i] != null) {
        field(record[i]);
      }
    }
    out.write('\n');
  }

  private void field(String value) throws IOException {
    boolean quoted = needsQuotes(value);
    if (quoted) {
      out.write(quote);
    }
    int plain = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == quote || c == escape) {
        out.write(value, plain, i - plain);
        out.write(escape);
        plain = i;
      }
    }
    out.write(value, plain, value.length() - plain);
    if (quoted) {
      out.write(quote);
    }
  }

  private boolean needsQuotes(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == delimiter || c == '\n' || c == '\r') {
        return true;
      }
    }
    return false;
  }
}
