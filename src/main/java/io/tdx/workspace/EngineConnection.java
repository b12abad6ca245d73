package io.tdx.workspace;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * One of an engine's connections, lent to a session ({@link Engine#lend}) with the statements
 * prepared on it; the session gives it back when it closes ({@link Engine#giveBack}).
 */
public record EngineConnection(Connection connection, StatementCache statements) {

  /** A connection with no statements prepared yet. */
  public EngineConnection(Connection connection) {
    this(connection, new StatementCache(connection));
  }

  /** Closes the statements, then the connection. */
  public void close() {
    statements.close();
    try {
      connection.close();
    } catch (SQLException ignored) {
      // nothing more to release
    }
  }
}
