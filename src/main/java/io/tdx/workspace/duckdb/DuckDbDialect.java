package io.tdx.workspace.duckdb;

import io.tdx.service.Column;
import io.tdx.workspace.Dialect;

/** DuckDB's SQL where it differs. */
final class DuckDbDialect implements Dialect {
  static final DuckDbDialect TYPES = new DuckDbDialect();

  /** DuckDB's {@code hash(...)}: a 1M-row file's keys group by it in half the time they group by themselves. */
  @Override
  public String hash(String columns) {
    return "hash(" + columns + ")";
  }

  @Override
  public String type(Column column) {
    return switch (column.type()) {
      case STRING -> "VARCHAR";
      case INT -> "BIGINT";
      case FLOAT -> "DOUBLE";
      case DECIMAL -> "DECIMAL(" + column.precision() + "," + column.scale() + ")";
      case BOOLEAN -> "BOOLEAN";
      case DATE -> "DATE";
      case DATETIME -> "TIMESTAMP";
      case UUID -> "UUID";
    };
  }

  @Override
  public String timestampType() {
    return "TIMESTAMP";
  }

  @Override
  public String columnsQuery() {
    return "SELECT column_name, data_type, is_nullable FROM information_schema.columns "
      + "WHERE table_schema = 'main' AND lower(table_name) = lower(?) ORDER BY ordinal_position";
  }

  @Override
  public String smallest(String column, int n) {
    return "min(" + column + ", " + n + ")";
  }

  @Override
  public String createdOf(String document, String finished) {
    return "coalesce(TRY_CAST(json_extract_string(" + document + ", '$.created') AS TIMESTAMP), " + finished + ")";
  }

  /** A DuckDB primary key is an index held in memory: tables keep keys unique through the server instead. */
  @Override
  public boolean enforcesKeys() {
    return false;
  }
}
