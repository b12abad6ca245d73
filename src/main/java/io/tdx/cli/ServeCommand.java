package io.tdx.cli;

import io.tdx.Clustering;
import io.tdx.Tdx;
import io.tdx.TdxServer;
import io.tdx.config.ConfigException;
import io.tdx.config.ConfigLoader;
import io.tdx.config.TdxConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code serve}: runs the server until SIGTERM or Ctrl-C, then stops it gracefully. */
@Command(name = "serve", mixinStandardHelpOptions = true,
  description = {"Runs the TDX server until SIGTERM or Ctrl-C, with conf/tdx.json or --conf.",
    "The options override the configuration, as TDX_CONF, TDX_HTTP_PORT, TDX_HTTP_HOST and TDX_DATA_DIR do.",
    "An Error (e.g. StackOverflowError) halts it with exit code 70; run it with -XX:+ExitOnOutOfMemoryError."})
final class ServeCommand implements Callable<Integer> {
  // logged as the command line (Main), as operators and tests read it
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  @Option(names = "--conf", paramLabel = "FILE", description = "the configuration (default: TDX_CONF, else conf/tdx.json)")
  String conf;

  @Option(names = "--port", paramLabel = "PORT", description = "the HTTP port (as http.port, TDX_HTTP_PORT; 0: any free one)")
  Integer port;

  @Option(names = "--host", paramLabel = "HOST",
    description = "the interface to bind (as http.host, TDX_HTTP_HOST); other than loopback it needs auth in the configuration")
  String host;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "where the workspace and the server's files live (as dataDir, TDX_DATA_DIR)")
  String dataDir;

  @Option(names = "--cluster", description = {"Joins a cluster of nodes on one PostgreSQL workspace (as cluster.enabled):",
    "TDX_CLUSTER_MEMBERS (host:port,...), TDX_CLUSTER_PORT (this node's) and TDX_CLUSTER_HOST place it."})
  boolean cluster;

  @Override
  public Integer call() throws Exception {
    JsonObject config;
    TdxConfig settings;
    try {
      config = ConfigLoader.load(environment());
      if (cluster) {
        config.put("cluster", config.getJsonObject("cluster", new JsonObject()).put("enabled", true));
      }
      settings = TdxConfig.from(config);
      if (settings.cluster().enabled()) {
        Clustering.requireSharedWorkspace(settings);
      }
    } catch (ConfigException e) {
      LOG.error("cannot start: {}", e.getMessage());
      return ExitCodes.USAGE;
    }
    // workers run whole imports: a long one is work, not a blocked thread; Netty's native transport (epoll) where
    // the platform has it, NIO elsewhere
    VertxOptions options = new VertxOptions().setMaxWorkerExecuteTime(6).setMaxWorkerExecuteTimeUnit(TimeUnit.HOURS)
      .setPreferNativeTransport(true)
      // Vert.x's own metrics (HTTP server, event bus, pools) in the Prometheus registry that GET /metrics scrapes
      // (not the event bus's and the TCP sockets': counted per message, they cost a small transaction more than they say)
      .setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))
        .addDisabledMetricsCategory(MetricsDomain.EVENT_BUS).addDisabledMetricsCategory(MetricsDomain.NET_SERVER)
        .addDisabledMetricsCategory(MetricsDomain.NET_CLIENT).addDisabledMetricsCategory(MetricsDomain.DATAGRAM_SOCKET));
    Vertx vertx;
    if (settings.cluster().enabled()) {
      try {
        vertx = await(Clustering.vertx(options, settings.cluster()));
      } catch (java.util.concurrent.ExecutionException e) {
        LOG.error("cannot join the cluster (members {}): {}", settings.cluster().members(), e.getCause().toString());
        return ExitCodes.FAILED;
      }
    } else {
      vertx = Vertx.vertx(options);
    }
    // an Error anywhere halts the process (exit code 70) rather than leaving a server that answers nothing
    new FatalErrors(Runtime.getRuntime()::halt).install(vertx);
    // the hook is in place before the server is: a SIGTERM right after the ready line still stops it cleanly
    Future<TdxServer> started = Tdx.start(vertx, config);
    // a stop may take the grace period for requests in flight, then (in a cluster) up to twice it for the node's
    // transactions and once more to hand its results over
    long stopSeconds = Math.max(120, 4L * settings.shutdownGraceSeconds() + 30);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(vertx, started, stopSeconds), "tdx-shutdown"));
    try {
      await(started);
    } catch (java.util.concurrent.ExecutionException e) {
      LOG.error("cannot start: {}", e.getCause().getMessage());
      return ExitCodes.FAILED;
    }
    // Vert.x's threads keep the process running until the hook stops it
    return ExitCodes.OK;
  }

  /** The environment, with this command's options in the place of the variables they override. */
  private java.util.Map<String, String> environment() {
    java.util.Map<String, String> env = new java.util.HashMap<>(System.getenv());
    if (conf != null) {
      env.put("TDX_CONF", conf);
    }
    if (port != null) {
      env.put("TDX_HTTP_PORT", port.toString());
    }
    if (host != null) {
      env.put("TDX_HTTP_HOST", host);
    }
    if (dataDir != null) {
      env.put("TDX_DATA_DIR", dataDir);
    }
    return env;
  }

  private static void stop(Vertx vertx, Future<TdxServer> started, long stopSeconds) {
    if (started.failed()) {
      // a server that never started has nothing to stop: its start undoes what it began, and closing Vert.x now
      // would race that (Vert.x logs "Already undeployed" for the failed deployment); the process is exiting
      return;
    }
    LOG.info("stopping: no new requests; waiting for requests in flight");
    try {
      // Vert.x's close must not begin while the server's own undeployments still run ("Already undeployed")
      await(started.transform(start -> start.succeeded() ? start.result().stop() : Future.<Void>succeededFuture()), stopSeconds);
    } catch (Exception e) {
      LOG.warn("the server did not stop cleanly: {}", e.toString());
    }
    try {
      await(vertx.close());
      LOG.info("stopped");
    } catch (Exception e) {
      LOG.warn("Vert.x did not close cleanly: {}", e.toString());
    }
  }

  /** Waits on a thread of the command line (never an event loop) for a step of the start or the shutdown. */
  private static <T> T await(Future<T> future) throws Exception {
    return await(future, 120);
  }

  private static <T> T await(Future<T> future, long seconds) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
  }
}
