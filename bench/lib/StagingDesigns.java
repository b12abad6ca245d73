import com.sun.management.OperatingSystemMXBean;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Designs of a DuckDB import's staging weighed side by side in one JVM, on bench/run's sales file
 * (issue 17): the file is first written as the server's segments hold a clean file (line number,
 * an empty cause, the fields), then each design loads it into a new database file, round after
 * round, timing wall clock and the process's CPU (DuckDB's threads included):
 * <ul>
 *   <li>{@code temp+insert}: the server's design: the staging statement into a temporary table,
 *       the duplicate-key check, the reference check, the insert into the service's table, one
 *       commit;</li>
 *   <li>{@code main+rename}: the same staging into a table of the main database, whose rejected
 *       rows and staging columns are then dropped and which is renamed to the service's table;</li>
 *   <li>{@code temp+insert, memory kept}: the server's design with DuckDB's allocator keeping what
 *       it allocated ({@code allocator_flush_threshold}, {@code block_allocator_memory});</li>
 *   <li>{@code direct}: the rows written once: the accepted rows of the segment straight into the
 *       service's table in one transaction, then the duplicate-key prefilter and the reference
 *       check over that table (which held nothing before).</li>
 * </ul>
 * Then the staging statement alone into a temporary table, as the server writes it (texts read,
 * {@code TRY_CAST}, the checks, the texts of rows not accepted) against the segment read with
 * typed columns and the same checks, and DuckDB's own load of the CSV file into a main table.
 * Prints one line per round and design, then the medians.
 *
 * usage: java -cp tdx.jar StagingDesigns.java SALES_CSV [ROUNDS (default 4)]
 */
public class StagingDesigns {
  private static final OperatingSystemMXBean OS = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private static final String TARGET = "(SKU VARCHAR NOT NULL, STORE VARCHAR NOT NULL, WEEK INTEGER NOT NULL, UNITS INTEGER NOT NULL,"
    + " REVENUE DECIMAL(18,2))";
  private static final String STAGING = "(__txn INTEGER, __part INTEGER, __line BIGINT, SKU VARCHAR, STORE VARCHAR, WEEK INTEGER,"
    + " UNITS INTEGER, REVENUE DECIMAL(18,2), __code VARCHAR, __cause VARCHAR, __raw VARCHAR[])";
  private static final String OK = "coalesce(__bad IS NULL AND (f0 IS NOT NULL) AND (f1 IS NOT NULL) AND (f2 IS NOT NULL AND v2 IS NOT NULL"
    + " AND v2 BETWEEN 1 AND 53) AND (f3 IS NOT NULL AND v3 IS NOT NULL) AND (f4 IS NULL OR v4 IS NOT NULL), FALSE)";

