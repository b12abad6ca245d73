package io.tdx.workspace;

import io.tdx.config.ConfigException;
import io.tdx.config.TdxConfig;
import io.tdx.problem.ProblemException;
import io.tdx.service.Services;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ServiceLoader;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The workspace on any engine: sessions on the engine's connections, writers taking turns where the engine needs it. */
final class SqlWorkspace implements Workspace {
  private static final Logger LOG = LoggerFactory.getLogger(SqlWorkspace.class);
  /** Seconds a client is told to wait when the database cannot be reached or gave up waiting. */
  static final int RETRY_AFTER_SECONDS = 5;
  private final Engine engine;
  private final TdxConfig config;
  /** Null when the engine lets writers run at once. */
  private final Semaphore writeGate;
  private final AtomicInteger openSessions = new AtomicInteger();
  private volatile Services services;

  private SqlWorkspace(Engine engine, TdxConfig config) {
    this.engine = engine;
    this.config = config;
    this.writeGate = engine.writersTakeTurns() ? new Semaphore(1, true) : null;
    this.services = config.services();
  }

  static Workspace open(TdxConfig config) {
    String url = config.workspace().url();
    ServiceLoader<WorkspaceDriver> drivers = ServiceLoader.load(WorkspaceDriver.class, SqlWorkspace.class.getClassLoader());
    WorkspaceDriver driver = drivers.stream().map(ServiceLoader.Provider::get).filter(d -> d.accepts(url)).findFirst()
      .orElseThrow(() -> new ConfigException("workspace: no engine serves the URL " + url + " (engines: "
        + drivers.stream().map(p -> p.get().name()).collect(Collectors.joining(", ")) + ")"));
    SqlWorkspace workspace = new SqlWorkspace(driver.open(config), config);
    try {
      workspace.load(config.services());
    } catch (RuntimeException e) {
      workspace.close();
      throw e;
    }
    LOG.info("workspace {} open", workspace.engine.describe());
    return workspace;
  }

  @Override
  public String describe() {
    return engine.describe();
  }

  @Override
  public java.util.Map<String, Integer> connections() {
    return engine.connections();
  }

  @Override
  public WorkspaceSession session() {
    EngineConnection lent;
    try {
      lent = engine.lend();
    } catch (SQLException e) {
      throw unavailable(e).orElseThrow(() -> new IllegalStateException("cannot open a workspace session: " + e.getMessage(), e));
    }
    openSessions.incrementAndGet();
    return new SqlSession(lent, engine, services, config.limits(), writeGate, config.workspace().retries(),
      openSessions::decrementAndGet);
  }

  @Override
  public void load(Services services) {
    if (writeGate != null) {
      writeGate.acquireUninterruptibly();
    }
    EngineConnection lent = null;
    try {
      lent = engine.lend();
      Connection connection = lent.connection();
      connection.setAutoCommit(false);
      try {
        engine.dialect().lockSchema(connection);
        SchemaManager.apply(connection, engine.dialect(), services);
        connection.commit();
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
      this.services = services;
    } catch (SQLException e) {
      throw new ConfigException("cannot apply the services to the workspace: " + e.getMessage());
    } finally {
      if (lent != null) {
        engine.giveBack(lent, false);
      }
      if (writeGate != null) {
        writeGate.release();
      }
    }
  }

  @Override
  public Throwable explain(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof ProblemException) {
        return failure;
      }
      if (cause instanceof SQLException sql) {
        java.util.Optional<ProblemException> unavailable = unavailable(sql);
        // a session's connection was lost: the pool's others likely were too (a session that could not connect has none)
        unavailable.ifPresent(problem -> engine.connectionLost());
        return unavailable.or(() -> busy(sql)).map(Throwable.class::cast).orElse(failure);
      }
    }
    return failure;
  }

  /** The problem to answer for a failure that means the database cannot be reached, if it means that. */
  private java.util.Optional<ProblemException> unavailable(SQLException failure) {
    if (!engine.unavailable(failure)) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(new ProblemException(503, "workspace-unavailable", "Workspace unavailable",
      "the workspace database cannot be reached: " + failure.getMessage()).with("retryAfter", RETRY_AFTER_SECONDS));
  }

  /** The problem to answer for a job the database gave up waiting for (a lock or statement timeout), if it was that. */
  private java.util.Optional<ProblemException> busy(SQLException failure) {
    if (!engine.busy(failure)) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(new ProblemException(503, "workspace-busy", "Workspace busy",
      "the workspace database gave up waiting (" + oneLine(failure.getMessage()) + ", SQLSTATE " + failure.getSQLState()
        + "; see workspace.lockTimeoutSeconds and workspace.statementTimeoutSeconds); its transaction was rolled back")
      .with("retryAfter", RETRY_AFTER_SECONDS));
  }

  /** A database's message with its detail lines (PostgreSQL's {@code Where: ...}) on one line. */
  private static String oneLine(String message) {
    return message == null ? "" : String.join(" ", message.lines().map(String::strip).toList());
  }

  @Override
  public void close() {
    engine.close();
    LOG.info("workspace closed ({} sessions still open were rolled back)", openSessions.get());
  }
}
