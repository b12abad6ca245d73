package io.tdx.workspace;

import io.tdx.service.Column;
import io.tdx.service.ColumnType;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

/** SQL text and JDBC values for declared columns. */
public final class Sql {
  private Sql() {
  }

  public static String quote(String identifier) {
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }

  public static String literal(String text) {
    return "'" + text.replace("'", "''") + "'";
  }

  public static String columnList(List<Column> columns, String qualifier) {
    return columns.stream().map(c -> qualifier + quote(c.name())).collect(Collectors.joining(", "));
  }

  /** A query of one count: 1 if the table holds a row, else 0 (it reads one row at most). */
  public static String countFirstRow(String table) {
    return "SELECT count(*) FROM (SELECT 1 FROM " + quote(table) + " LIMIT 1) t";
  }

  /** {@code a.k1 = b.k1 AND a.k2 = b.k2} over the given key columns. */
  public static String keysMatch(List<Column> keys, String left, String right) {
    return keys.stream()
      .map(k -> left + "." + quote(k.name()) + " = " + right + "." + quote(k.name()))
      .collect(Collectors.joining(" AND "));
  }

  /** Reads a column's typed value (null for SQL NULL) as {@link Column#parse} would produce it. */
  public static Object read(ResultSet rows, int index, ColumnType type) throws SQLException {
    Object value = switch (type) {
      case STRING -> rows.getString(index);
      case INT -> rows.getLong(index);
      case FLOAT -> rows.getDouble(index);
      case DECIMAL -> rows.getBigDecimal(index);
      case BOOLEAN -> rows.getBoolean(index);
      case DATE -> rows.getObject(index, LocalDate.class);
      case DATETIME -> rows.getObject(index, LocalDateTime.class);
      case UUID -> rows.getObject(index, UUID.class);
    };
    return rows.wasNull() ? null : value;
  }

}