  public static void main(String[] args) throws Exception {
    Path csv = Path.of(args[0]).toAbsolutePath();
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 4;
    Path work = Files.createTempDirectory("tdx-staging-designs");
    try {
      Path segment = work.resolve("segment.csv");
      long rows = writeSegment(csv, segment);
      Map<String, List<long[]>> figures = new LinkedHashMap<>();
      for (int round = 1; round <= rounds; round++) {
        for (String design : List.of("temp+insert", "main+rename", "temp+insert, memory kept", "direct")) {
          figures.computeIfAbsent(design, k -> new ArrayList<>()).add(design(work, segment, design, rows, round));
        }
        for (String statement : List.of("staging statement, texts and TRY_CAST", "staging statement, typed read", "DuckDB's own load")) {
          figures.computeIfAbsent(statement, k -> new ArrayList<>()).add(statement(work, segment, csv, statement, rows, round));
        }
      }
      System.out.println("medians over " + rounds + " rounds (ms):");
      for (Map.Entry<String, List<long[]>> entry : figures.entrySet()) {
        System.out.printf("  %-40s wall %5d  cpu %5d%n", entry.getKey(), median(entry.getValue(), 0), median(entry.getValue(), 1));
      }
    } finally {
      try (var files = Files.walk(work)) {
        files.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static long writeSegment(Path csv, Path segment) throws Exception {
    long rows = 0;
    try (BufferedReader in = Files.newBufferedReader(csv); BufferedWriter out = Files.newBufferedWriter(segment)) {
      in.readLine();
      long line = 1;
      for (String record = in.readLine(); record != null; record = in.readLine()) {
        line++;
        rows++;
        out.write(line + ",," + record + "\n");
      }
    }
    return rows;
  }

  private static String read(Path segment, boolean typed) {
    String types = typed ? "'f2': 'INTEGER', 'f3': 'INTEGER', 'f4': 'DECIMAL(18,2)'" : "'f2': 'VARCHAR', 'f3': 'VARCHAR', 'f4': 'VARCHAR'";
    return "read_csv('" + segment + "', columns = {'__line': 'BIGINT', '__bad': 'VARCHAR', 'f0': 'VARCHAR', 'f1': 'VARCHAR', " + types
      + "}, header = false, auto_detect = false, delim = ',', quote = '\"', escape = '\"', nullstr = '', new_line = '\\n',"
      + " max_line_size = 4194304, buffer_size = 16777216)";
  }

  /** The server's staging statement: texts read, each typed column cast once, the checks, the texts of rows not accepted. */
  private static String stage(String table, Path segment) {
    return "INSERT INTO " + table + " (__txn, __part, __line, SKU, STORE, WEEK, UNITS, REVENUE, __raw) SELECT 0, 0, __line,"
      + " CASE WHEN __ok THEN f0 END, CASE WHEN __ok THEN f1 END, CASE WHEN __ok THEN v2 END, CASE WHEN __ok THEN v3 END,"
      + " CASE WHEN __ok THEN v4 END, CASE WHEN __ok THEN NULL ELSE [__bad, f0, f1, f2, f3, f4] END FROM " + judged(segment);
  }

  /** The segment's texts read, each typed column cast once, and whether the row is accepted ({@code __ok}). */
  private static String judged(Path segment) {
    return "(SELECT *, " + OK + " AS __ok FROM (SELECT *, TRY_CAST(f2 AS INTEGER) AS v2, TRY_CAST(f3 AS INTEGER) AS v3,"
      + " TRY_CAST(f4 AS DECIMAL(18,2)) AS v4 FROM " + read(segment, false) + ") typed) raw";
  }

  private static Connection open(Path work, String name, boolean keepMemory) throws SQLException {
    Path database = work.resolve(name + ".duckdb");
    database.toFile().delete();
    work.resolve(name + ".duckdb.wal").toFile().delete();
    Connection connection = DriverManager.getConnection("jdbc:duckdb:" + database);
    try (Statement statement = connection.createStatement()) {
      statement.execute("SET memory_limit = '1GB'");
      statement.execute("SET threads = " + Runtime.getRuntime().availableProcessors());
      if (keepMemory) {
        statement.execute("SET allocator_flush_threshold = '1GB'");
        statement.execute("SET allocator_bulk_deallocation_flush_threshold = '1GB'");
        statement.execute("SET block_allocator_memory = '512MB'");
      }
      statement.execute("CREATE TABLE products (SKU VARCHAR NOT NULL, DESCRIPTION VARCHAR, PRICE DECIMAL(18,2))");
      statement.execute("INSERT INTO products SELECT 'SKU' || lpad(i::VARCHAR, 7, '0'), NULL, 1 FROM range(100000) t(i)");
      statement.execute("CREATE TABLE sales " + TARGET);
      statement.execute("CHECKPOINT");
    }
    return connection;
  }

  private static long[] design(Path work, Path segment, String design, long rows, int round) throws SQLException {
    if (design.equals("direct")) {
      return direct(work, segment, rows, round);
    }
    boolean temporary = !design.equals("main+rename");
    try (Connection connection = open(work, "design", design.endsWith("memory kept")); Statement s = connection.createStatement()) {
      long cpu0 = OS.getProcessCpuTime();
      long t0 = System.nanoTime();
      String staged = temporary ? "temp.main.st" : "main.st";
      s.execute("CREATE " + (temporary ? "TEMP " : "") + "TABLE st " + STAGING);
      s.execute(stage(staged, segment));
      long t1 = System.nanoTime();
      try (ResultSet shared = s.executeQuery("SELECT count(*) - count(DISTINCT hash(__part, SKU, STORE, WEEK)) FROM " + staged)) {
        shared.next();
      }
      long t2 = System.nanoTime();
      connection.setAutoCommit(false);
      s.execute("UPDATE " + staged + " SET __code = 'REFERENCE' WHERE __raw IS NULL AND NOT EXISTS (SELECT 1 FROM products p WHERE p.SKU = "
        + staged + ".SKU)");
      if (temporary) {
        s.execute("INSERT INTO sales SELECT SKU, STORE, WEEK, UNITS, REVENUE FROM " + staged + " WHERE __code IS NULL AND __raw IS NULL");
      } else {
        s.execute("DELETE FROM " + staged + " WHERE __code IS NOT NULL OR __raw IS NOT NULL");
        for (String column : List.of("__txn", "__part", "__line", "__code", "__cause", "__raw")) {
          s.execute("ALTER TABLE st DROP COLUMN " + column);
        }
        s.execute("DROP TABLE sales");
        s.execute("ALTER TABLE st RENAME TO sales");
      }
      connection.commit();
      connection.setAutoCommit(true);
      long t3 = System.nanoTime();
      long cpu = (OS.getProcessCpuTime() - cpu0) / 1_000_000;
      check(s, rows, design);
      System.out.printf("round %d  %-40s stage %5d  duplicates %4d  merge %4d  wall %5d  cpu %5d%n", round, design,
        (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, (t3 - t2) / 1_000_000, (t3 - t0) / 1_000_000, cpu);
      return new long[] {(t3 - t0) / 1_000_000, cpu};
    }
  }

  /**
   * The rows written once: the segment's accepted rows straight into the service's table inside the transaction, then the
   * duplicate-key prefilter and the reference check over that table (an empty table before the import holds only the file's rows).
   */
  private static long[] direct(Path work, Path segment, long rows, int round) throws SQLException {
    try (Connection connection = open(work, "design", false); Statement s = connection.createStatement()) {
      long cpu0 = OS.getProcessCpuTime();
      long t0 = System.nanoTime();
      connection.setAutoCommit(false);
      long inserted = s.executeUpdate("INSERT INTO sales SELECT f0, f1, v2, v3, v4 FROM " + judged(segment) + " WHERE __ok");
      if (inserted != rows) {
        throw new IllegalStateException("direct inserted " + inserted);
      }
      long t1 = System.nanoTime();
      try (ResultSet shared = s.executeQuery("SELECT count(*) - count(DISTINCT hash(SKU, STORE, WEEK)) FROM sales")) {
        shared.next();
      }
      long t2 = System.nanoTime();
      try (ResultSet missing = s.executeQuery("SELECT count(*) FROM sales s WHERE NOT EXISTS (SELECT 1 FROM products p WHERE p.SKU = s.SKU)")) {
        missing.next();
      }
      connection.commit();
      connection.setAutoCommit(true);
      long t3 = System.nanoTime();
      long cpu = (OS.getProcessCpuTime() - cpu0) / 1_000_000;
      check(s, rows, "direct");
      System.out.printf("round %d  %-40s stage %5d  duplicates %4d  merge %4d  wall %5d  cpu %5d%n", round, "direct",
        (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, (t3 - t2) / 1_000_000, (t3 - t0) / 1_000_000, cpu);
      return new long[] {(t3 - t0) / 1_000_000, cpu};
    }
  }

  private static long[] statement(Path work, Path segment, Path csv, String which, long rows, int round) throws SQLException {
    try (Connection connection = open(work, "statement", false); Statement s = connection.createStatement()) {
      String sql;
      if (which.startsWith("DuckDB")) {
        sql = "INSERT INTO sales SELECT * FROM read_csv('" + csv + "', header = true, columns = {'SKU': 'VARCHAR', 'STORE': 'VARCHAR',"
          + " 'WEEK': 'INTEGER', 'UNITS': 'INTEGER', 'REVENUE': 'DECIMAL(18,2)'})";
      } else {
        s.execute("CREATE TEMP TABLE st " + STAGING.replace(", __raw VARCHAR[])", ", __raw VARCHAR[], __ok BOOLEAN)"));
        sql = which.endsWith("typed read")
          ? "INSERT INTO st (__txn, __part, __line, SKU, STORE, WEEK, UNITS, REVENUE, __ok) SELECT 0, 0, __line, f0, f1, f2, f3, f4, "
            + OK.replace("v2", "f2").replace("v3", "f3").replace("v4", "f4") + " FROM " + read(segment, true)
          : stage("st", segment);
      }
      long cpu0 = OS.getProcessCpuTime();
      long t0 = System.nanoTime();
      s.execute(sql);
      long wall = (System.nanoTime() - t0) / 1_000_000;
      long cpu = (OS.getProcessCpuTime() - cpu0) / 1_000_000;
      try (ResultSet count = s.executeQuery("SELECT count(*) FROM " + (which.startsWith("DuckDB") ? "sales" : "st"))) {
        count.next();
        if (count.getLong(1) != rows) {
          throw new IllegalStateException(which + " loaded " + count.getLong(1) + " rows, expected " + rows);
        }
      }
      System.out.printf("round %d  %-40s wall %5d  cpu %5d%n", round, which, wall, cpu);
      return new long[] {wall, cpu};
    }
  }

  private static void check(Statement s, long rows, String design) throws SQLException {
    try (ResultSet count = s.executeQuery("SELECT count(*) FROM sales")) {
      count.next();
      if (count.getLong(1) != rows) {
        throw new IllegalStateException(design + " left " + count.getLong(1) + " rows, expected " + rows);
      }
    }
  }

  private static long median(List<long[]> figures, int index) {
    long[] values = figures.stream().mapToLong(f -> f[index]).toArray();
    Arrays.sort(values);
    return values[values.length / 2];
  }
}
