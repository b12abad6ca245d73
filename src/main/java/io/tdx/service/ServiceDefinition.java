package io.tdx.service;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A TDX service: a URL prefix bound to a file definition (dialect and columns) and to the
 * workspace table that holds its rows. Key columns form the table's primary key.
 */
public record ServiceDefinition(
  String prefix,
  String table,
  CsvDialect dialect,
  List<Column> columns,
  boolean exportOnly) {

  public List<Column> keys() {
    return columns.stream().filter(Column::key).toList();
  }

  public List<Column> values() {
    return columns.stream().filter(c -> !c.key()).toList();
  }

  public Optional<Column> column(String name) {
    return Optional.ofNullable(byName().get(name));
  }

  public List<String> columnNames() {
    return columns.stream().map(Column::name).toList();
  }

  private Map<String, Column> byName() {
    return columns.stream().collect(Collectors.toMap(Column::name, Function.identity()));
  }
}
