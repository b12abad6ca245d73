package io.tdx.workspace.postgres;

import io.tdx.service.Column;
import io.tdx.workspace.CanonicalRows;
import io.tdx.workspace.RowSink;
import io.tdx.workspace.Sql;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.postgresql.PGConnection;
import org.postgresql.copy.PGCopyOutputStream;

/**
 * Rows streamed into a staging table through one {@code COPY ... FROM STDIN} (the driver's copy
 * protocol), as the canonical CSV that PostgreSQL's own loader reads: no row-at-a-time inserts,
 * and nothing held beyond the driver's buffer. The connection serves nothing else until the
 * sink is finished or closed.
 */
final class CopySink implements RowSink {
  private final PGCopyOutputStream copy;
  private final CanonicalRows rows;
  private boolean finished;

  private CopySink(PGCopyOutputStream copy, List<Column> columns) throws IOException {
    this.copy = copy;
    this.rows = new CanonicalRows(copy, columns);
  }

  static CopySink open(Connection connection, String table, List<Column> columns) throws SQLException {
    PGCopyOutputStream copy = new PGCopyOutputStream(connection.unwrap(PGConnection.class), copyInto(table, columns), 1 << 16);
    try {
      return new CopySink(copy, columns);
    } catch (IOException e) {
      throw new SQLException("cannot start the copy into " + table, e);
    }
  }

  /** The {@code COPY} of a staging table's columns from canonical CSV. */
  static String copyInto(String table, List<Column> columns) {
    return "COPY " + table + " (__txn, __part, __line, " + Sql.columnList(columns, "") + ") FROM STDIN WITH (FORMAT csv)";
  }

  @Override
  public void add(int txn, int part, long line, Object[] values) throws IOException {
    rows.add(txn, part, line, values);
  }

  @Override
  public void finish() throws IOException, SQLException {
    rows.flush();
    copy.flush();
    finished = true;
    copy.endCopy();
  }

  /** A copy not finished is cancelled: the staging table keeps none of its rows. */
  @Override
  public void close() throws SQLException {
    if (!finished && copy.isActive()) {
      copy.cancelCopy();
    }
  }
}
