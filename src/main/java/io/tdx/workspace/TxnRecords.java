package io.tdx.workspace;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Transaction records in the workspace ({@code tdx_transactions}): the final document of every
 * finished transaction, written in the same database transaction as the data it describes, so a
 * record never disagrees with the data and survives a restart. {@code created} (from the
 * document) orders the listing.
 */
final class TxnRecords {
  static final String TABLE = "tdx_transactions";

  private TxnRecords() {
  }

  static void create(Connection connection, Dialect dialect) throws SQLException {
    String timestamp = dialect.timestampType();
    try (Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE IF NOT EXISTS " + TABLE
        + " (id VARCHAR NOT NULL, state VARCHAR NOT NULL, finished " + timestamp + " NOT NULL, document VARCHAR NOT NULL)");
      // records of earlier versions get their creation time from their documents
      statement.execute("ALTER TABLE " + TABLE + " ADD COLUMN IF NOT EXISTS created " + timestamp);
      statement.execute("UPDATE " + TABLE + " SET created = " + created(dialect) + " WHERE created IS NULL");
      if (dialect.enforcesKeys()) {
        statement.execute("CREATE INDEX IF NOT EXISTS " + TABLE + "_id ON " + TABLE + " (id)");
        statement.execute("CREATE INDEX IF NOT EXISTS " + TABLE + "_created ON " + TABLE + " (created, id)");
      }
    }
  }

  /** A record's creation time: its document's, or (a record of a transaction recovered without one) its end. */
  private static String created(Dialect dialect) {
    return dialect.createdOf("document", "finished");
  }

  /**
   * Saves records in one INSERT; with {@code replace}, any of the same ids go first (one DELETE):
   * on DuckDB, where the table has no index, that DELETE reads the whole table, so a commit,
   * which records transactions that have no record yet, does not replace. The creation time comes
   * with the record, not from its document: a document is never parsed by the database
   * (PostgreSQL's JSON refuses the escaped NUL a rejected value may hold).
   */
  static void saveAll(Connection connection, Dialect dialect, List<TxnRecord> records, boolean replace) throws SQLException {
    if (records.isEmpty()) {
      return;
    }
    if (replace) {
      String ids = String.join(", ", java.util.Collections.nCopies(records.size(), "?"));
      try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + TABLE + " WHERE id IN (" + ids + ")")) {
        for (int k = 0; k < records.size(); k++) {
          delete.setString(k + 1, records.get(k).id());
        }
        delete.executeUpdate();
      }
    }
    String timestamp = "CAST(? AS " + dialect.timestampType() + ")";
    String values = String.join(", ", java.util.Collections.nCopies(records.size(),
      "(?, ?, " + timestamp + ", ?, coalesce(" + timestamp + ", " + timestamp + "))"));
    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + TABLE + " (id, state, finished, document, created)"
      + " VALUES " + values)) {
      for (int k = 0; k < records.size(); k++) {
        TxnRecord record = records.get(k);
        int i = 6 * k;
        insert.setString(i + 1, record.id());
        insert.setString(i + 2, record.state());
        insert.setObject(i + 3, utc(record.finished()));
        insert.setString(i + 4, record.document());
        insert.setObject(i + 5, record.created() == null ? null : utc(record.created()));
        insert.setObject(i + 6, utc(record.finished()));
      }
      insert.executeUpdate();
    }
  }

  /** An instant as the UTC date-time both engines store it as (DuckDB's TIMESTAMP; PostgreSQL's timestamptz in a UTC session). */
  private static LocalDateTime utc(Instant instant) {
    return LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
  }

  static Optional<String> find(Connection connection, String id) throws SQLException {
    try (PreparedStatement query = connection.prepareStatement("SELECT document FROM " + TABLE + " WHERE id = ?")) {
      query.setString(1, id);
      try (ResultSet rows = query.executeQuery()) {
        return rows.next() ? Optional.of(rows.getString(1)) : Optional.empty();
      }
    }
  }

  /**
   * Up to {@code limit} documents ordered by creation time, then id, after the given position
   * (none when {@code afterCreated} is null), optionally in one state.
   */
  static List<String> page(Connection connection, Dialect dialect, String state, Instant afterCreated, String afterId, int limit)
    throws SQLException {
    StringBuilder sql = new StringBuilder("SELECT document FROM " + TABLE + " WHERE true");
    if (state != null) {
      sql.append(" AND state = ?");
    }
    if (afterCreated != null) {
      String at = "CAST(? AS " + dialect.timestampType() + ")";
      sql.append(" AND (created > " + at + " OR (created = " + at + " AND id > ?))");
    }
    sql.append(" ORDER BY created, id LIMIT ?");
    try (PreparedStatement query = connection.prepareStatement(sql.toString())) {
      int i = 0;
      if (state != null) {
        query.setString(++i, state);
      }
      if (afterCreated != null) {
        String at = java.time.LocalDateTime.ofInstant(afterCreated, java.time.ZoneOffset.UTC).toString();
        query.setString(++i, at);
        query.setString(++i, at);
        query.setString(++i, afterId);
      }
      query.setInt(++i, limit);
      List<String> documents = new java.util.ArrayList<>();
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          documents.add(rows.getString(1));
        }
      }
      return documents;
    }
  }

  static Set<String> known(Connection connection) throws SQLException {
    Set<String> ids = new HashSet<>();
    try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery("SELECT id FROM " + TABLE)) {
      while (rows.next()) {
        ids.add(rows.getString(1));
      }
    }
    return ids;
  }

  static int purge(Connection connection, Instant before) throws SQLException {
    try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + TABLE + " WHERE finished < ?")) {
      delete.setObject(1, utc(before));
      return delete.executeUpdate();
    }
  }
}
