import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

/**
 * The limit an import and an export are measured against (bench/run): DuckDB's own loader on
 * the same file into the same table as the server's (the shipped /sales: key columns NOT NULL,
 * no primary key, as the server makes it), in a file database like the server's workspace,
 * with the server's memory limit and threads. Times, in one fresh JVM, a load into an empty
 * table ({@code INSERT INTO sales SELECT * FROM read_csv(...)}) and an export ordered by key
 * ({@code COPY (SELECT ... ORDER BY SKU, STORE, WEEK) TO FILE (HEADER)}), and prints one JSON
 * line: engine, load_s, export_s, rows, export_bytes.
 *
 * usage: java -cp tdx.jar NativeLoad.java SALES_CSV WORK_DIR
 */
public class NativeLoad {
  public static void main(String[] args) throws Exception {
    Path csv = Path.of(args[0]).toAbsolutePath();
    Path work = Files.createDirectories(Path.of(args[1]).toAbsolutePath());
    Path database = work.resolve("native.duckdb");
    Path exported = work.resolve("native-export.csv");
    Files.deleteIfExists(database);
    Files.deleteIfExists(exported);
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:" + database);
         Statement statement = connection.createStatement()) {
      statement.execute("SET memory_limit = '1GB'");
      statement.execute("SET threads = " + Runtime.getRuntime().availableProcessors());
      statement.execute("CREATE TABLE sales (SKU VARCHAR NOT NULL, STORE VARCHAR NOT NULL, WEEK INTEGER NOT NULL,"
        + " UNITS INTEGER NOT NULL, REVENUE DECIMAL(18,2))");
      long t0 = System.nanoTime();
      statement.execute("INSERT INTO sales SELECT * FROM read_csv('" + csv + "', header = true, columns = {"
        + "'SKU': 'VARCHAR', 'STORE': 'VARCHAR', 'WEEK': 'INTEGER', 'UNITS': 'INTEGER', 'REVENUE': 'DECIMAL(18,2)'})");
      long t1 = System.nanoTime();
      long rows;
      try (ResultSet count = statement.executeQuery("SELECT count(*) FROM sales")) {
        count.next();
        rows = count.getLong(1);
      }
      long t2 = System.nanoTime();
      statement.execute("COPY (SELECT * FROM sales ORDER BY SKU, STORE, WEEK) TO '" + exported + "' (HEADER, DELIMITER ',')");
      long t3 = System.nanoTime();
      System.out.printf("{\"engine\": \"duckdb\", \"load_s\": %.3f, \"export_s\": %.3f, \"rows\": %d, \"export_bytes\": %d}%n",
        (t1 - t0) / 1e9, (t3 - t2) / 1e9, rows, Files.size(exported));
    } finally {
      Files.deleteIfExists(database);
      Files.deleteIfExists(exported);
    }
  }
}
