import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/**
 * What a fresh process pays for memory it touches for the first time (issue 17): the statements
 * of a DuckDB import as the server runs them on bench/run's files (the staging statement into a
 * temporary table, the duplicate-key prefilter, the reference check, the insert into the
 * service's table) and the ordered export, round after round in one JVM and one database, each
 * with its wall time, the process's minor page faults and CPU (DuckDB's threads included, from
 * {@code /proc/self/stat}, so Linux only). Round 1 is a fresh process's; a later round reuses
 * what DuckDB's allocator kept, unless {@code -Didle=MILLIS} leaves it time to give memory back
 * after round 1. Approximates the staging statement by a typed read of the texts (no segment
 * files, no Java splitter), which is the part whose memory matters here. With {@code -Down=true},
 * each round is DuckDB's own load of the file into the service's table instead, then the export.
 *
 * usage: java [-Didle=MILLIS] [-Down=true] -cp tdx.jar FirstTouch.java PRODUCTS_CSV SALES_CSV [ROUNDS (default 3)]
 */
public class FirstTouch {
  private static Statement statement;

  public static void main(String[] args) throws Exception {
    Path products = Path.of(args[0]).toAbsolutePath();
    Path sales = Path.of(args[1]).toAbsolutePath();
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    Path work = Files.createTempDirectory("tdx-first-touch");
    Path database = work.resolve("first-touch.duckdb");
    Path exported = work.resolve("export.csv");
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:" + database)) {
      statement = connection.createStatement();
      statement.execute("SET memory_limit = '1GB'");
      statement.execute("SET threads = " + Runtime.getRuntime().availableProcessors());
      statement.execute("CREATE TABLE products (SKU VARCHAR NOT NULL, DESCRIPTION VARCHAR, PRICE DECIMAL(18,2) NOT NULL)");
      statement.execute("INSERT INTO products SELECT * FROM read_csv('" + products + "', header = true, all_varchar = true)");
      statement.execute("CREATE TABLE sales (SKU VARCHAR NOT NULL, STORE VARCHAR NOT NULL, WEEK INTEGER NOT NULL,"
        + " UNITS INTEGER NOT NULL, REVENUE DECIMAL(18,2))");
      String texts = "read_csv('" + sales + "', header = true, columns = {'f0': 'VARCHAR', 'f1': 'VARCHAR', 'f2': 'VARCHAR',"
        + " 'f3': 'VARCHAR', 'f4': 'VARCHAR'})";
      for (int round = 1; round <= rounds; round++) {
        if (Boolean.getBoolean("own")) {
          timed(round, "own load", "INSERT INTO sales SELECT * FROM read_csv('" + sales + "', header = true, columns = {"
            + "'SKU': 'VARCHAR', 'STORE': 'VARCHAR', 'WEEK': 'INTEGER', 'UNITS': 'INTEGER', 'REVENUE': 'DECIMAL(18,2)'})");
          timed(round, "export", "COPY (SELECT * FROM sales ORDER BY SKU, STORE, WEEK) TO '" + exported + "' (HEADER)");
          statement.execute("DELETE FROM sales");
          continue;
        }
        statement.execute("CREATE TEMP TABLE staged (__txn INTEGER, __part INTEGER, __line BIGINT, SKU VARCHAR, STORE VARCHAR,"
          + " WEEK INTEGER, UNITS INTEGER, REVENUE DECIMAL(18,2), __code VARCHAR, __cause VARCHAR, __raw VARCHAR[])");
        timed(round, "stage", "INSERT INTO staged SELECT 0, 0, 0, f0, f1, TRY_CAST(f2 AS INTEGER), TRY_CAST(f3 AS INTEGER),"
          + " TRY_CAST(f4 AS DECIMAL(18,2)), NULL, NULL, NULL FROM " + texts);
        timed(round, "duplicates", "SELECT count(*) - count(DISTINCT hash(__part, SKU, STORE, WEEK)) FROM staged");
        timed(round, "references", "UPDATE staged s SET __code = 'UNKNOWN_REFERENCE' WHERE __code IS NULL AND s.SKU IS NOT NULL"
          + " AND NOT EXISTS (SELECT 1 FROM products r WHERE r.SKU = s.SKU)");
        timed(round, "insert", "INSERT INTO sales SELECT SKU, STORE, WEEK, UNITS, REVENUE FROM staged WHERE __code IS NULL");
        timed(round, "export", "COPY (SELECT * FROM sales ORDER BY SKU, STORE, WEEK) TO '" + exported + "' (HEADER)");
        statement.execute("DROP TABLE staged");
        statement.execute("DELETE FROM sales");
        if (round == 1) {
          Thread.sleep(Long.getLong("idle", 0));
        }
      }
    } finally {
      for (String file : new String[] {"first-touch.duckdb", "first-touch.duckdb.wal", "export.csv"}) {
        Files.deleteIfExists(work.resolve(file));
      }
      Files.deleteIfExists(work);
    }
  }

  private static void timed(int round, String label, String sql) throws Exception {
    long[] before = self();
    long start = System.nanoTime();
    statement.execute(sql);
    long wall = (System.nanoTime() - start) / 1_000_000;
    long[] after = self();
    System.out.printf("round %d  %-10s  wall %4d ms  minor faults %6d  cpu %4d ms%n", round, label, wall, after[0] - before[0],
      (after[1] - before[1]) * 10);
  }

  /** The process's minor faults and its CPU in clock ticks (user and system; 100 a second). */
  private static long[] self() throws Exception {
    String stat = Files.readString(Path.of("/proc/self/stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return new long[] {Long.parseLong(fields[7]), Long.parseLong(fields[11]) + Long.parseLong(fields[12])};
  }
}
