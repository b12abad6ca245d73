package io.tdx.service;

import java.math.BigDecimal;
import java.util.regex.Pattern;

/**
 * A constraint on a column's values, declared as text in the configuration:
 * {@code 1..53}, {@code 1..}, {@code ..53}, {@code >= 0}, {@code > 0}, {@code <= 9}, {@code < 9}
 * for numbers and dates, {@code length 1..20} and {@code pattern [A-Z0-9-]+} for strings.
 */
public interface Check {

  boolean test(Object value);

  /** What a valid value is, as in "WEEK must be in 1..53". */
  String description();

  /**
   * The check as a SQL condition on {@code value} (an expression of the column's SQL type),
   * true exactly when {@link #test} is; null when SQL cannot say the same (a Java pattern).
   */
  default String sql(String value) {
    return null;
  }

  static Check parse(String text, Column column) {
    String spec = text.strip();
    if (spec.startsWith("length ")) {
      return Range.parse(spec.substring(7).strip(), "length", BigDecimal::new).onLength();
    }
    if (spec.startsWith("pattern ")) {
      Pattern pattern = Pattern.compile(spec.substring(8).strip());
      return new Check() {
        public boolean test(Object value) {
          return pattern.matcher(value.toString()).matches();
        }

        public String description() {
          return "matching " + pattern.pattern();
        }
      };
    }
    if (column.type() == ColumnType.STRING || column.type() == ColumnType.BOOLEAN || column.type() == ColumnType.UUID) {
      throw new IllegalArgumentException("check '" + text + "' does not apply to a " + column.type().jsonName()
        + " column (use 'length A..B' or 'pattern REGEX')");
    }
    return Range.parse(spec, "", column::parse);
  }
}
