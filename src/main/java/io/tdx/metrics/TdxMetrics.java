package io.tdx.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.backends.BackendRegistries;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The server's own metrics, in Micrometer, scraped at {@code GET /metrics} in Prometheus' text
 * format: rows and bytes imported and exported per service, rejected rows by {@code CAUSE_CODE},
 * transactions by final state, commit durations, and gauges of open transactions, work in
 * flight, spool bytes and the workspace's pool. Beside Vert.x's own (HTTP server, event bus, pools)
 * when the Vert.x it runs in was built with Micrometer's Prometheus backend (as {@code serve} does).
 * Every meter is thread-safe: workers and event loops record directly.
 */
public final class TdxMetrics {
  private final PrometheusMeterRegistry registry;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final Timer commits;
  /** Every meter this server registered: they leave the registry with it ({@link #close}). */
  private final List<Meter> meters = new CopyOnWriteArrayList<>();

  private TdxMetrics(PrometheusMeterRegistry registry) {
    this.registry = registry;
    this.commits = Timer.builder("tdx.commit.duration").description("how long a transaction's commit ran, from commit to end")
      .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofHours(1))
      .register(registry);
    meters.add(commits);
  }

  /**
   * The metrics of a server in this Vert.x: in its Micrometer Prometheus registry when it has one
   * (its HTTP server's metrics come with them), else in one of their own.
   */
  public static TdxMetrics of(Vertx vertx) {
    PrometheusMeterRegistry registry = vertx.isMetricsEnabled() && BackendRegistries.getDefaultNow() instanceof PrometheusMeterRegistry shared
      ? shared : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    return new TdxMetrics(registry);
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /**
   * A gauge read from {@code value} when scraped (work in flight, the workers' use, an owner's
   * open transactions, ...), with tags as name, value pairs; {@link #remove} it when its source goes.
   */
  public Meter gauge(String name, String description, Supplier<Number> value, String... tags) {
    Meter gauge = Gauge.builder(name, value).description(description).tags(tags).strongReference(true).register(registry);
    meters.add(gauge);
    return gauge;
  }

  public void remove(Meter meter) {
    meters.remove(meter);
    registry.remove(meter);
  }

  /** The server stops: its meters leave the registry (a Vert.x's registry outlives the servers it runs). */
  public void close() {
    meters.forEach(registry::remove);
    meters.clear();
    counters.clear();
  }

  /** An import's rows (its summary, as {@code ImportResult.toJson} gives it) and bytes. */
  public void imported(JsonObject summary, long bytes) {
    String service = summary.getString("service");
    count("tdx.import.rows", "rows read by imports", service, "outcome", "read", summary.getLong("read", 0L));
    for (String outcome : new String[] {"inserted", "updated", "deleted", "rejected"}) {
      count("tdx.import.rows", "rows read by imports", service, "outcome", outcome, summary.getLong(outcome, 0L));
    }
    count("tdx.import.bytes", "bytes of import bodies, as received", service, null, null, bytes);
    JsonObject causes = summary.getJsonObject("causes");
    if (causes != null) {
      causes.forEach(cause -> count("tdx.rejected.rows", "rows rejected, by CAUSE_CODE", service, "cause_code", cause.getKey(),
        ((Number) cause.getValue()).longValue()));
    }
  }

  /** An export's rows and bytes. */
  public void exported(String service, long rows, long bytes) {
    count("tdx.export.rows", "rows exported", service, null, null, rows);
    count("tdx.export.bytes", "bytes of exported CSV", service, null, null, bytes);
  }

  /** A transaction ended in {@code state}; its commit ran for {@code commit} (null when it never committed). */
  public void transactionEnded(String state, Duration commit) {
    count("tdx.transactions", "transactions by final state", null, "state", state, 1);
    if (commit != null) {
      commits.record(commit);
    }
  }

  /** A request refused with {@code 503} because the server is at one of its bounds ({@code reason}: the problem's type). */
  public void shed(String reason) {
    count("tdx.requests.shed", "requests refused with 503 at a bound (work in flight, queued jobs, open transactions)", null,
      "reason", reason, 1);
  }

  private void count(String name, String description, String service, String tag, String value, long amount) {
    if (amount <= 0) {
      return;
    }
    String key = name + '|' + service + '|' + tag + '|' + value;
    counters.computeIfAbsent(key, k -> {
      Counter.Builder builder = Counter.builder(name).description(description);
      if (service != null) {
        builder.tag("service", service);
      }
      if (tag != null) {
        builder.tag(tag, value);
      }
      Counter counter = builder.register(registry);
      meters.add(counter);
      return counter;
    }).increment(amount);
  }
}
