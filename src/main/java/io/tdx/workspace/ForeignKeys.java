package io.tdx.workspace;

import io.tdx.service.Column;
import io.tdx.service.ServiceDefinition;
import io.tdx.service.Services;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The foreign keys of the declared references, on an engine that enforces keys: one for each
 * reference to a service whose key is one column of the same type, named {@code tdx_fk_<table>_<column>};
 * those the declarations no longer want are dropped. The merge checks references itself (and
 * names the rejected rows); the constraint is what keeps concurrent writers honest. It is checked
 * at commit ({@code DEFERRABLE INITIALLY DEFERRED}): the parts of one transaction may add a key
 * and its references in either order.
 */
final class ForeignKeys {
  private static final Logger LOG = LoggerFactory.getLogger(ForeignKeys.class);
  static final String PREFIX = "tdx_fk_";
  private static final int MAX_NAME = 63;

  private ForeignKeys() {
  }

  private record Constraint(String table, String definition) {
  }

  static void apply(Connection connection, Dialect dialect, Services services) throws SQLException {
    Map<String, Constraint> wanted = new LinkedHashMap<>();
    for (ServiceDefinition service : services.all()) {
      for (Column column : service.columns()) {
        if (column.reference() == null) {
          continue;
        }
        ServiceDefinition target = services.get(column.reference().service());
        if (target.keys().size() != 1 || !dialect.type(target.keys().get(0)).equals(dialect.type(column))) {
          continue;
        }
        wanted.put(name(service.table(), column.name()), new Constraint(service.table(), "FOREIGN KEY (" + Sql.quote(column.name())
          + ") REFERENCES " + Sql.quote(target.table()) + " (" + Sql.quote(target.keys().get(0).name()) + ") DEFERRABLE INITIALLY DEFERRED"));
      }
    }
    Map<String, String> existing = existing(connection);
    try (Statement statement = connection.createStatement()) {
      for (Map.Entry<String, String> found : existing.entrySet()) {
        if (!wanted.containsKey(found.getKey())) {
          statement.execute("ALTER TABLE " + Sql.quote(found.getValue()) + " DROP CONSTRAINT " + Sql.quote(found.getKey()));
          LOG.info("dropped foreign key {} of table {}: its reference is no longer declared", found.getKey(), found.getValue());
        }
      }
      for (Map.Entry<String, Constraint> constraint : wanted.entrySet()) {
        if (!existing.containsKey(constraint.getKey())) {
          statement.execute("ALTER TABLE " + Sql.quote(constraint.getValue().table()) + " ADD CONSTRAINT "
            + Sql.quote(constraint.getKey()) + " " + constraint.getValue().definition());
        }
      }
    }
  }

  /** The server's foreign keys in the current schema: name to table. */
  private static Map<String, String> existing(Connection connection) throws SQLException {
    Map<String, String> found = new HashMap<>();
    try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(
      "SELECT constraint_name, table_name FROM information_schema.table_constraints WHERE constraint_type = 'FOREIGN KEY'"
        + " AND table_schema = current_schema() AND constraint_name LIKE 'tdx\\_fk\\_%'")) {
      while (rows.next()) {
        found.put(rows.getString(1), rows.getString(2));
      }
    }
    return found;
  }

  /** {@code tdx_fk_<table>_<column>} in lower case, shortened with a hash to the 63 characters an identifier may have. */
  static String name(String table, String column) {
    String name = (PREFIX + table + "_" + column).toLowerCase(Locale.ROOT);
    if (name.length() <= MAX_NAME) {
      return name;
    }
    String hash = Integer.toHexString(name.hashCode());
    return name.substring(0, MAX_NAME - hash.length() - 1) + "_" + hash;
  }
}
