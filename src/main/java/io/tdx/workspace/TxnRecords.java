package io.tdx.workspace;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Transaction records in the workspace ({@code tdx_transactions}): the final document of every
 * finished transaction, written in the same database transaction as the data it describes, so a
 * record never disagrees with the data and survives a restart.
 */
final class TxnRecords {
  static final String TABLE = "tdx_transactions";

  private TxnRecords() {
  }

  static void create(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE IF NOT EXISTS " + TABLE
        + " (id VARCHAR NOT NULL, state VARCHAR NOT NULL, finished TIMESTAMP NOT NULL, document VARCHAR NOT NULL)");
    }
  }

  /** Saves records, replacing any of the same ids: one DELETE and one INSERT for all of them. */
  static void saveAll(Connection connection, List<TxnRecord> records) throws SQLException {
    if (records.isEmpty()) {
      return;
    }
    String ids = String.join(", ", java.util.Collections.nCopies(records.size(), "?"));
    String values = String.join(", ", java.util.Collections.nCopies(records.size(), "(?, ?, ?, ?)"));
    try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + TABLE + " WHERE id IN (" + ids + ")");
         PreparedStatement insert = connection.prepareStatement("INSERT INTO " + TABLE + " VALUES " + values)) {
      for (int i = 0; i < records.size(); i++) {
        TxnRecord record = records.get(i);
        delete.setString(i + 1, record.id());
        insert.setString(4 * i + 1, record.id());
        insert.setString(4 * i + 2, record.state());
        insert.setTimestamp(4 * i + 3, Timestamp.from(record.finished()));
        insert.setString(4 * i + 4, record.document());
      }
      delete.executeUpdate();
      insert.executeUpdate();
    }
  }

  static Optional<String> find(Connection connection, String id) throws SQLException {
    try (PreparedStatement query = connection.prepareStatement("SELECT document FROM " + TABLE + " WHERE id = ?")) {
      query.setString(1, id);
      try (ResultSet rows = query.executeQuery()) {
        return rows.next() ? Optional.of(rows.getString(1)) : Optional.empty();
      }
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
      delete.setTimestamp(1, Timestamp.from(before));
      return delete.executeUpdate();
    }
  }
}
