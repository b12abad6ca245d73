package io.tdx.service;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAccessor;
import java.util.Locale;
import java.util.UUID;

/**
 * The column types a file definition may declare. Each type turns CSV text into a typed Java
 * value (rejecting what does not fit) and a typed value back into CSV text; the two are
 * inverse for every value the type accepts in its canonical form.
 */
public enum ColumnType {
  STRING, INT, FLOAT, DECIMAL, BOOLEAN, DATE, DATETIME, UUID;

  /** Default precision and scale of a {@code decimal} column that declares none. */
  public static final int DEFAULT_PRECISION = 38;
  public static final int DEFAULT_SCALE = 10;

  public static ColumnType named(String name) {
    try {
      return valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown type '" + name
        + "' (expected string, int, float, decimal, boolean, date, datetime or uuid)");
    }
  }

  public String jsonName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses non-empty CSV text (NUL refused in every type); throws {@link IllegalArgumentException} with a reason. */
  Object parse(String text, Column column) {
    refuseNul(text);
    return switch (this) {
      case STRING -> text;
      case INT -> parseLong(text.strip());
      case FLOAT -> parseDouble(text.strip());
      case DECIMAL -> parseDecimal(text.strip(), column);
      case BOOLEAN -> parseBoolean(text.strip());
      case DATE -> parseDate(text.strip(), column.dateFormat());
      case DATETIME -> parseDateTime(text.strip());
      case UUID -> parseUuid(text.strip());
    };
  }

  /** The canonical CSV text of a typed value. */
  String format(Object value, Column column) {
    return switch (this) {
      case DECIMAL -> formatDecimal((BigDecimal) value, column);
      case DATE -> column.dateFormat() == null ? value.toString() : column.dateFormat().format((LocalDate) value);
      case DATETIME -> DateTimeFormatter.ISO_INSTANT.format(((LocalDateTime) value).toInstant(ZoneOffset.UTC));
      default -> value.toString();
    };
  }

  /**
   * No value of any type may hold NUL (U+0000): PostgreSQL's text cannot store it, and a key with
   * it would not round-trip through every client. The value is not echoed, as its NUL would be.
   */
  private static void refuseNul(String text) {
    int nul = text.indexOf('\0');
    if (nul >= 0) {
      throw new IllegalArgumentException("a NUL character (U+0000) at position " + (nul + 1) + " cannot be stored");
    }
  }

  private static Long parseLong(String text) {
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is not an integer");
    }
  }

  private static Double parseDouble(String text) {
    try {
      double value = Double.parseDouble(text);
      if (!Double.isFinite(value)) {
        throw new NumberFormatException();
      }
      if (text.endsWith("d") || text.endsWith("D") || text.endsWith("f") || text.endsWith("F")) {
        throw new NumberFormatException();
      }
      return value;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is not a finite number");
    }
  }

  private static BigDecimal parseDecimal(String text, Column column) {
    BigDecimal value;
    try {
      value = new BigDecimal(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is not a decimal number");
    }
    if (value.scale() > column.scale()) {
      BigDecimal stripped = value.stripTrailingZeros();
      if (stripped.scale() > column.scale()) {
        throw new IllegalArgumentException("'" + text + "' has more than " + column.scale() + " decimal places");
      }
    }
    BigDecimal scaled = value.setScale(column.scale());
    if (scaled.precision() > column.precision()) {
      throw new IllegalArgumentException("'" + text + "' has more than " + (column.precision() - column.scale())
        + " integer digits");
    }
    return scaled;
  }

  private static String formatDecimal(BigDecimal value, Column column) {
    BigDecimal scaled = column.declaresScale() ? value.setScale(column.scale()) : value.stripTrailingZeros();
    return scaled.toPlainString();
  }

  private static Boolean parseBoolean(String text) {
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "true", "1" -> Boolean.TRUE;
      case "false", "0" -> Boolean.FALSE;
      default -> throw new IllegalArgumentException("'" + text + "' is not a boolean (true, false, 1 or 0)");
    };
  }

  private static LocalDate parseDate(String text, DateTimeFormatter format) {
    try {
      return format == null ? LocalDate.parse(text) : LocalDate.parse(text, format);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("'" + text + "' is not a date"
        + (format == null ? " (yyyy-MM-dd)" : " in the declared format"));
    }
  }

  /** ISO-8601 with an offset, or without one (read as UTC); stored as a UTC timestamp. */
  private static LocalDateTime parseDateTime(String text) {
    try {
      TemporalAccessor parsed = DateTimeFormatter.ISO_DATE_TIME.parseBest(text, OffsetDateTime::from, LocalDateTime::from);
      if (parsed instanceof OffsetDateTime offset) {
        return LocalDateTime.ofInstant(offset.toInstant(), ZoneOffset.UTC);
      }
      return (LocalDateTime) parsed;
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("'" + text + "' is not an ISO-8601 date-time");
    }
  }

  private static UUID parseUuid(String text) {
    if (text.length() != 36) {
      throw new IllegalArgumentException("'" + text + "' is not a UUID");
    }
    try {
      return java.util.UUID.fromString(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + text + "' is not a UUID");
    }
  }

}
