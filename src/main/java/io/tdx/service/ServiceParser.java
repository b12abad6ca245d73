package io.tdx.service;

import io.tdx.config.ConfigException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads service declarations from the configuration's {@code services} array. Every mistake
 * stops the server at start with a message that names the service and the field.
 */
public final class ServiceParser {
  private static final Pattern PREFIX = Pattern.compile("/[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*");
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Set<String> SERVICE_FIELDS =
    Set.of("prefix", "table", "delimiter", "quote", "escape", "columns", "exportOnly");
  private static final Set<String> COLUMN_FIELDS =
    Set.of("name", "type", "key", "optional", "precision", "scale", "format", "checks", "reference");
  private static final Set<String> RESERVED_PREFIXES = Set.of("/txn", "/tdx");

  private ServiceParser() {
  }

  public static Services parse(JsonArray declarations) {
    if (declarations == null || declarations.isEmpty()) {
      throw new ConfigException("services: declare at least one service");
    }
    List<ServiceDefinition> services = new ArrayList<>();
    Set<String> prefixes = new HashSet<>();
    Set<String> tables = new HashSet<>();
    for (int i = 0; i < declarations.size(); i++) {
      Object entry = declarations.getValue(i);
      if (!(entry instanceof JsonObject json)) {
        throw new ConfigException("services[" + i + "]: expected an object");
      }
      ServiceDefinition service = service(json, "services[" + i + "]");
      if (!prefixes.add(service.prefix())) {
        throw new ConfigException("service '" + service.prefix() + "': prefix declared twice");
      }
      if (!tables.add(service.table().toLowerCase(Locale.ROOT))) {
        throw new ConfigException("service '" + service.prefix() + "': table '" + service.table() + "' is bound twice");
      }
      services.add(service);
    }
    Services result = new Services(services, declarations);
    result.all().forEach(s -> checkReferences(s, result));
    return result;
  }

  private static ServiceDefinition service(JsonObject json, String where) {
    String prefix = json.getValue("prefix") instanceof String p ? p : null;
    if (prefix == null || !PREFIX.matcher(prefix).matches()) {
      throw new ConfigException(where + ": field 'prefix' must be a path like /products (got " + json.getValue("prefix") + ")");
    }
    String name = "service '" + prefix + "'";
    if (RESERVED_PREFIXES.stream().anyMatch(r -> prefix.equals(r) || prefix.startsWith(r + "/"))) {
      throw new ConfigException(name + ": field 'prefix': " + prefix + " is reserved by the server");
    }
    unknownFields(json, SERVICE_FIELDS, name);
    String table = string(json, "table", name, prefix.substring(1).replace('/', '_'));
    if (!IDENTIFIER.matcher(table).matches() || table.toLowerCase(Locale.ROOT).startsWith("tdx_")) {
      throw new ConfigException(name + ": field 'table': '" + table
        + "' must be a plain identifier that does not start with tdx_");
    }
    CsvDialect dialect = new CsvDialect(
      character(json, "delimiter", name, ','), character(json, "quote", name, '"'), character(json, "escape", name, (char) 0));
    if (dialect.delimiter() == dialect.quote() || dialect.delimiter() == dialect.escape()) {
      throw new ConfigException(name + ": field 'delimiter' must differ from 'quote' and 'escape'");
    }
    if (dialect.escape() > 0x7f) {
      throw new ConfigException(name + ": field 'escape' must be an ASCII character (got '" + dialect.escape() + "')");
    }
    List<Column> columns = columns(json.getValue("columns"), name);
    boolean exportOnly = bool(json, "exportOnly", name, false);
    return new ServiceDefinition(prefix, table, dialect, List.copyOf(columns), exportOnly);
  }

