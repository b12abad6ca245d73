package io.tdx.workspace.postgres;

import io.tdx.service.Column;
import io.tdx.service.ColumnType;
import io.tdx.workspace.Dialect;
import io.tdx.workspace.Sql;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.postgresql.PGStatement;

/** PostgreSQL's SQL where it differs. Types are spelled as {@code format_type} reports them. */
final class PostgresDialect implements Dialect {
  static final PostgresDialect INSTANCE = new PostgresDialect();
  private static final String TIMESTAMP = "timestamp with time zone";

  @Override
  public String type(Column column) {
    return switch (column.type()) {
      case STRING -> "text";
      case INT -> "bigint";
      case FLOAT -> "double precision";
      case DECIMAL -> "numeric(" + column.precision() + "," + column.scale() + ")";
      case BOOLEAN -> "boolean";
      case DATE -> "date";
      case DATETIME -> TIMESTAMP;
      case UUID -> "uuid";
    };
  }

  @Override
  public String timestampType() {
    return TIMESTAMP;
  }

  @Override
  public String columnsQuery() {
    return "SELECT a.attname, format_type(a.atttypid, a.atttypmod), CASE WHEN a.attnotnull THEN 'NO' ELSE 'YES' END"
      + " FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
      + " WHERE n.nspname = current_schema() AND lower(c.relname) = lower(?) AND c.relkind IN ('r', 'p')"
      + " AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum";
  }

  @Override
  public String smallest(String column, int n) {
    return "(array_agg(" + column + " ORDER BY " + column + "))[1:" + n + "]";
  }

  @Override
  public String createdOf(String document, String finished) {
    return "coalesce(CAST(CAST(" + document + " AS json) ->> 'created' AS " + TIMESTAMP + "), " + finished + ")";
  }

  @Override
  public void lockSchema(java.sql.Connection connection) throws SQLException {
    try (java.sql.Statement statement = connection.createStatement()) {
      statement.execute("SELECT pg_advisory_xact_lock(hashtext('tdx schema ' || current_schema()))");
    }
  }

  @Override
  public boolean enforcesKeys() {
    return true;
  }

  /** A {@code timestamptz} comes back as the UTC date-time it was stored as. */
  @Override
  public Object read(ResultSet rows, int index, ColumnType type) throws SQLException {
    if (type != ColumnType.DATETIME) {
      return Sql.read(rows, index, type);
    }
    OffsetDateTime value = rows.getObject(index, OffsetDateTime.class);
    return value == null ? null : value.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
  }

  /** Never prepared on the server: each run is parsed and planned with its parameters (a custom plan). */
  @Override
  public void planEachRun(PreparedStatement statement) throws SQLException {
    statement.unwrap(PGStatement.class).setPrepareThreshold(0);
  }
}
