package io.tdx.service;

import io.vertx.core.json.JsonArray;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The declared services, by prefix. Immutable once built. */
public final class Services {
  private final Map<String, ServiceDefinition> byPrefix;
  private final List<ServiceDefinition> ordered;
  private final JsonArray declarations;

  public Services(List<ServiceDefinition> services, JsonArray declarations) {
    Map<String, ServiceDefinition> map = new LinkedHashMap<>();
    services.forEach(s -> map.put(s.prefix(), s));
    this.byPrefix = Map.copyOf(map);
    this.ordered = List.copyOf(services);
    this.declarations = declarations.copy();
  }

  /** The declarations these services were read from, as in the configuration. */
  public JsonArray declarations() {
    return declarations.copy();
  }

  public Optional<ServiceDefinition> byPrefix(String prefix) {
    return Optional.ofNullable(byPrefix.get(prefix));
  }

  public ServiceDefinition get(String prefix) {
    return byPrefix(prefix).orElseThrow(() -> new IllegalArgumentException("no service " + prefix));
  }

  public Collection<ServiceDefinition> all() {
    return ordered;
  }

  /** The (service, column) pairs whose column references the given service's key. */
  public List<Map.Entry<ServiceDefinition, Column>> referencesTo(ServiceDefinition target) {
    return ordered.stream()
      .flatMap(s -> s.columns().stream()
        .filter(c -> c.reference() != null && c.reference().service().equals(target.prefix()))
        .map(c -> Map.entry(s, c)))
      .toList();
  }
}
