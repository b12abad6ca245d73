import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.duckdb.DuckDBConnection;

/**
 * The engine's own small-transaction limit (bench/run): the SQL work of the protocol load's
 * transaction done directly over JDBC, without HTTP or the server. Each transaction inserts one
 * {@code products} row with a new key and one {@code sales} row that references it, then commits.
 * The tables are those of conf/tdx.json's services, with real PRIMARY KEY and FOREIGN KEY
 * constraints. For each thread count (each thread its own connection) it runs the load unmeasured
 * for the warm-up, then measured for SECONDS, and prints one JSON line: engine, threads,
 * transactions, seconds, per_second, conflicts (write-write conflicts or serialization failures,
 * rolled back and retried), p50_ms, p99_ms, max_ms.
 *
 * <p>duckdb: a new database file in a temporary directory, deleted at the end; one connection
 * per thread from {@code DuckDBConnection.duplicate()}. DuckDB fails a conflicting writer instead
 * of making it wait, hence the retries. postgres: the server of PGHOST, PGPORT, PGUSER and
 * PGDATABASE (as psql; defaults 127.0.0.1, 5432, postgres, test), in a new schema (env
 * TDX_LIMIT_SCHEMA, default tdx_engine_limit_PID) created at the start and dropped at the end.
 *
 * <p>usage: java -cp tdx.jar EngineLimit.java duckdb|postgres SECONDS [THREADS,...] [WARMUP_SECONDS]
 * (default threads 1,16; default warm-up 2 s)
 */
public class EngineLimit {
  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: java -cp tdx.jar EngineLimit.java duckdb|postgres SECONDS [THREADS,...] [WARMUP_SECONDS]");
      System.exit(2);
    }
    double seconds = Double.parseDouble(args[1]);
    int[] threadCounts = Arrays.stream((args.length > 2 ? args[2] : "1,16").split(",")).mapToInt(Integer::parseInt).toArray();
    double warmup = args.length > 3 ? Double.parseDouble(args[3]) : 2;
    try (Engine engine = Engine.open(args[0])) {
      engine.createTables();
      AtomicLong keys = new AtomicLong();
      for (int threads : threadCounts) {
        if (warmup > 0) {
          new Load(engine, threads, keys).run(warmup);
        }
        LoadResult result = new Load(engine, threads, keys).run(seconds);
        System.out.println(result.toJson(engine.name()));
      }
    }
  }
}

/** One engine's connections, tables and clean-up. */
interface Engine extends AutoCloseable {
  String PRODUCTS = "CREATE TABLE products (\"SKU\" VARCHAR NOT NULL PRIMARY KEY, \"DESCRIPTION\" VARCHAR, "
    + "\"PRICE\" DECIMAL(18,2) NOT NULL CHECK (\"PRICE\" >= 0))";
  String SALES = "CREATE TABLE sales (\"SKU\" VARCHAR NOT NULL REFERENCES products (\"SKU\"), \"STORE\" VARCHAR NOT NULL, "
    + "\"WEEK\" INTEGER NOT NULL CHECK (\"WEEK\" BETWEEN 1 AND 53), \"UNITS\" INTEGER NOT NULL, \"REVENUE\" DECIMAL(18,2), "
    + "PRIMARY KEY (\"SKU\", \"STORE\", \"WEEK\"))";

  String name();

  /** A connection of its own for one thread, autocommit off. */
  Connection connect() throws SQLException;

  /** Whether a failed statement or commit is a conflict to roll back and retry. */
  boolean isConflict(SQLException e);

  default void createTables() throws SQLException {
    try (Connection c = connect(); Statement s = c.createStatement()) {
      s.execute(PRODUCTS);
      s.execute(SALES);
      c.commit();
    }
  }

  @Override
  void close() throws Exception;

  static Engine open(String name) throws Exception {
    return switch (name) {
      case "duckdb" -> DuckDbEngine.open();
      case "postgres" -> PostgresEngine.open();
      default -> throw new IllegalArgumentException("engine must be duckdb or postgres, got '" + name + "'");
    };
  }
}

final class DuckDbEngine implements Engine {
  private final Path dir;
  private final DuckDBConnection root;

  private DuckDbEngine(Path dir, DuckDBConnection root) {
    this.dir = dir;
    this.root = root;
  }

  static DuckDbEngine open() throws IOException, SQLException {
    Path dir = Files.createTempDirectory("tdx-engine-limit");
    return new DuckDbEngine(dir, (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("limit.duckdb")));
  }

  @Override
  public String name() {
    return "duckdb";
  }

  @Override
  public Connection connect() throws SQLException {
    Connection c = root.duplicate();
    c.setAutoCommit(false);
    return c;
  }

  @Override
  public boolean isConflict(SQLException e) {
    String message = String.valueOf(e.getMessage());
    return message.contains("Conflict") || message.contains("conflict");
  }

  @Override
  public void close() throws Exception {
    root.close();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}

final class PostgresEngine implements Engine {
  private final String url;
  private final String schema;

  private PostgresEngine(String url, String schema) {
    this.url = url;
    this.schema = schema;
  }

