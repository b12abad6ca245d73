package io.tdx.service;

import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * One column of a file definition: its CSV name, its type, whether it belongs to the key,
 * whether a value may be absent, the checks every value must pass and the service whose key
 * it references, if any.
 */
public record Column(
  String name,
  ColumnType type,
  boolean key,
  boolean optional,
  int precision,
  int scale,
  boolean declaresScale,
  String datePattern,
  DateTimeFormatter dateFormat,
  List<Check> checks,
  Reference reference) {

  /** Parses the CSV text of a non-empty value; throws {@link IllegalArgumentException} with a reason. */
  public Object parse(String text) {
    return type.parse(text, this);
  }

  /** The canonical CSV text of a typed value of this column. */
  public String format(Object value) {
    return value == null ? "" : type.format(value, this);
  }

  /** The first check the value fails, described for the error file, or null. */
  public String violation(Object value) {
    for (Check check : checks) {
      if (!check.test(value)) {
        return name + " must be " + check.description();
      }
    }
    return null;
  }

  public boolean required() {
    return !optional;
  }
}
