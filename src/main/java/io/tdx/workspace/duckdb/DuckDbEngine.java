package io.tdx.workspace.duckdb;

import io.tdx.config.ConfigException;
import io.tdx.config.TdxConfig;
import io.tdx.service.Column;
import io.tdx.service.CsvDialect;
import io.tdx.workspace.CsvFiles;
import io.tdx.workspace.Sql;
import io.tdx.service.ServiceDefinition;
import io.tdx.workspace.ExportSummary;
import java.io.OutputStream;
import io.tdx.workspace.Dialect;
import io.tdx.workspace.Engine;
import io.tdx.workspace.EngineConnection;
import io.tdx.workspace.RowSink;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.duckdb.DuckDBConnection;

/**
 * The embedded DuckDB: one database file under the data directory, one duplicate of its
 * connection per session, kept afterwards for later sessions with the statements prepared on it
 * (DuckDB parses and plans a small statement in longer than it runs it). DuckDB fails a writer
 * that conflicts with another instead of making it wait, so writers take turns. Large imports
 * stage through CSV segments DuckDB reads itself; small parts through its appender.
 */
final class DuckDbEngine implements Engine {
  /** Connections kept between sessions (beyond them a session's connection is closed). */
  static final int IDLE_CONNECTIONS = 16;
  private final DuckDBConnection root;
  private final BlockingQueue<EngineConnection> idle = new ArrayBlockingQueue<>(IDLE_CONNECTIONS);
  private volatile boolean closed;
  private final String url;
  private final int maxLineChars;
  private final Path segments;
  private final ExecutorService segmentLoader = Executors.newCachedThreadPool(runnable -> {
    Thread thread = new Thread(runnable, "tdx-segment-loader");
    thread.setDaemon(true);
    return thread;
  });

  /** The threads that copy a COPY's named pipe to an export's output, one per export running (at most one per worker). */
  private final ExecutorService exportPumps = Executors.newCachedThreadPool(runnable -> {
    Thread thread = new Thread(runnable, "tdx-export-pump");
    thread.setDaemon(true);
    return thread;
  });

  @Override
  public ExportSummary export(Connection connection, ServiceDefinition service, OutputStream csv) throws SQLException, IOException {
    if (CopyExport.eligible(service)) {
      ExportSummary written = CopyExport.export(connection, service, csv, segments, exportPumps);
      if (written != null) {
        return written;
      }
    }
    return Engine.super.export(connection, service, csv);
  }

  private DuckDbEngine(DuckDBConnection root, String url, int maxLineChars, Path segments) {
    this.root = root;
    this.url = url;
    this.maxLineChars = maxLineChars;
    this.segments = segments;
  }

  static DuckDbEngine open(TdxConfig config) {
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
    String url = config.workspace().url();
    try {
      DuckDBConnection root = (DuckDBConnection) DriverManager.getConnection(url, properties);
      return new DuckDbEngine(root, url, config.limits().maxLineChars(), segments);
    } catch (SQLException e) {
      throw new ConfigException("cannot open workspace " + url + ": " + e.getMessage());
    }
  }

  @Override
  public Dialect dialect() {
    return DuckDbDialect.TYPES;
  }

  /** Connections lent now (DuckDB's are made on demand, in the process: none waits for one). */
  private final java.util.concurrent.atomic.AtomicInteger lent = new java.util.concurrent.atomic.AtomicInteger();

  @Override
  public EngineConnection lend() throws SQLException {
    EngineConnection kept = idle.poll();
    EngineConnection connection = kept != null ? kept : new EngineConnection(root.duplicate());
    lent.incrementAndGet();
    return connection;
  }

  @Override
  public java.util.Map<String, Integer> connections() {
    return java.util.Map.of("active", lent.get(), "idle", idle.size(), "pending", 0);
  }

  /** A clean connection is kept for the next session, with its prepared statements, up to {@link #IDLE_CONNECTIONS}. */
  @Override
  public void giveBack(EngineConnection lent, boolean clean) {
    this.lent.decrementAndGet();
    if (!clean || closed || !idle.offer(lent)) {
      lent.close();
    } else if (closed) {
      closeIdle();
    }
  }

  private void closeIdle() {
    for (EngineConnection kept; (kept = idle.poll()) != null; ) {
      kept.close();
    }
  }

  @Override
  public boolean writersTakeTurns() {
    return true;
  }

  @Override
  public RowSink bulkRows(Connection connection, String table, List<Column> columns) {
    return new CsvSegmentSink(connection, segmentLoader, table, columns, segments, maxLineChars,
      CsvSegmentSink.SEGMENT_BYTES, CsvSegmentSink.COMPRESS_AFTER_BYTES);
  }

  /** DuckDB's own parallel CSV reader, on segment files under the data directory's tmp/staging. */
  @Override
  public CsvFiles csvFiles() {
    return csvFiles;
  }

  private final CsvFiles csvFiles = new CsvFiles() {
    @Override
    public Path directory() {
      return segments;
    }

    @Override
    public java.util.concurrent.Executor loader() {
      return segmentLoader;
    }

    @Override
    public String read(Path file, CsvDialect dialect, List<String> columns) {
      String types = columns.stream().map(c -> Sql.literal(c) + ": " + (c.equals(columns.get(0)) ? "'BIGINT'" : "'VARCHAR'"))
        .collect(java.util.stream.Collectors.joining(", ", "{", "}"));
      return CsvSegmentSink.readCsv(Sql.literal(file.toString()), types, dialect, maxLineChars);
    }

    @Override
    public String readBody(Path file, CsvDialect dialect, List<String> columns, boolean crlf) {
      String types = columns.stream().map(c -> Sql.literal(c) + ": 'VARCHAR'").collect(java.util.stream.Collectors.joining(", ", "{", "}"));
      return CsvSegmentSink.readCsv(Sql.literal(file.toString()), types, dialect, maxLineChars, 1, crlf);
    }

    @Override
    public void compress(Statement statement) throws SQLException {
      statement.execute("CHECKPOINT temp");
    }
  };

  @Override
  public RowSink smallRows(Connection connection, String table, List<Column> columns) throws SQLException {
    return new AppenderSink(((DuckDBConnection) connection).createAppender("temp", "main", table), columns);
  }

  @Override
  public void dropTemporary(Connection connection, List<String> tables) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      for (String table : tables) {
        statement.execute("DROP TABLE IF EXISTS temp.main." + table);
      }
    }
  }

  /** Writers take turns: no two transactions conflict. */
  @Override
  public boolean retryable(SQLException failure) {
    return false;
  }

  /** An embedded database cannot go away while the process runs. */
  @Override
  public boolean unavailable(SQLException failure) {
    return false;
  }

  /** Writers take turns in the process; DuckDB has no lock or statement timeouts. */
  @Override
  public boolean busy(SQLException failure) {
    return false;
  }

  @Override
  public String describe() {
    return url;
  }

  @Override
  public void close() {
    closed = true;
    closeIdle();
    segmentLoader.shutdown();
    exportPumps.shutdown();
    try {
      root.close();
    } catch (SQLException e) {
      org.slf4j.LoggerFactory.getLogger(DuckDbEngine.class).warn("closing the workspace failed", e);
    }
  }
}
