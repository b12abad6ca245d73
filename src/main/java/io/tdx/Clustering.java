package io.tdx;

import com.hazelcast.config.Config;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MultiMapConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.internal.util.ConcurrencyUtil;
import io.tdx.config.ClusterConfig;
import io.tdx.config.ConfigException;
import io.tdx.config.TdxConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Clustered mode: a Vert.x instance whose event bus spans the cluster, with Hazelcast embedded
 * as its cluster manager (no server to install). Members find each other by a TCP/IP list,
 * never multicast; a member silent for {@code cluster.failureSeconds} is taken for gone.
 */
public final class Clustering {
  private static java.util.concurrent.ExecutorService completions;
  private Clustering() {
  }

  /** A clustered Vert.x instance for this configuration's {@code cluster}: it has joined the cluster when the future completes. */
  public static Future<Vertx> vertx(VertxOptions options, ClusterConfig cluster) {
    completionsOnAPool();
    options.setEventBusOptions(new EventBusOptions(options.getEventBusOptions()).setHost(cluster.host())
      .setClusterPublicHost(cluster.host()));
    return Vertx.builder().with(options).withClusterManager(new HazelcastClusterManager(hazelcast(cluster))).buildClustered();
  }

  /**
   * Hazelcast completes its asynchronous operations (every event-bus registration, every map
   * write) on the common fork-join pool, or, where that pool has a parallelism of 1 (a machine
   * of 2 cores), on a new thread each: thousands of threads started a second under load
   * (measured: 6 to 8 ms of CPU a transaction on one node, against 2.5 to 3.9 with a pool). A
   * small pool of its own takes them instead.
   */
  private static synchronized void completionsOnAPool() {
    if (ForkJoinPool.getCommonPoolParallelism() > 1 || completions != null) {
      return;
    }
    AtomicInteger count = new AtomicInteger();
    completions = Executors.newFixedThreadPool(4, task -> {
      Thread thread = new Thread(task, "hz-completions-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    ConcurrencyUtil.setDefaultAsyncExecutor(completions);
  }

  /** Hazelcast's configuration: the members, this node's port, the failure detection and the maps Vert.x keeps. */
  static Config hazelcast(ClusterConfig cluster) {
    Config config = new Config();
    config.setClusterName("tdx");
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    // the server leaves the cluster itself, after its transactions (a SIGTERM must not make Hazelcast leave first)
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    config.setProperty("hazelcast.max.no.heartbeat.seconds", Integer.toString(cluster.failureSeconds()));
    config.setProperty("hazelcast.wait.seconds.before.join", "1");
    config.setProperty("hazelcast.max.wait.seconds.before.join", "2");
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(cluster.port()).setPortAutoIncrement(false);
    network.getInterfaces().setEnabled(true).addInterface(cluster.host());
    network.getJoin().getMulticastConfig().setEnabled(false);
    network.getJoin().getAutoDetectionConfig().setEnabled(false);
    network.getJoin().getTcpIpConfig().setEnabled(true).setMembers(cluster.members().isEmpty()
      ? java.util.List.of(cluster.host() + ":" + cluster.port()) : cluster.members());
    // what Vert.x keeps in the cluster: its subscriptions and node descriptions, each with a backup
    config.addMultiMapConfig(new MultiMapConfig("__vertx.subs").setBackupCount(1)
      .setValueCollectionType(MultiMapConfig.ValueCollectionType.SET));
    config.addMapConfig(new MapConfig("__vertx.haInfo").setBackupCount(1));
    config.addMapConfig(new MapConfig("__vertx.nodeInfo").setBackupCount(1));
    return config;
  }

  /**
   * Refuses a configuration and a Vert.x instance that do not go together: clustered mode on a
   * Vert.x that is not clustered, or on the embedded DuckDB workspace, which is one process's file.
   */
  static void check(Vertx vertx, TdxConfig config) {
    if (config.cluster().enabled() || vertx.isClustered()) {
      requireSharedWorkspace(config);
    }
    if (config.cluster().enabled() && !vertx.isClustered()) {
      throw new ConfigException("cluster.enabled needs a clustered Vert.x instance (Clustering.vertx, or `serve --cluster`)");
    }
  }

  /** Clustered mode needs a workspace every node reaches: not the embedded DuckDB. */
  public static void requireSharedWorkspace(TdxConfig config) {
    if (config.workspace().url().startsWith("jdbc:duckdb:")) {
      throw new ConfigException("clustered mode needs a workspace the nodes share (PostgreSQL: workspace.url or"
        + " TDX_WORKSPACE_URL = jdbc:postgresql://...); the embedded DuckDB workspace is one process's file");
    }
  }
}
