package io.tdx;

import io.tdx.auth.Authenticator;
import io.tdx.config.TdxConfig;
import io.tdx.files.FileAccess;
import io.tdx.files.CloudClients;
import io.tdx.service.Services;
import io.tdx.http.Admission;
import io.tdx.http.HttpVerticle;
import io.tdx.http.Observability;
import io.tdx.metrics.TdxMetrics;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.tdx.txn.ClusterTransactions;
import io.tdx.txn.ResultStore;
import io.tdx.txn.TxnAddresses;
import io.tdx.txn.TxnCodec;
import io.tdx.txn.TxnRecovery;
import io.tdx.txn.TxnVerticle;
import io.tdx.worker.Jobs;
import io.tdx.workspace.Workspace;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.UUID;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The entry point for embedding: deploys a TDX server into a Vert.x instance.
 *
 * <pre>{@code
 * Tdx.start(vertx, config).onSuccess(server -> log.info("TDX at {}", server.url()));
 * }</pre>
 *
 * The configuration is the JSON of {@code conf/tdx.json}; environment variables are not read
 * here (the command line applies them). The future fails with a
 * {@link io.tdx.config.ConfigException} naming the service and field when the configuration
 * or the workspace's tables do not match.
 */
public final class Tdx {
  private static final Logger LOG = LoggerFactory.getLogger(Tdx.class);

  private Tdx() {
  }

  public static Future<TdxServer> start(Vertx vertx, JsonObject configuration) {
    return start(vertx, configuration, CloudClients.FROM_CONFIGURATION);
  }

