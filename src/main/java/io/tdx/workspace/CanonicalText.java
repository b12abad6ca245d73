package io.tdx.workspace;

import io.tdx.csv.CsvRowWriter;
import io.tdx.service.Column;
import io.tdx.service.CsvDialect;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * Validated values as the text an engine's own CSV loader reads back exactly: plain decimals,
 * ISO dates, timestamps to the microsecond (UTC), and null as nothing at all (a staged string is
 * never empty).
 */
public final class CanonicalText {
  /** The CSV dialect staged rows are written in for an engine's loader: comma, double quotes, no escape. */
  public static final CsvDialect CSV = new CsvDialect(',', '"', (char) 0);
  private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSS");

  private CanonicalText() {
  }

  /**
   * Writes a validated row of part {@code part} of transaction {@code txn}, from CSV line
   * {@code line}, as a staging table's row in canonical CSV: {@code fields} is reused, its
   * length three more than the columns'.
   */
  public static void writeRow(CsvRowWriter writer, String[] fields, List<Column> columns, int txn, int part, long line,
                              Object[] values) throws IOException {
    fields[0] = Integer.toString(txn);
    fields[1] = Integer.toString(part);
    fields[2] = Long.toString(line);
    for (int i = 0; i < values.length; i++) {
      fields[i + 3] = of(columns.get(i), values[i]);
    }
    writer.write(fields);
  }

  public static String of(Column column, Object value) {
    if (value == null) {
      return null;
    }
    return switch (column.type()) {
      case DECIMAL -> ((BigDecimal) value).toPlainString();
      case DATE -> DateTimeFormatter.ISO_LOCAL_DATE.format((LocalDate) value);
      case DATETIME -> TIMESTAMP.format((LocalDateTime) value);
      default -> value.toString();
    };
  }
}
