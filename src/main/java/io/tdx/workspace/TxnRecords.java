package io.tdx.workspace;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Transaction records in the workspace ({@code tdx_transactions}): the final document of every
 * finished transaction, written in the same database transaction as the data it describes, so a
 * record never disagrees with the data and survives a restart. {@code created} (from the
 * document) orders the listing.
 */
final class TxnRecords {
  static final String TABLE = "tdx_transactions";
  private static final DateTimeFormatter UTC_TEXT = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSS").withZone(ZoneOffset.UTC);

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
      // who started it (null on a server without authentication, and for records of earlier versions): the listing's filter
      statement.execute("ALTER TABLE " + TABLE + " ADD COLUMN IF NOT EXISTS principal VARCHAR");
      if (dialect.enforcesKeys()) {
        // one record per transaction, enforced: the record a commit writes with its data fences it against the
        // record a surviving node writes for a transaction whose owner died (see Save.IF_ABSENT)
        statement.execute("CREATE UNIQUE INDEX IF NOT EXISTS " + TABLE + "_key ON " + TABLE + " (id)");
        statement.execute("DROP INDEX IF EXISTS " + TABLE + "_id");
        statement.execute("CREATE INDEX IF NOT EXISTS " + TABLE + "_created ON " + TABLE + " (created, id)");
      }
    }
  }

  /** A record's creation time: its document's, or (a record of a transaction recovered without one) its end. */
  private static String created(Dialect dialect) {
    return dialect.createdOf("document", "finished");
  }

  /** How records are saved. */
  enum Save {
    /** Inserted: the transactions have no record yet (a commit's, written with its data). */
    INSERT,
    /** Any record of the same ids goes first. */
    REPLACE,
    /**
     * Only where the transaction has no record (nor one being written: the unique index makes
     * the insert wait for it): a record that another node's commit wrote stands.
     */
    IF_ABSENT
  }

  /**
   * Saves records in one INSERT; with {@link Save#REPLACE}, any of the same ids go first (one DELETE):
   * on DuckDB, where the table has no index, that DELETE reads the whole table, so a commit,
   * which records transactions that have no record yet, does not replace. The creation time comes
   * with the record, not from its document: a document is never parsed by the database
   * (PostgreSQL's JSON refuses the escaped NUL a rejected value may hold). The records travel as
   * arrays, so the statements' text does not depend on how many there are and the connection
   * prepares them once ({@link StatementCache}).
   */
  static void saveAll(StatementCache statements, Dialect dialect, List<TxnRecord> records, Save save) throws SQLException {
    if (records.isEmpty()) {
      return;
    }
    Connection connection = statements.connection();
    List<Array> arrays = new ArrayList<>();
    try {
      if (save == Save.REPLACE) {
        PreparedStatement delete = statements.prepare("DELETE FROM " + TABLE + " WHERE id IN (SELECT unnest(CAST(? AS text[])))");
        delete.setArray(1, text(connection, arrays, records, TxnRecord::id));
        delete.executeUpdate();
      }
      String timestamp = dialect.timestampType();
      PreparedStatement insert = statements.prepare("INSERT INTO " + TABLE + " (id, state, finished, document, created, principal)"
        + " SELECT id, state, CAST(finished AS " + timestamp + "), document, CAST(coalesce(created, finished) AS " + timestamp + "),"
        + " principal FROM (SELECT unnest(CAST(? AS text[])) AS id, unnest(CAST(? AS text[])) AS state,"
        + " unnest(CAST(? AS text[])) AS finished, unnest(CAST(? AS text[])) AS document, unnest(CAST(? AS text[])) AS created,"
        + " unnest(CAST(? AS text[])) AS principal) r"
        + (save == Save.IF_ABSENT ? " WHERE NOT EXISTS (SELECT 1 FROM " + TABLE + " t WHERE t.id = r.id)"
          + (dialect.enforcesKeys() ? " ON CONFLICT DO NOTHING" : "") : ""));
      insert.setArray(1, text(connection, arrays, records, TxnRecord::id));
      insert.setArray(2, text(connection, arrays, records, TxnRecord::state));
      insert.setArray(3, text(connection, arrays, records, record -> utc(record.finished())));
      insert.setArray(4, text(connection, arrays, records, TxnRecord::document));
      insert.setArray(5, text(connection, arrays, records, record -> record.created() == null ? null : utc(record.created())));
      insert.setArray(6, text(connection, arrays, records, TxnRecord::principal));
      insert.executeUpdate();
    } finally {
      for (Array array : arrays) {
        array.free();
      }
    }
  }

  /** One field of each record as a text array parameter, kept in {@code arrays} to be freed after the run. */
  private static Array text(Connection connection, List<Array> arrays, List<TxnRecord> records, Function<TxnRecord, String> field)
    throws SQLException {
    Array array = connection.createArrayOf("text", records.stream().map(field).toArray(String[]::new));
    arrays.add(array);
    return array;
  }

  /** An instant as the text of the UTC date-time both engines store it as (DuckDB's TIMESTAMP; PostgreSQL's timestamptz in a UTC session). */
  private static String utc(Instant instant) {
    return UTC_TEXT.format(instant);
  }

  static Optional<String> find(StatementCache statements, String id) throws SQLException {
    PreparedStatement query = statements.prepare("SELECT document FROM " + TABLE + " WHERE id = ?");
    query.setString(1, id);
    try (ResultSet rows = query.executeQuery()) {
      return rows.next() ? Optional.of(rows.getString(1)) : Optional.empty();
    }
  }

  /**
   * Up to {@code limit} documents ordered by creation time, then id, after the given position
   * (none when {@code afterCreated} is null), optionally in one state, optionally of one principal;
   * {@code newest} first (and "after" meaning older), or oldest first.
   */
  static List<String> page(Connection connection, Dialect dialect, String state, String principal, Instant afterCreated,
                           String afterId, int limit, boolean newest) throws SQLException {
    StringBuilder sql = new StringBuilder("SELECT document FROM " + TABLE + " WHERE true");
    if (state != null) {
      sql.append(" AND state = ?");
    }
    if (principal != null) {
      sql.append(" AND principal = ?");
    }
    if (afterCreated != null) {
      String at = "CAST(? AS " + dialect.timestampType() + ")";
      String beyond = newest ? "<" : ">";
      sql.append(" AND (created " + beyond + " " + at + " OR (created = " + at + " AND id " + beyond + " ?))");
    }
    sql.append(newest ? " ORDER BY created DESC, id DESC LIMIT ?" : " ORDER BY created, id LIMIT ?");
    try (PreparedStatement query = connection.prepareStatement(sql.toString())) {
      int i = 0;
      if (state != null) {
        query.setString(++i, state);
      }
      if (principal != null) {
        query.setString(++i, principal);
      }
      if (afterCreated != null) {
        String at = utc(afterCreated);
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

  static int delete(Connection connection, String id) throws SQLException {
    try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + TABLE + " WHERE id = ?")) {
      delete.setString(1, id);
      return delete.executeUpdate();
    }
  }

  static int purge(Connection connection, Instant before) throws SQLException {
    try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + TABLE + " WHERE finished < ?")) {
      delete.setObject(1, LocalDateTime.ofInstant(before, ZoneOffset.UTC));
      return delete.executeUpdate();
    }
  }
}
