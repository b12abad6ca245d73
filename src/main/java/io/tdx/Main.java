package io.tdx;

import io.tdx.config.ConfigException;
import io.tdx.config.ConfigLoader;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The command line: {@code java -jar tdx.jar serve}. */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 1 || !args[0].equals("serve")) {
      System.err.println("usage: java -jar tdx.jar serve");
      System.err.println("  reads conf/tdx.json (or TDX_CONF); TDX_HTTP_PORT and TDX_DATA_DIR override it");
      System.exit(2);
    }
    JsonObject config;
    try {
      config = ConfigLoader.load(System.getenv());
    } catch (ConfigException e) {
      LOG.error("cannot start: {}", e.getMessage());
      System.exit(2);
      return;
    }
    Vertx vertx = Vertx.vertx();
    TdxServer server;
    try {
      server = Tdx.start(vertx, config).toCompletionStage().toCompletableFuture().get();
    } catch (java.util.concurrent.ExecutionException e) {
      LOG.error("cannot start: {}", e.getCause().getMessage());
      vertx.close();
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LOG.info("stopping: no new requests; waiting for requests in flight");
      try {
        server.stop().eventually(vertx::close).toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
        LOG.info("stopped");
      } catch (Exception e) {
        LOG.warn("stopped uncleanly: {}", e.toString());
      }
    }, "tdx-shutdown"));
  }
}