  /**
   * As {@link #start(Vertx, JsonObject)}, with the embedder's own object-store clients for
   * {@code s3://} and {@code gs://} URIs (those left null are built from the configuration).
   */
  public static Future<TdxServer> start(Vertx vertx, JsonObject configuration, CloudClients clients) {
    TdxConfig config;
    try {
      config = TdxConfig.from(configuration);
      Clustering.check(vertx, config);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    if (config.auth().none() && !TdxConfig.loopback(config.host())) {
      LOG.warn("serving {} without authentication (auth.none): anyone who reaches it may replace tables and read them",
        config.host());
    }
    return vertx.executeBlocking(() -> Authenticator.jwks(config.auth()), false)
      .compose(jwks -> vertx.executeBlocking(() -> openWorkspace(config), false)
      .compose(workspace -> deploy(vertx, config, workspace, clients, jwks)
        .onFailure(e -> vertx.executeBlocking(() -> {
          workspace.close();
          return null;
        }, false))));
  }

  private static Workspace openWorkspace(TdxConfig config) throws IOException {
    Path spool = config.dataDir().resolve("tmp");
    Files.createDirectories(spool);
    try (Stream<Path> leftovers = Files.list(spool)) {
      for (Path file : leftovers.filter(Files::isRegularFile).toList()) {
        Files.deleteIfExists(file);
      }
    }
    Workspace workspace = Workspace.open(config);
    // transactions left open or committing by the last stop are recorded as such; their spooled parts go
    Path parts = config.dataDir().resolve("txn");
    try {
      TxnRecovery.recover(parts, workspace);
    } catch (Exception e) {
      workspace.close();
      throw new IOException("cannot recover the transactions of the last run: " + e.getMessage(), e);
    }
    if (Files.exists(parts)) {
      try (Stream<Path> tree = Files.walk(parts)) {
        for (Path path : tree.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(path);
        }
      }
    }
    return workspace;
  }

  private static Future<TdxServer> deploy(Vertx vertx, TdxConfig config, Workspace workspace, CloudClients clients,
                                          List<JsonObject> jwks) {
    String prefix = "tdx." + UUID.randomUUID();
    TxnCodec.register(vertx);
    List<String> servicesAddresses = IntStream.range(0, config.httpInstances())
      .mapToObj(i -> prefix + ".services." + i).toList();
    ServiceReloader reloader = new ServiceReloader(vertx, config, workspace, servicesAddresses);
    List<String> owners = new CopyOnWriteArrayList<>();
    Future<FileAccess> fileAccess = FileAccess.deploy(vertx, config.files(), config.limits().maxBodyBytes(), clients);
    return fileAccess.compose(files -> deploy(vertx, config, workspace, prefix, servicesAddresses, reloader, owners, files, jwks)
      .onFailure(e -> files.close()));
  }

  private static Future<TdxServer> deploy(Vertx vertx, TdxConfig config, Workspace workspace, String prefix,
                                          List<String> servicesAddresses, ServiceReloader reloader, List<String> owners,
                                          FileAccess files, List<JsonObject> jwks) {
    // the transaction service's addresses are the cluster's (every node's owners reach each other), the rest this server's
    TxnAddresses addresses = new TxnAddresses(vertx.isClustered() ? "tdx" : prefix, ClusterTransactions.nodeId(vertx));
    TdxMetrics metrics = TdxMetrics.of(vertx);
    return Jobs.deploy(vertx, prefix, workspace, config.workspace().workers(), config.limits().maxQueuedJobs())
      .compose(jobs -> deployOwners(vertx, config, prefix, addresses, reloader, jobs, owners, files, metrics).map(jobs))
      .compose(jobs -> {
        List<HttpVerticle> instances = new CopyOnWriteArrayList<>();
        Admission admission = new Admission(config.limits().maxInFlight());
        Observability observability = observe(vertx, metrics, jobs, admission, reloader, workspace);
        return vertx.deployVerticle(() -> {
            HttpVerticle verticle = new HttpVerticle(config, jobs, files, addresses, config.port(),
              servicesAddresses.get(instances.size()), reloader::reloadFromFile, admission, jwks, observability);
            instances.add(verticle);
            return verticle;
          }, new DeploymentOptions().setInstances(config.httpInstances()))
          .map(id -> {
            TdxServer server = new RunningServer(vertx, config, instances.get(0).actualPort(), id, owners, jobs, workspace, reloader,
              files, metrics);
            LOG.info("TDX server listening on {} ({} services, {} event loops, {} transport, workspace {}{})", server.url(),
              config.services().all().size(), config.httpInstances(), vertx.isNativeTransportEnabled() ? "native" : "NIO",
              workspace.describe(), vertx.isClustered() ? ", cluster node " + addresses.node() + " of "
                + ClusterTransactions.members(vertx).size() : "");
            return server;
          });
      });
  }

  /**
   * The server's metrics (gauges of work in flight and of the workspace workers beside the
   * counters its parts keep) and its health checks: live once it answers, ready while the
   * workspace answers a query and the services are loaded.
   */
  private static Observability observe(Vertx vertx, TdxMetrics metrics, Jobs jobs, Admission admission, ServiceReloader reloader,
                                       Workspace workspace) {
    for (String state : workspace.connections().keySet()) {
      metrics.gauge(state.equals("max") ? "tdx.workspace.connections.max" : "tdx.workspace.connections",
        "the workspace's connections: active (lent), idle, pending (sessions waiting for one); max (the pool's size)",
        () -> workspace.connections().getOrDefault(state, 0), state.equals("max") ? new String[0] : new String[] {"state", state});
    }
    metrics.gauge("tdx.requests.in.flight", "requests working now, under limits.maxInFlight", admission::inFlight);
    metrics.gauge("tdx.requests.in.flight.limit", "limits.maxInFlight", admission::limit);
    metrics.gauge("tdx.workspace.workers", "workspace workers (each holds a connection to the workspace)", jobs.use()::workers);
    metrics.gauge("tdx.workspace.workers.busy", "workspace workers running a job", jobs.use()::busy);
    metrics.gauge("tdx.workspace.jobs.waiting", "jobs waiting for a workspace worker, under limits.maxQueuedJobs", jobs.use()::waiting);
    metrics.gauge("tdx.workspace.reads", "reads of the workspace (transaction records) running or waiting", jobs::reads);
    HealthChecks liveness = HealthChecks.create(vertx).register("server", promise -> promise.complete(Status.OK()));
    HealthChecks readiness = HealthChecks.create(vertx)
      .register("workspace", 5_000, promise -> jobs.read(opened -> {
        try (var session = opened.session()) {
          session.ping();
          return opened.describe();
        }
      }).onSuccess(where -> promise.complete(Status.OK(new JsonObject().put("workspace", where))))
        .onFailure(e -> promise.complete(Status.KO(new JsonObject().put("error", String.valueOf(e.getMessage()))))))
      .register("services", promise -> {
        Services services = reloader.current();
        promise.complete(services == null ? Status.KO(new JsonObject().put("error", "no services loaded"))
          : Status.OK(new JsonObject().put("services", services.all().size())));
      });
    return new Observability(metrics, liveness, readiness);
  }

  /** One transaction owner per HTTP event loop; each owns the transactions it starts. */
  private static Future<Void> deployOwners(Vertx vertx, TdxConfig config, String prefix, TxnAddresses addresses,
                                           ServiceReloader reloader, Jobs jobs, List<String> ids, FileAccess files,
                                           TdxMetrics metrics) {
    Path spool = config.dataDir().resolve("txn");
    Path results = ResultStore.root(config.dataDir());
    return vertx.deployVerticle(new ResultStore(prefix, addresses, results, config.txn(), config.shutdownGraceSeconds() * 1000L)).onSuccess(ids::add).compose(store -> {
      List<Future<String>> owners = IntStream.range(0, config.httpInstances())
        .mapToObj(i -> vertx.deployVerticle(new TxnVerticle(prefix, addresses, reloader::current, i, config.httpInstances(),
            config.txn(), jobs, spool, results, files, config.limits().maxBodyBytes(), config.shutdownGraceSeconds() * 1000L, metrics))
          .onSuccess(ids::add))
        .toList();
      return Future.all(owners).mapEmpty();
    });
  }

  private record RunningServer(Vertx vertx, TdxConfig config, int port, String http, List<String> owners, Jobs jobs,
                               Workspace workspace, ServiceReloader reloader, FileAccess files, TdxMetrics metrics)
    implements TdxServer {

    @Override
    public String url() {
      String host = config.host().equals("0.0.0.0") ? "localhost" : config.host();
      return "http://" + host + ":" + port;
    }

    @Override
    public Future<Services> loadServices(JsonArray declarations) {
      return reloader.load(declarations);
    }

    @Override
    public Future<Services> reloadServices() {
      return reloader.reloadFromFile();
    }

    @Override
    public Future<Void> stop() {
      // the result store (deployed first) goes last: in a cluster the owners finish their transactions first
      return vertx.undeploy(http)
        .eventually(() -> Future.all(owners.subList(1, owners.size()).stream().map(vertx::undeploy).toList()))
        .eventually(() -> vertx.undeploy(owners.get(0)))
        .eventually(jobs::undeploy)
        .andThen(v -> metrics.close())
        .eventually(() -> vertx.executeBlocking(() -> {
          files.close();
          workspace.close();
          return null;
        }, false))
        .mapEmpty();
    }
  }
}