  static PostgresEngine open() throws SQLException {
    String host = env("PGHOST", "127.0.0.1");
    String url = "jdbc:postgresql://" + host + ":" + env("PGPORT", "5432") + "/" + env("PGDATABASE", "test")
      + "?user=" + env("PGUSER", "postgres");
    String schema = env("TDX_LIMIT_SCHEMA", "tdx_engine_limit_" + ProcessHandle.current().pid());
    PostgresEngine engine = new PostgresEngine(url, schema);
    engine.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE", "CREATE SCHEMA " + schema);
    return engine;
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isEmpty() ? fallback : value;
  }

  private void execute(String... sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      for (String statement : sql) {
        s.execute(statement);
      }
    }
  }

  @Override
  public String name() {
    return "postgres";
  }

  @Override
  public Connection connect() throws SQLException {
    Connection c = DriverManager.getConnection(url + "&currentSchema=" + schema);
    c.setAutoCommit(false);
    return c;
  }

  @Override
  public boolean isConflict(SQLException e) {
    return "40001".equals(e.getSQLState()) || "40P01".equals(e.getSQLState());
  }

  @Override
  public void close() throws SQLException {
    execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
  }
}

/** Threads each running transactions one after another on their own connection until a deadline. */
final class Load {
  private final Engine engine;
  private final int threads;
  private final AtomicLong keys;

  Load(Engine engine, int threads, AtomicLong keys) {
    this.engine = engine;
    this.threads = threads;
    this.keys = keys;
  }

  LoadResult run(double seconds) throws Exception {
    long start = System.nanoTime();
    long deadline = start + (long) (seconds * 1e9);
    List<Worker> workers = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      workers.add(new Worker(engine.connect(), deadline));
    }
    List<Thread> running = workers.stream().map(Thread::new).toList();
    running.forEach(Thread::start);
    for (Thread t : running) {
      t.join();
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    return LoadResult.of(threads, elapsed, workers);
  }

  /** Inserts a product and a sale of it, commits, and repeats; a conflict is rolled back and retried. */
  final class Worker implements Runnable {
    private final Connection connection;
    private final long deadline;
    long[] latencies = new long[1024];
    int transactions;
    long conflicts;
    Exception failure;

    Worker(Connection connection, long deadline) {
      this.connection = connection;
      this.deadline = deadline;
    }

    @Override
    public void run() {
      try (connection;
           PreparedStatement product = connection.prepareStatement("INSERT INTO products VALUES (?, ?, ?)");
           PreparedStatement sale = connection.prepareStatement("INSERT INTO sales VALUES (?, ?, ?, ?, ?)")) {
        while (System.nanoTime() < deadline) {
          long t0 = System.nanoTime();
          commitOne(product, sale, "L" + keys.incrementAndGet());
          record(System.nanoTime() - t0);
        }
      } catch (Exception e) {
        failure = e;
      }
    }

    private void commitOne(PreparedStatement product, PreparedStatement sale, String sku) throws SQLException {
      while (true) {
        try {
          product.setString(1, sku);
          product.setString(2, "limit");
          product.setBigDecimal(3, java.math.BigDecimal.ONE);
          product.executeUpdate();
          sale.setString(1, sku);
          sale.setString(2, "S1");
          sale.setInt(3, 1);
          sale.setInt(4, 1);
          sale.setBigDecimal(5, java.math.BigDecimal.ONE);
          sale.executeUpdate();
          connection.commit();
          return;
        } catch (SQLException e) {
          connection.rollback();
          if (!engine.isConflict(e)) {
            throw e;
          }
          conflicts++;
        }
      }
    }

    private void record(long nanos) {
      if (transactions == latencies.length) {
        latencies = Arrays.copyOf(latencies, transactions * 2);
      }
      latencies[transactions++] = nanos;
    }
  }
}

record LoadResult(int threads, double seconds, long transactions, long conflicts, long[] sortedLatencies) {
  static LoadResult of(int threads, double seconds, List<Load.Worker> workers) throws Exception {
    for (Load.Worker w : workers) {
      if (w.failure != null) {
        throw w.failure;
      }
    }
    long[] all = workers.stream().flatMapToLong(w -> Arrays.stream(w.latencies, 0, w.transactions)).sorted().toArray();
    long conflicts = workers.stream().mapToLong(w -> w.conflicts).sum();
    return new LoadResult(threads, seconds, all.length, conflicts, all);
  }

  private double percentileMs(double p) {
    if (sortedLatencies.length == 0) {
      return 0;
    }
    int i = (int) Math.min(sortedLatencies.length - 1, Math.ceil(p * sortedLatencies.length) - 1);
    return sortedLatencies[Math.max(0, i)] / 1e6;
  }

  String toJson(String engine) {
    return String.format(java.util.Locale.ROOT,
      "{\"engine\": \"%s\", \"threads\": %d, \"transactions\": %d, \"seconds\": %.3f, \"per_second\": %.1f, "
        + "\"conflicts\": %d, \"p50_ms\": %.2f, \"p99_ms\": %.2f, \"max_ms\": %.2f}",
      engine, threads, transactions, seconds, transactions / seconds, conflicts, percentileMs(0.5), percentileMs(0.99),
      percentileMs(1.0));
  }
}
