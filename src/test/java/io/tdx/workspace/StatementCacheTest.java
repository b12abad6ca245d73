package io.tdx.workspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("StatementCache: a connection's statements prepared once, on a real DuckDB")
class StatementCacheTest {
  private Connection connection;
  private StatementCache cache;

  @BeforeEach
  void open() throws SQLException {
    connection = DriverManager.getConnection("jdbc:duckdb:");
    try (Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE t (k VARCHAR, v INTEGER)");
      statement.execute("INSERT INTO t VALUES ('a', 1), ('b', 2)");
    }
    cache = new StatementCache(connection);
  }

  @AfterEach
  void close() throws SQLException {
    cache.close();
    connection.close();
  }

  private int valueOf(String key) throws SQLException {
    PreparedStatement query = cache.prepare("SELECT v FROM t WHERE k = ?");
    query.setString(1, key);
    try (ResultSet rows = query.executeQuery()) {
      return rows.next() ? rows.getInt(1) : -1;
    }
  }

  @Test
  @DisplayName("the same SQL gets the same statement, run again with new parameters")
  void reuses() throws SQLException {
    PreparedStatement first = cache.prepare("SELECT v FROM t WHERE k = ?");
    assertEquals(1, valueOf("a"));
    assertEquals(2, valueOf("b"));
    assertSame(first, cache.prepare("SELECT v FROM t WHERE k = ?"));
    assertEquals(1, cache.size());
  }

  @Test
  @DisplayName("a table made again sees the new table; a statement the driver closed on failure is prepared again")
  void followsTheCatalog() throws SQLException {
    assertEquals(1, valueOf("a"));
    try (Statement statement = connection.createStatement()) {
      statement.execute("DROP TABLE t");
      statement.execute("CREATE TABLE t (k VARCHAR, w VARCHAR, v INTEGER)");
      statement.execute("INSERT INTO t VALUES ('a', 'x', 7)");
    }
    assertEquals(7, valueOf("a"));
    try (Statement statement = connection.createStatement()) {
      statement.execute("DROP TABLE t");
    }
    PreparedStatement failed = cache.prepare("SELECT v FROM t WHERE k = ?");
    assertThrows(SQLException.class, () -> valueOf("a"));
    try (Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE t (k VARCHAR, v INTEGER)");
      statement.execute("INSERT INTO t VALUES ('a', 9)");
    }
    assertEquals(9, valueOf("a"));
    assertTrue(failed.isClosed() || failed == cache.prepare("SELECT v FROM t WHERE k = ?"));
  }

  @Test
  @DisplayName("past its capacity the least recently used statement is closed; closing the cache closes the rest")
  void bounded() throws SQLException {
    PreparedStatement eldest = cache.prepare("SELECT 0");
    PreparedStatement used = cache.prepare("SELECT 1");
    for (int i = 2; i <= StatementCache.CAPACITY; i++) {
      cache.prepare("SELECT " + i);
      cache.prepare("SELECT 1");
    }
    assertEquals(StatementCache.CAPACITY, cache.size());
    assertTrue(eldest.isClosed());
    assertFalse(used.isClosed());
    assertNotSame(eldest, cache.prepare("SELECT 0"));
    cache.close();
    assertTrue(used.isClosed());
    assertEquals(0, cache.size());
  }
}
