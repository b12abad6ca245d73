package io.tdx.workspace;

import io.tdx.config.ConfigException;
import io.tdx.service.Column;
import io.tdx.service.ServiceDefinition;
import io.tdx.service.Services;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the workspace's tables match the declarations at start: creates missing tables, adds
 * newly declared optional columns, and refuses (naming the service and column) any other
 * difference, which would need a migration the server cannot guess.
 *
 * <p>Key columns are {@code NOT NULL} and recorded in {@code tdx_keys}. On an engine that
 * enforces keys ({@link Dialect#enforcesKeys}, PostgreSQL) they are the table's {@code PRIMARY
 * KEY}, and a declared reference to a service with a one-column key of the same type is a
 * {@code FOREIGN KEY} (named {@code tdx_fk_...}, dropped again when the declaration goes). On
 * DuckDB they are not a {@code PRIMARY KEY}: DuckDB builds primary-key (ART) indexes in memory,
 * and a table of tens of millions of keys does not fit (a 30M-row sales table ran out of a 4 GB
 * limit at commit). The server keeps keys unique itself there: duplicate keys in a file are
 * rejected, and every merge runs set-based against the table's current state, one writer at a time.
 */
final class SchemaManager {
  private static final Logger LOG = LoggerFactory.getLogger(SchemaManager.class);

  private SchemaManager() {
  }

  static final String KEYS_TABLE = "tdx_keys";

  static void apply(Connection connection, Dialect dialect, Services services) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE IF NOT EXISTS " + KEYS_TABLE + " (table_name VARCHAR NOT NULL, key_columns VARCHAR NOT NULL)");
    }
    TxnRecords.create(connection, dialect);
    for (ServiceDefinition service : services.all()) {
      Map<String, ExistingColumn> existing = columns(connection, dialect, service.table());
      if (existing.isEmpty()) {
        create(connection, dialect, service);
      } else {
        reconcile(connection, dialect, service, existing);
      }
    }
    if (dialect.enforcesKeys()) {
      ForeignKeys.apply(connection, dialect, services);
    }
  }

  private record ExistingColumn(String name, String type, boolean nullable) {
  }

  private static Map<String, ExistingColumn> columns(Connection connection, Dialect dialect, String table) throws SQLException {
    Map<String, ExistingColumn> columns = new LinkedHashMap<>();
    try (PreparedStatement statement = connection.prepareStatement(dialect.columnsQuery())) {
      statement.setString(1, table);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          columns.put(rows.getString(1).toLowerCase(Locale.ROOT),
            new ExistingColumn(rows.getString(1), rows.getString(2), "YES".equals(rows.getString(3))));
        }
      }
    }
    return columns;
  }

  private static void create(Connection connection, Dialect dialect, ServiceDefinition service) throws SQLException {
    String columns = service.columns().stream()
      .map(c -> Sql.quote(c.name()) + " " + dialect.type(c) + (c.optional() ? "" : " NOT NULL"))
      .collect(Collectors.joining(", "));
    String key = dialect.enforcesKeys() ? ", PRIMARY KEY (" + Sql.columnList(service.keys(), "") + ")" : "";
    try (Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE " + Sql.quote(service.table()) + " (" + columns + key + ")");
    }
    try (PreparedStatement record = connection.prepareStatement("INSERT INTO " + KEYS_TABLE + " VALUES (lower(?), ?)")) {
      record.setString(1, service.table());
      record.setString(2, keyList(service.keys().stream().map(Column::name).toList()));
      record.executeUpdate();
    }
    LOG.info("created table {} for service {}", service.table(), service.prefix());
  }

  private static void reconcile(Connection connection, Dialect dialect, ServiceDefinition service,
                                Map<String, ExistingColumn> existing)
    throws SQLException {
    String where = "service '" + service.prefix() + "' (table " + service.table() + ")";
    List<Column> added = new ArrayList<>();
    for (Column column : service.columns()) {
      ExistingColumn found = existing.remove(column.name().toLowerCase(Locale.ROOT));
      if (found == null) {
        if (column.key() || column.required()) {
          throw new ConfigException(where + ": column '" + column.name() + "' is declared "
            + (column.key() ? "as a key" : "required") + " but the table has no such column; existing rows would have no value");
        }
        added.add(column);
      } else if (!found.type().equalsIgnoreCase(dialect.type(column))) {
        throw new ConfigException(where + ": column '" + column.name() + "' is declared " + dialect.type(column)
          + " but the table holds " + found.type());
      } else if (found.nullable() != column.optional()) {
        throw new ConfigException(where + ": column '" + column.name() + "' is declared "
          + (column.optional() ? "optional" : "required") + " but the table has it " + (found.nullable() ? "nullable" : "NOT NULL"));
      }
    }
    if (!existing.isEmpty()) {
      throw new ConfigException(where + ": column '" + existing.values().iterator().next().name()
        + "' is in the table but not declared");
    }
    List<String> keys = primaryKey(connection, service.table());
    List<String> declared = service.keys().stream().map(c -> c.name().toLowerCase(Locale.ROOT)).toList();
    if (keys.isEmpty()) {
      throw new ConfigException(where + ": the table exists but was not created by the TDX server (no record in "
        + KEYS_TABLE + "); use another table name");
    }
    if (!keys.equals(declared)) {
      throw new ConfigException(where + ": key columns are declared as " + declared + " but the table's key is " + keys);
    }
    for (Column column : added) {
      try (Statement statement = connection.createStatement()) {
        statement.execute("ALTER TABLE " + Sql.quote(service.table()) + " ADD COLUMN " + Sql.quote(column.name()) + " "
          + dialect.type(column));
      }
      LOG.info("added optional column {} to table {} for service {}", column.name(), service.table(), service.prefix());
    }
  }

  private static String keyList(List<String> names) {
    return names.stream().map(n -> n.toLowerCase(Locale.ROOT)).collect(Collectors.joining(","));
  }

  /** The key columns recorded for a table, lower case; empty when the table was not created by this server. */
  private static List<String> primaryKey(Connection connection, String table) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(
      "SELECT key_columns FROM " + KEYS_TABLE + " WHERE table_name = lower(?)")) {
      statement.setString(1, table);
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next() ? List.of(rows.getString(1).split(",")) : List.of();
      }
    }
  }
}
