package io.tdx.service;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The declared services, by prefix. Immutable once built. */
public final class Services {
  private final Map<String, ServiceDefinition> byPrefix;
  private final List<ServiceDefinition> ordered;

  public Services(List<ServiceDefinition> services) {
    Map<String, ServiceDefinition> map = new LinkedHashMap<>();
    services.forEach(s -> map.put(s.prefix(), s));
    this.byPrefix = Map.copyOf(map);
    this.ordered = List.copyOf(services);
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