  private static List<Column> columns(Object value, String service) {
    if (!(value instanceof JsonArray array) || array.isEmpty()) {
      throw new ConfigException(service + ": field 'columns' must be a non-empty array");
    }
    List<Column> columns = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < array.size(); i++) {
      if (!(array.getValue(i) instanceof JsonObject json)) {
        throw new ConfigException(service + ": columns[" + i + "] must be an object");
      }
      Column column = column(json, service, i);
      if (!names.add(column.name().toLowerCase(Locale.ROOT))) {
        throw new ConfigException(service + ": column '" + column.name() + "' is declared twice");
      }
      columns.add(column);
    }
    if (columns.stream().noneMatch(Column::key)) {
      throw new ConfigException(service + ": field 'columns': at least one column must be a key");
    }
    return columns;
  }

  private static Column column(JsonObject json, String service, int index) {
    Object rawName = json.getValue("name");
    if (!(rawName instanceof String name) || name.isBlank() || name.startsWith("__") || name.chars().anyMatch(Character::isISOControl)) {
      throw new ConfigException(service + ": columns[" + index + "]: field 'name' must be a non-empty name without control characters or a leading __");
    }
    String where = service + ": column '" + name + "'";
    unknownFields(json, COLUMN_FIELDS, where);
    ColumnType type;
    try {
      type = ColumnType.named(string(json, "type", where, null));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(where + ": field 'type': " + e.getMessage());
    }
    boolean key = bool(json, "key", where, false);
    boolean optional = bool(json, "optional", where, false);
    if (key && optional) {
      throw new ConfigException(where + ": field 'optional': a key column cannot be optional");
    }
    boolean declaresScale = json.containsKey("scale");
    int precision = integer(json, "precision", where, ColumnType.DEFAULT_PRECISION);
    int scale = integer(json, "scale", where, declaresScale || json.containsKey("precision") ? 0 : ColumnType.DEFAULT_SCALE);
    if ((json.containsKey("precision") || declaresScale) && type != ColumnType.DECIMAL) {
      throw new ConfigException(where + ": field 'precision'/'scale' applies only to decimal columns");
    }
    if (precision < 1 || precision > 38 || scale < 0 || scale > precision) {
      throw new ConfigException(where + ": field 'precision'/'scale': need 1 <= precision <= 38 and 0 <= scale <= precision");
    }
    String pattern = json.getString("format");
    DateTimeFormatter format = null;
    if (pattern != null) {
      if (type != ColumnType.DATE) {
        throw new ConfigException(where + ": field 'format' applies only to date columns");
      }
      try {
        format = DateTimeFormatter.ofPattern(pattern, Locale.ROOT);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(where + ": field 'format': " + e.getMessage());
      }
    }
    Reference reference = reference(json.getValue("reference"), where);
    Column draft = new Column(name, type, key, optional, precision, scale, declaresScale || json.containsKey("precision"),
      pattern, format, List.of(), reference);
    return new Column(name, type, key, optional, precision, scale, draft.declaresScale(), pattern, format,
      checks(json.getValue("checks"), draft, where), reference);
  }

  private static List<Check> checks(Object value, Column column, String where) {
    if (value == null) {
      return List.of();
    }
    List<Object> specs = value instanceof JsonArray array ? array.getList() : List.of(value);
    List<Check> checks = new ArrayList<>();
    for (Object spec : specs) {
      if (!(spec instanceof String text)) {
        throw new ConfigException(where + ": field 'checks' must hold strings such as \"1..53\" or \">= 0\"");
      }
      try {
        checks.add(Check.parse(text, column));
      } catch (RuntimeException e) {
        throw new ConfigException(where + ": field 'checks': " + e.getMessage());
      }
    }
    return List.copyOf(checks);
  }

  private static Reference reference(Object value, String where) {
    if (value == null) {
      return null;
    }
    if (value instanceof String service) {
      return new Reference(service, false);
    }
    if (!(value instanceof JsonObject json) || !(json.getValue("service") instanceof String service)) {
      throw new ConfigException(where + ": field 'reference' must be {\"service\": \"/prefix\", \"onMissing\": \"reject\"|\"accumulate\"}");
    }
    String onMissing = json.getString("onMissing", "reject");
    if (!onMissing.equals("reject") && !onMissing.equals("accumulate")) {
      throw new ConfigException(where + ": field 'reference.onMissing' must be reject or accumulate (got " + onMissing + ")");
    }
    return new Reference(service, onMissing.equals("accumulate"));
  }

  private static void checkReferences(ServiceDefinition service, Services services) {
    for (Column column : service.columns()) {
      Reference reference = column.reference();
      if (reference == null) {
        continue;
      }
      String where = "service '" + service.prefix() + "': column '" + column.name() + "': field 'reference'";
      ServiceDefinition target = services.byPrefix(reference.service())
        .orElseThrow(() -> new ConfigException(where + ": no service " + reference.service()));
      if (target == service) {
        throw new ConfigException(where + ": a service cannot reference itself");
      }
      if (target.keys().size() != 1 || target.keys().get(0).type() != column.type()) {
        throw new ConfigException(where + ": " + reference.service()
          + " must have exactly one key column of type " + column.type().jsonName());
      }
      if (reference.accumulate() && target.values().stream().anyMatch(Column::required)) {
        throw new ConfigException(where + ": accumulate needs every non-key column of " + reference.service()
          + " to be optional");
      }
    }
  }

  private static void unknownFields(JsonObject json, Set<String> known, String where) {
    for (String field : json.fieldNames()) {
      if (!known.contains(field)) {
        throw new ConfigException(where + ": unknown field '" + field + "' (known: " + String.join(", ", known.stream().sorted().toList()) + ")");
      }
    }
  }

  private static String string(JsonObject json, String field, String where, String fallback) {
    Object value = json.getValue(field);
    if (value == null && fallback != null) {
      return fallback;
    }
    if (!(value instanceof String s) || s.isEmpty()) {
      throw new ConfigException(where + ": field '" + field + "' must be a non-empty string");
    }
    return s;
  }

  private static char character(JsonObject json, String field, String where, char fallback) {
    Object value = json.getValue(field);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof String s) || s.length() != 1 || s.charAt(0) == '\n' || s.charAt(0) == '\r') {
      throw new ConfigException(where + ": field '" + field + "' must be a single character other than a line break");
    }
    return s.charAt(0);
  }

  private static boolean bool(JsonObject json, String field, String where, boolean fallback) {
    Object value = json.getValue(field);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof Boolean b)) {
      throw new ConfigException(where + ": field '" + field + "' must be true or false");
    }
    return b;
  }

  private static int integer(JsonObject json, String field, String where, int fallback) {
    Object value = json.getValue(field);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof Integer i)) {
      throw new ConfigException(where + ": field '" + field + "' must be an integer");
    }
    return i;
  }
}
