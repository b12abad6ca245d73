package io.tdx.workspace.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import io.tdx.config.ConfigException;
import io.tdx.config.TdxConfig;
import io.tdx.config.WorkspaceConfig;
import io.tdx.service.Column;
import io.tdx.workspace.Dialect;
import io.tdx.workspace.Engine;
import io.tdx.workspace.EngineConnection;
import io.tdx.workspace.RowSink;
import io.tdx.workspace.Sql;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;

/**
 * A PostgreSQL workspace through a HikariCP pool: each session borrows a connection, whose
 * settings (the schema, UTC, the timeouts) are made when it is opened. Writers run at once and
 * wait on PostgreSQL's own locks; a transaction that loses a serialization conflict or a deadlock
 * is run again. A database that goes away makes jobs fail with 503 until the pool reaches it again.
 */
final class PostgresEngine implements Engine {
  /** Staging tables of at least this many rows get statistics before the merge is planned. */
  static final long ANALYZE_ROWS = 10_000;
  /** Serialization failure, deadlock, and a foreign key broken by a concurrent commit (the merge's own check then names the rows). */
  private static final Set<String> RETRYABLE = Set.of("40001", "40P01", "23503");
  /** Shutting down, cannot connect now, too many connections. */
  private static final Set<String> UNAVAILABLE = Set.of("57P01", "57P02", "57P03", "53300");
  /** lock_timeout (lock_not_available) and statement_timeout (query_canceled: the server cancels no statement itself). */
  private static final Set<String> BUSY = Set.of("55P03", "57014");
  private final HikariDataSource pool;
  private final String where;
  private final Path spill;

  @Override
  public java.util.Map<String, Integer> connections() {
    var pool = this.pool.getHikariPoolMXBean();
    return pool == null ? java.util.Map.of() : java.util.Map.of("active", pool.getActiveConnections(), "idle",
      pool.getIdleConnections(), "pending", pool.getThreadsAwaitingConnection(), "max", this.pool.getMaximumPoolSize());
  }

  private PostgresEngine(HikariDataSource pool, String where, Path spill) {
    this.pool = pool;
    this.where = where;
    this.spill = spill;
  }

  static PostgresEngine open(TdxConfig config) {
    WorkspaceConfig workspace = config.workspace();
    String where = withoutSecrets(workspace.url()) + " (schema " + workspace.schema() + ")";
    HikariConfig hikari = new HikariConfig();
    hikari.setPoolName("tdx-workspace");
    hikari.setJdbcUrl(workspace.url());
    hikari.setMaximumPoolSize(workspace.poolSize());
    hikari.setMinimumIdle(Math.min(2, workspace.poolSize()));
    hikari.setConnectionTimeout(workspace.connectSeconds() * 1000L);
    hikari.setInitializationFailTimeout(workspace.connectSeconds() * 1000L);
    hikari.setValidationTimeout(Math.min(workspace.connectSeconds() * 1000L, 5000));
    hikari.setConnectionInitSql("SET search_path TO " + Sql.quote(workspace.schema()) + "; SET TIME ZONE 'UTC'; "
      + "SET statement_timeout = " + workspace.statementTimeoutSeconds() * 1000L + "; "
      + "SET lock_timeout = " + workspace.lockTimeoutSeconds() * 1000L);
    hikari.addDataSourceProperty("ApplicationName", "tdx");
    hikari.addDataSourceProperty("tcpKeepAlive", "true");
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(hikari);
    } catch (HikariPool.PoolInitializationException e) {
      throw new ConfigException("cannot open workspace " + where + ": " + rootMessage(e));
    }
    try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
      try {
        statement.execute("CREATE SCHEMA IF NOT EXISTS " + Sql.quote(workspace.schema()));
      } catch (SQLException e) {
        // IF NOT EXISTS does not hold against a race: another node starting at the same moment made it (23505); it is there
        if (!"23505".equals(e.getSQLState())) {
          throw e;
        }
      }
      String version = connection.getMetaData().getDatabaseProductVersion();
      if (connection.getMetaData().getDatabaseMajorVersion() < 15) {
        throw new ConfigException("workspace " + where + ": PostgreSQL " + version + " is too old; 15 or later is needed");
      }
    } catch (SQLException e) {
      pool.close();
      throw new ConfigException("cannot open workspace " + where + ": " + e.getMessage());
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
    return new PostgresEngine(pool, where, config.dataDir().resolve("tmp").resolve("copy"));
  }

  /** The URL without a password, for logs and messages. */
  static String withoutSecrets(String url) {
    return url.replaceAll("(?i)(password=)[^&]*", "$1***");
  }

  private static String rootMessage(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause.getMessage();
  }

  @Override
  public Dialect dialect() {
    return PostgresDialect.INSTANCE;
  }

  @Override
  public EngineConnection lend() throws SQLException {
    return new EngineConnection(pool.getConnection());
  }

  /**
   * The pool keeps the connection; its statements go (the pool closes a borrower's statements
   * anyway). The driver keeps each connection's parsed queries itself.
   */
  @Override
  public void giveBack(EngineConnection lent, boolean clean) {
    lent.close();
  }

  @Override
  public boolean writersTakeTurns() {
    return false;
  }

  @Override
  public RowSink bulkRows(Connection connection, String table, List<Column> columns) throws SQLException {
    return CopySink.open(connection, table, columns);
  }

  @Override
  public RowSink smallRows(Connection connection, String table, List<Column> columns) throws SQLException {
    try {
      return new SpooledCopySink(connection, table, columns, spill);
    } catch (IOException e) {
      throw new SQLException("cannot stage rows for " + table, e);
    }
  }

  @Override
  public void staged(Connection connection, String table, long rows) throws SQLException {
    if (rows >= ANALYZE_ROWS) {
      try (Statement statement = connection.createStatement()) {
        statement.execute("ANALYZE " + table);
      }
    }
  }

  /** Every temporary table of the connection goes: the pool hands it to the next session clean. */
  @Override
  public void dropTemporary(Connection connection, List<String> tables) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute("DISCARD TEMP");
    }
  }

  @Override
  public boolean retryable(SQLException failure) {
    return RETRYABLE.contains(failure.getSQLState());
  }

  @Override
  public boolean unavailable(SQLException failure) {
    String state = failure.getSQLState();
    return failure instanceof SQLTransientConnectionException
      || state != null && (state.startsWith("08") || UNAVAILABLE.contains(state));
  }

  /** Idle connections are closed now, busy ones when they come back; Hikari opens new ones as sessions need them. */
  @Override
  public void connectionLost() {
    pool.getHikariPoolMXBean().softEvictConnections();
  }

  @Override
  public boolean busy(SQLException failure) {
    return BUSY.contains(failure.getSQLState());
  }

  @Override
  public String describe() {
    return where;
  }

  @Override
  public void close() {
    pool.close();
  }
}
