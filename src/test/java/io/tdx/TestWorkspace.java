package io.tdx;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The workspace engine the tests run on: the embedded DuckDB, or PostgreSQL when the system
 * property {@code tdx.test.workspace} is {@code postgres} (the second Surefire execution). On
 * PostgreSQL each data directory gets its own schema ({@code tdx_test_...}, the same one for a
 * restart on that directory), dropped when the test JVM ends.
 */
public final class TestWorkspace {
  public static final String ENGINE = System.getProperty("tdx.test.workspace", "duckdb").toLowerCase(Locale.ROOT);
  public static final String POSTGRES_URL = System.getProperty("tdx.test.postgres.url",
    "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
  private static final Set<String> SCHEMAS = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(TestWorkspace::dropSchemas, "drop-test-schemas"));
  }

  private TestWorkspace() {
  }

  public static boolean postgres() {
    return ENGINE.equals("postgres");
  }

  /**
   * The workspace configuration for a server on this data directory (the shipped one's fields
   * kept). On PostgreSQL, a database that cannot be reached fails the test under CI and skips it
   * elsewhere (a developer's machine without PostgreSQL).
   */
  public static JsonObject configure(JsonObject workspace, Path dataDir) {
    if (postgres()) {
      requireReachable();
      workspace.put("url", POSTGRES_URL).put("schema", schema(dataDir));
    }
    return workspace;
  }

  private static volatile Boolean reachable;

  private static void requireReachable() {
    if (reachable == null) {
      try (Connection ignored = DriverManager.getConnection(POSTGRES_URL)) {
        reachable = true;
      } catch (SQLException e) {
        reachable = false;
        System.err.println("PostgreSQL is not reachable at " + POSTGRES_URL + ": " + e.getMessage());
      }
    }
    if (!reachable) {
      String why = "PostgreSQL is not reachable at " + POSTGRES_URL + " (set -Dtdx.test.postgres.url)";
      if ("true".equals(System.getenv("CI"))) {
        throw new IllegalStateException(why + "; under CI the PostgreSQL tests must run");
      }
      org.junit.jupiter.api.Assumptions.abort(why + "; the PostgreSQL run is skipped outside CI");
    }
  }

  /** The environment that puts a server process on this data directory's workspace. */
  public static Map<String, String> environment(Path dataDir) {
    Map<String, String> environment = new HashMap<>();
    if (postgres()) {
      requireReachable();
      environment.put("TDX_WORKSPACE_URL", POSTGRES_URL);
      environment.put("TDX_WORKSPACE_SCHEMA", schema(dataDir));
    }
    return environment;
  }

  /** A column type as the engine of this run names it in messages, given DuckDB's name ({@code DOUBLE}, {@code DECIMAL(18,2)}). */
  public static String type(String duckDb) {
    if (!postgres()) {
      return duckDb;
    }
    return switch (duckDb) {
      case "DOUBLE" -> "double precision";
      case "VARCHAR" -> "text";
      case "BIGINT" -> "bigint";
      case "TIMESTAMP" -> "timestamp with time zone";
      default -> duckDb.toLowerCase(Locale.ROOT).replace("decimal", "numeric");
    };
  }

  /** The schema of this data directory's workspace on PostgreSQL. */
  public static String schema(Path dataDir) {
    String schema = "tdx_test_" + Integer.toHexString(dataDir.toAbsolutePath().normalize().toString().hashCode())
      + "_" + Long.toHexString(ProcessHandle.current().pid());
    SCHEMAS.add(schema);
    return schema;
  }

  /** A connection to this data directory's workspace, its tables visible unqualified. */
  public static Connection connect(Path dataDir) throws SQLException {
    if (!postgres()) {
      return DriverManager.getConnection("jdbc:duckdb:" + dataDir.resolve("workspace.duckdb"));
    }
    Connection connection = DriverManager.getConnection(POSTGRES_URL);
    try (Statement statement = connection.createStatement()) {
      statement.execute("SET search_path TO " + schema(dataDir));
    }
    return connection;
  }

  private static void dropSchemas() {
    if (SCHEMAS.isEmpty()) {
      return;
    }
    try (Connection connection = DriverManager.getConnection(POSTGRES_URL); Statement statement = connection.createStatement()) {
      for (String schema : SCHEMAS) {
        statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      }
    } catch (SQLException e) {
      System.err.println("could not drop the test schemas " + SCHEMAS + ": " + e.getMessage());
    }
  }
}
