package io.tdx.workspace;

import io.tdx.service.Column;
import io.tdx.service.CsvDialect;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

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
