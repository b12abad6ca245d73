package io.tdx.workspace;

import io.tdx.csv.CsvRowWriter;
import io.tdx.service.Column;
import io.tdx.service.ServiceDefinition;
import java.io.IOException;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Writes a service's table as CSV, header first, ordered by key, one row at a time. The rows come
 * through a cursor a batch at a time (in a transaction, where the engine needs one for it), so a
 * table is never held in memory.
 */
final class Exporter {
  private Exporter() {
  }

  static final int FETCH_ROWS = 10_000;

  static ExportSummary export(Connection connection, Dialect dialect, ServiceDefinition service, OutputStream output)
    throws SQLException, IOException {
    List<Column> columns = service.columns();
    String sql = "SELECT " + Sql.columnList(columns, "") + " FROM " + Sql.quote(service.table())
      + " ORDER BY " + Sql.columnList(service.keys(), "");
    long rows = 0;
    try (Statement statement = connection.createStatement()) {
      statement.setFetchSize(FETCH_ROWS);
      try (ResultSet result = statement.executeQuery(sql); CsvRowWriter writer = new CsvRowWriter(output, service.dialect())) {
        writer.write(service.columnNames().toArray(String[]::new));
        String[] record = new String[columns.size()];
        while (result.next()) {
          for (int i = 0; i < record.length; i++) {
            Column column = columns.get(i);
            record[i] = column.format(dialect.read(result, i + 1, column.type()));
          }
          writer.write(record);
          rows++;
        }
      }
    }
    return new ExportSummary(service.prefix(), rows);
  }
}
