package io.tdx.workspace;

import io.tdx.config.ConfigException;
import io.tdx.config.TdxConfig;
import io.tdx.service.Services;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import java.util.stream.Stream;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.duckdb.DuckDBConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The embedded DuckDB workspace: one database file, one connection per session. */
final class DuckDbWorkspace implements Workspace {
  private static final Logger LOG = LoggerFactory.getLogger(DuckDbWorkspace.class);
  private final DuckDBConnection root;
  private final TdxConfig config;
  private final Path segments;
  private final ExecutorService segmentLoader = Executors.newCachedThreadPool(runnable -> {
    Thread thread = new Thread(runnable, "tdx-segment-loader");
    thread.setDaemon(true);
    return thread;
  });
  private final Semaphore writeGate = new Semaphore(1, true);
  private final AtomicInteger openSessions = new AtomicInteger();
  private volatile Services services;

  private DuckDbWorkspace(DuckDBConnection root, TdxConfig config, Path segments) {
    this.root = root;
    this.config = config;
    this.segments = segments;
    this.services = config.services();
  }

  static DuckDbWorkspace open(TdxConfig config) {
    Path spill = config.dataDir().resolve("tmp").resolve("duckdb");
    Path segments = config.dataDir().resolve("tmp").resolve("staging");
    try {
      Files.createDirectories(spill);
      Files.createDirectories(segments);
      try (Stream<Path> leftovers = Files.list(segments)) {
        for (Path file : leftovers.toList()) {
          Files.deleteIfExists(file);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create data directory " + config.dataDir(), e);
    }
    Properties properties = new Properties();
    properties.setProperty("jdbc_stream_results", "true");
    properties.setProperty("memory_limit", config.workspace().memoryLimit());
    properties.setProperty("threads", Integer.toString(config.workspace().threads()));
    properties.setProperty("temp_directory", spill.toString());
    DuckDBConnection root;
    try {
      root = (DuckDBConnection) DriverManager.getConnection(config.workspace().url(), properties);
    } catch (SQLException e) {
      throw new ConfigException("cannot open workspace " + config.workspace().url() + ": " + e.getMessage());
    }
    DuckDbWorkspace workspace = new DuckDbWorkspace(root, config, segments);
    try {
      workspace.load(config.services());
    } catch (RuntimeException e) {
      workspace.close();
      throw e;
    }
    LOG.info("workspace {} open", config.workspace().url());
    return workspace;
  }

  @Override
  public WorkspaceSession session() {
    try {
      openSessions.incrementAndGet();
      return new DuckDbSession(root.duplicate(), services, config.limits(), segments, segmentLoader, writeGate, openSessions::decrementAndGet);
    } catch (SQLException e) {
      openSessions.decrementAndGet();
      throw new IllegalStateException("cannot open a workspace session: " + e.getMessage(), e);
    }
  }

  @Override
  public void load(Services services) {
    writeGate.acquireUninterruptibly();
    try (DuckDBConnection connection = root.duplicate()) {
      connection.setAutoCommit(false);
      try {
        SchemaManager.apply(connection, services);
        connection.commit();
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
      this.services = services;
    } catch (SQLException e) {
      throw new ConfigException("cannot apply the services to the workspace: " + e.getMessage());
    } finally {
      writeGate.release();
    }
  }

  @Override
  public void close() {
    segmentLoader.shutdown();
    try {
      root.close();
      LOG.info("workspace closed ({} sessions still open were rolled back)", openSessions.get());
    } catch (SQLException e) {
      LOG.warn("closing the workspace failed", e);
    }
  }
}
