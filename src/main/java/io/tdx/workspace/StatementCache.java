package io.tdx.workspace;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The prepared statements of one connection, by SQL text: a statement the small-transaction
 * path runs on every commit is parsed and planned once, not each time (on DuckDB that costs
 * more than running it). The least recently used statement is closed past {@link #CAPACITY}.
 * Callers bind every parameter each time, close the result sets, and never close a statement
 * themselves; the cache closes them when its connection is closed. A statement the driver closed
 * (DuckDB's, when it fails) is prepared again. One session uses it at a time.
 */
public final class StatementCache implements AutoCloseable {
  /** Statements kept per connection: a few per service and shape of part, and the records'. */
  static final int CAPACITY = 64;
  private final Connection connection;
  private final Map<String, PreparedStatement> statements = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, PreparedStatement> eldest) {
      if (size() <= CAPACITY) {
        return false;
      }
      closeQuietly(eldest.getValue());
      return true;
    }
  };

  public StatementCache(Connection connection) {
    this.connection = connection;
  }

  /** The connection's statement for this SQL, prepared now if it has none open. */
  public PreparedStatement prepare(String sql) throws SQLException {
    PreparedStatement statement = statements.get(sql);
    if (statement == null || statement.isClosed()) {
      statement = connection.prepareStatement(sql);
      statements.put(sql, statement);
    }
    return statement;
  }

  /** The connection the statements are prepared on. */
  public Connection connection() {
    return connection;
  }

  int size() {
    return statements.size();
  }

  @Override
  public void close() {
    statements.values().forEach(StatementCache::closeQuietly);
    statements.clear();
  }

  private static void closeQuietly(PreparedStatement statement) {
    try {
      statement.close();
    } catch (SQLException ignored) {
      // the statement goes with its connection anyway
    }
  }
}
