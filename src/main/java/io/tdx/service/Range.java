package io.tdx.service;

import java.util.ArrayList;
import java.util.List;

import java.math.BigDecimal;
import java.util.function.Function;

/** A range or comparison check on comparable values (numbers, dates) or on string lengths. */
final class Range implements Check {
  private final Comparable<Object> low;
  private final boolean lowInclusive;
  private final Comparable<Object> high;
  private final boolean highInclusive;
  private final String text;
  private final boolean onLength;

  private Range(Object low, boolean lowInclusive, Object high, boolean highInclusive, String text, boolean onLength) {
    this.low = comparable(low);
    this.lowInclusive = lowInclusive;
    this.high = comparable(high);
    this.highInclusive = highInclusive;
    this.text = text;
    this.onLength = onLength;
  }

  static Range parse(String spec, String what, Function<String, Object> parser) {
    String prefix = what.isEmpty() ? "" : what + " ";
    for (String op : new String[] {">=", "<=", ">", "<"}) {
      if (spec.startsWith(op)) {
        Object bound = bound(spec.substring(op.length()).strip(), parser, spec);
        boolean inclusive = op.length() == 2;
        String text = prefix + op + " " + spec.substring(op.length()).strip();
        return op.startsWith(">")
          ? new Range(bound, inclusive, null, false, text, false)
          : new Range(null, false, bound, inclusive, text, false);
      }
    }
    int dots = spec.indexOf("..");
    if (dots < 0) {
      throw new IllegalArgumentException("check '" + spec + "' is not a range (A..B) or a comparison (>= A)");
    }
    String lowText = spec.substring(0, dots).strip();
    String highText = spec.substring(dots + 2).strip();
    Object low = lowText.isEmpty() ? null : bound(lowText, parser, spec);
    Object high = highText.isEmpty() ? null : bound(highText, parser, spec);
    if (low == null && high == null) {
      throw new IllegalArgumentException("check '" + spec + "' has no bound");
    }
    return new Range(low, true, high, true, (what.isEmpty() ? "in " : prefix + "in ") + spec, false);
  }

  Range onLength() {
    return new Range(low, lowInclusive, high, highInclusive, text, true);
  }

  private static Object bound(String text, Function<String, Object> parser, String spec) {
    try {
      Object value = parser.apply(text);
      return value instanceof Long l ? BigDecimal.valueOf(l) : value instanceof Double d ? BigDecimal.valueOf(d) : value;
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("check '" + spec + "': bound " + e.getMessage());
    }
  }

  @SuppressWarnings("unchecked")
  private static Comparable<Object> comparable(Object value) {
    return (Comparable<Object>) value;
  }

  @Override
  public boolean test(Object value) {
    Object v = onLength ? BigDecimal.valueOf(value.toString().codePointCount(0, value.toString().length())) : normal(value);
    if (low != null) {
      int c = low.compareTo(v);
      if (c > 0 || (c == 0 && !lowInclusive)) {
        return false;
      }
    }
    if (high != null) {
      int c = high.compareTo(v);
      return c > 0 || (c == 0 && highInclusive);
    }
    return true;
  }

  private static Object normal(Object value) {
    if (value instanceof Long l) {
      return BigDecimal.valueOf(l);
    }
    if (value instanceof Double d) {
      return BigDecimal.valueOf(d);
    }
    return value;
  }

  /** Bounds compared in SQL: numbers (and lengths) as exact decimal literals, dates as DATE literals. */
  @Override
  public String sql(String value) {
    String subject = onLength ? "length(" + value + ")" : value;
    List<String> conditions = new ArrayList<>();
    if (low != null) {
      String bound = literal(low);
      if (bound == null) {
        return null;
      }
      conditions.add(subject + (lowInclusive ? " >= " : " > ") + bound);
    }
    if (high != null) {
      String bound = literal(high);
      if (bound == null) {
        return null;
      }
      conditions.add(subject + (highInclusive ? " <= " : " < ") + bound);
    }
    return "(" + String.join(" AND ", conditions) + ")";
  }

  private static String literal(Object bound) {
    if (bound instanceof BigDecimal number) {
      return number.toPlainString();
    }
    if (bound instanceof java.time.LocalDate date) {
      return "DATE '" + date + "'";
    }
    return null;
  }

  @Override
  public String description() {
    return text;
  }
}
