package io.tdx.workspace;

import io.tdx.service.Column;
import io.tdx.service.ServiceDefinition;
import java.io.IOException;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * What one database engine supplies to the engine-neutral workspace: connections, its SQL, how
 * validated rows reach a staging table, and which of its failures mean what. An engine is opened
 * by its {@link WorkspaceDriver}.
 */
public interface Engine extends AutoCloseable {

  Dialect dialect();

  /** A connection of its own for one session, in auto-commit mode, with the statements prepared on it. */
  EngineConnection lend() throws SQLException;

  /**
   * Takes back a session's connection. A {@code clean} one (in auto-commit mode, its temporary
   * tables dropped) may be lent again with its prepared statements where the engine keeps
   * connections itself; otherwise it is closed.
   */
  void giveBack(EngineConnection lent, boolean clean);

  /**
   * Whether write transactions must take turns in this process (an embedded engine that fails
   * conflicting writers instead of making them wait); a server database lets them run at once.
   */
  boolean writersTakeTurns();

  /** Rows of one large import into a staging table; nothing else runs on the connection until the sink is finished. */
  RowSink bulkRows(Connection connection, String table, List<Column> columns) throws SQLException;

  /**
   * How the engine reads CSV files itself, for large imports that it parses and validates in SQL
   * ({@link EngineCsvStager}); null where rows reach staging through {@link #bulkRows}.
   */
  default CsvFiles csvFiles() {
    return null;
  }

  /** Rows of small parts into a staging table; several such sinks may be open on one connection at once. */
  RowSink smallRows(Connection connection, String table, List<Column> columns) throws SQLException;

  /** Called once a staging table holds all its rows (e.g. to gather statistics for the merge's plans). */
  default void staged(Connection connection, String table, long rows) throws SQLException {
  }

  /** Drops the temporary tables a session made; its connection goes back to the engine afterwards. */
  void dropTemporary(Connection connection, List<String> tables) throws SQLException;

  /** Whether a transaction that failed so is worth running again (a serialization failure, a deadlock). */
  boolean retryable(SQLException failure);

  /** Whether the failure means the database cannot be reached or the connection was lost. */
  boolean unavailable(SQLException failure);

  /**
   * Called when a session's connection failed so that {@link #unavailable} recognised it: the connections
   * the engine keeps for later sessions are likely gone too (the database restarted, or its
   * sessions were ended), so a pool opens new ones rather than hand out one dead connection
   * after another.
   */
  default void connectionLost() {
  }

  /** Whether the database gave up waiting: a lock or a statement took longer than the configured timeouts allow. */
  boolean busy(SQLException failure);

  /** A short description for logs: the engine and where it is. */
  String describe();

  /**
   * Writes the service's table as CSV, header first, ordered by key, on the session's
   * connection (in its transaction): row by row ({@link Exporter}) unless the engine writes the
   * same bytes itself.
   */
  default ExportSummary export(Connection connection, ServiceDefinition service, OutputStream csv)
    throws SQLException, IOException {
    return Exporter.export(connection, dialect(), service, csv);
  }

  /**
   * How its connections are used now, for the metrics: {@code active} (lent), {@code idle}
   * (kept for the next session), {@code pending} (sessions waiting for one), {@code max}.
   * Read from any thread.
   */
  java.util.Map<String, Integer> connections();

  @Override
  void close();
}
