package io.tdx.http;

import io.tdx.auth.Authenticator;
import io.tdx.config.AuthConfig;
import io.tdx.config.TdxConfig;
import io.tdx.files.FileAccess;
import io.tdx.problem.ProblemException;
import io.tdx.service.ServiceDefinition;
import io.tdx.service.Services;
import io.tdx.txn.ClusterTransactions;
import io.tdx.txn.ResultStore;
import io.tdx.txn.TxnAddresses;
import io.vertx.core.json.JsonArray;
import java.util.ArrayList;
import java.util.List;
import io.tdx.worker.Jobs;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Serves HTTP on one event loop: the declared services, the service administration routes
 * ({@code GET /tdx/services}, {@code POST /tdx/services/reload}), a catch-all {@code 404}, and
 * one failure handler that renders every error as a problem document. Deploy one instance per
 * core; all instances of one server share one {@link Admission} bound. The services it routes to are its own state, replaced when a new set is sent to its
 * own services address (it replies once it serves them).
 */
public final class HttpVerticle extends VerticleBase {
  private final TdxConfig config;
  private final Jobs jobs;
  private final FileAccess files;
  private final TxnAddresses addresses;
  private final int port;
  private TxnClient txns;
  private final String servicesAddress;
  private final Supplier<Future<Services>> reload;
  private final Admission admission;
  private final List<JsonObject> jwks;
  private final Observability observability;
  private Services services;
  private Map<String, ServiceHandler> handlers;
  private MessageConsumer<Services> consumer;
  private HttpServer server;
  private long idleCheck;

  public HttpVerticle(TdxConfig config, Jobs jobs, FileAccess files, TxnAddresses addresses, int port, String servicesAddress,
                      Supplier<Future<Services>> reload, Admission admission, List<JsonObject> jwks, Observability observability) {
    this.observability = observability;
    this.jwks = jwks;
    this.config = config;
    this.files = files;
    this.jobs = jobs;
    this.addresses = addresses;
    this.port = port;
    this.servicesAddress = servicesAddress;
    this.reload = reload;
    this.admission = admission;
  }

  @Override
  public Future<?> start() {
    txns = new TxnClient(vertx, addresses, jobs, ResultStore.root(config.dataDir()), config.cluster().requestSeconds() * 1000L,
      config.files().httpTimeoutSeconds() * 1000L);
    serve(config.services());
    consumer = vertx.eventBus().localConsumer(servicesAddress, message -> {
      serve(message.body());
      message.reply(null);
    });
    Router router = Router.router(vertx).allowForward(AbsoluteUrls.trusted(config.trustProxy()));
    if (config.accessLog()) {
      router.route().handler(new AccessLog());
    }
    router.route().handler(new UriCheck());
    observability.routeProbes(router);
    // a server left without authentication (no auth section) answers loopback names only, unless a proxy names it
    router.route().handler(new SameOrigin(config.auth() == AuthConfig.ABSENT && TdxConfig.loopback(config.host())
      && config.trustProxy().equals("none")));
    Authentication authentication = new Authentication(Authenticator.of(vertx, config.auth(), jwks));
    new Console().route(router);
    authentication.routeSession(router);
    router.route().handler(authentication);
    authentication.routeWhoami(router);
    observability.routeMetrics(router); // a scrape is not work to shed
    router.route().handler(new AdmissionHandler(admission));
    router.get("/tdx/services").handler(Parameters.only()).handler(this::listServices);
    router.post("/tdx/services/reload").handler(Parameters.only())
      .handler(Authentication.admins("reload the services"))
      .handler(this::reloadServices);
    router.get("/tdx/cluster").handler(Parameters.only()).handler(this::cluster);
    new TxnHandler(txns, () -> services).route(router);
    new LbAsyncHandler(txns, () -> services).route(router);
    router.route().handler(this::service);
    ProblemHandler problems = new ProblemHandler(observability.metrics());
    router.route().failureHandler(problems);
    // a path that does not decode fails while routes are matched, before any route's failure handler
    router.errorHandler(400, problems);
    HttpServerOptions options = new HttpServerOptions()
      .setCompressionSupported(true)
      // a body comes in chunks of 64 KiB, not Netty's 8 KiB, so it reaches the worker in an eighth of the steps: a fresh
      // server's first 1M-row import 1.063 -> 1.035 s, its upsert 0.956 -> 0.902 s (bench/import-ab --fresh, 8 rounds)
      .setMaxChunkSize(1 << 16)
      .setDecompressionSupported(false) // bodies are decoded by ContentDecoding: bounded, streamed, off the event loop
      .setMaxHeaderSize(config.limits().maxHttpHeaderBytes())
      // HTTP/1.1 only: with cleartext HTTP/2 a connection is not set up (nor watched) until its first bytes arrive
      .setHttp2ClearTextEnabled(false)
      .setIdleTimeout(0); // IdleConnections instead: Netty's would cut a request the server works on for long
    IdleConnections idle = new IdleConnections(config.limits().connectionIdleSeconds() * 1000L);
    idleCheck = vertx.setPeriodic(idle.checkEveryMillis(), id -> idle.check());
    server = vertx.createHttpServer(options).connectionHandler(idle::opened).requestHandler(request -> {
      idle.started(request);
      router.handle(request);
    });
    return consumer.completion().compose(v -> server.listen(port, config.host()))
      .recover(e -> Future.failedFuture(new IllegalStateException("cannot listen on " + config.host() + ":" + port + ": "
        + reason(e), e)));
  }

  /** The OS's reason without Netty's wrapping ("bind(..) failed with error(-98): Address already in use"). */
  private static String reason(Throwable e) {
    String message = String.valueOf(e.getMessage());
    int colon = message.lastIndexOf(": ");
    return colon < 0 ? message : message.substring(colon + 2);
  }

  /** The port this instance listens on. */
  public int actualPort() {
    return server.actualPort();
  }

  private void serve(Services next) {
    Path spool = config.dataDir().resolve("tmp");
    services = next;
    handlers = next.all().stream().collect(Collectors.toUnmodifiableMap(ServiceDefinition::prefix,
      s -> new ServiceHandler(s, jobs, txns, config.limits(), spool, files, observability.metrics())));
  }

  private void service(RoutingContext ctx) {
    ServiceHandler handler = handlers.get(ctx.request().path());
    if (handler == null) {
      ctx.fail(new ProblemException(404, "not-found", "Not found", "no service at " + ctx.request().path()));
    } else {
      handler.handle(ctx);
    }
  }

  private void listServices(RoutingContext ctx) {
    ctx.json(new JsonObject().put("services", services.declarations()));
  }

  /** This node and the cluster's members ({@code local} alone when it is not clustered). */
  private void cluster(RoutingContext ctx) {
    List<String> members = ClusterTransactions.members(vertx);
    ctx.json(new JsonObject().put("node", addresses.node())
      .put("members", new JsonArray(new ArrayList<>(members.isEmpty() ? List.of(addresses.node()) : members))));
  }

  private void reloadServices(RoutingContext ctx) {
    reload.get()
      .onSuccess(loaded -> ctx.json(new JsonObject().put("services", loaded.declarations())))
      .onFailure(ctx::fail);
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(idleCheck);
    return consumer.unregister().compose(v -> server.shutdown(config.shutdownGraceSeconds(), TimeUnit.SECONDS));
  }
}
