package io.tdx.load;

import io.tdx.csv.RawRecords;
import io.tdx.service.Column;
import io.tdx.service.ColumnType;

/**
 * The texts of a column that a database engine reads as exactly the value {@link Column#parse}
 * makes of them, checked on their bytes: plain decimal digits within the column's bounds, ISO
 * dates, lower-case booleans, UUIDs. Other texts (a sign, blanks, an exponent, too many
 * digits, anything invalid) go through the Java parser, which decides and says why.
 */
public final class FieldSyntax {
  private FieldSyntax() {
  }

  /** Whether every text of the column is either in such a form or left to the Java parser (not a date-time or a formatted date). */
  public static boolean readable(Column column) {
    return switch (column.type()) {
      case DATETIME -> false;
      case DATE -> column.dateFormat() == null;
      case FLOAT -> column.checks().isEmpty(); // a double's bound compares in decimal in Java, in binary in SQL
      default -> true;
    };
  }

  /** The syntax of the column's texts the engine reads itself; null: any text (a string). */
  public static RawRecords.Syntax of(Column column) {
    return switch (column.type()) {
      case STRING -> null;
      case INT -> (b, from, to) -> number(b, from, to, 18, 0);
      case DECIMAL -> (b, from, to) -> number(b, from, to, column.precision() - column.scale(), column.scale());
      case FLOAT -> (b, from, to) -> number(b, from, to, 15, 15);
      case BOOLEAN -> FieldSyntax::bool;
      case DATE -> FieldSyntax::isoDate;
      case UUID -> FieldSyntax::uuid;
      case DATETIME -> (b, from, to) -> false;
    };
  }

  /**
   * The texts {@link #of} accepts as a regular expression matched against a whole text (ASCII
   * classes only); null for a string, which any text is; "" where no text is (a decimal with no
   * integer digits), for the Java parser to decide.
   */
  public static String pattern(Column column) {
    return switch (column.type()) {
      case STRING -> null;
      case INT -> number(18, 0);
      case DECIMAL -> number(column.precision() - column.scale(), column.scale());
      case FLOAT -> number(15, 15);
      case BOOLEAN -> "0|1|true|false";
      case DATE -> "[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}";
      case UUID -> "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";
      case DATETIME -> "";
    };
  }

  private static String number(int integers, int fraction) {
    if (integers <= 0) {
      return "";
    }
    return "-?[0-9]{1," + integers + "}" + (fraction > 0 ? "(\\.[0-9]{1," + fraction + "})?" : "");
  }

  /** {@code -?D{1,integers}(.D{1,fraction})?} */
  static boolean number(byte[] b, int from, int to, int integers, int fraction) {
    int p = from;
    if (p < to && b[p] == '-') {
      p++;
    }
    int digits = 0;
    while (p < to && b[p] >= '0' && b[p] <= '9') {
      p++;
      digits++;
    }
    if (digits == 0 || digits > integers) {
      return false;
    }
    if (p == to) {
      return true;
    }
    if (b[p] != '.' || fraction == 0) {
      return false;
    }
    p++;
    int decimals = 0;
    while (p < to && b[p] >= '0' && b[p] <= '9') {
      p++;
      decimals++;
    }
    return p == to && decimals > 0 && decimals <= fraction;
  }

  private static boolean bool(byte[] b, int from, int to) {
    int length = to - from;
    if (length == 1) {
      return b[from] == '0' || b[from] == '1';
    }
    return length == 4 && b[from] == 't' && b[from + 1] == 'r' && b[from + 2] == 'u' && b[from + 3] == 'e'
      || length == 5 && b[from] == 'f' && b[from + 1] == 'a' && b[from + 2] == 'l' && b[from + 3] == 's' && b[from + 4] == 'e';
  }

  /** {@code YYYY-MM-DD} with a year from 1000: whether the day exists is the engine's to say (TRY_CAST). */
  private static boolean isoDate(byte[] b, int from, int to) {
    if (to - from != 10 || b[from + 4] != '-' || b[from + 7] != '-' || b[from] == '0') {
      return false;
    }
    for (int i = 0; i < 10; i++) {
      if (i != 4 && i != 7 && (b[from + i] < '0' || b[from + i] > '9')) {
        return false;
      }
    }
    return true;
  }

  private static boolean uuid(byte[] b, int from, int to) {
    if (to - from != 36) {
      return false;
    }
    for (int i = 0; i < 36; i++) {
      byte c = b[from + i];
      boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
      if (dash ? c != '-' : !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F')) {
        return false;
      }
    }
    return true;
  }

  /** Whether a column type is read by a cast ({@code false}: a string, read as it is). */
  public static boolean cast(ColumnType type) {
    return type != ColumnType.STRING;
  }
}
