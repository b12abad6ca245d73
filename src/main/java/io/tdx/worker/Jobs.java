package io.tdx.worker;

import io.tdx.workspace.Workspace;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The workspace worker pool of one TDX server: a dispatcher and its worker verticles, and the
 * one way to run a job on them. Jobs travel on the event bus, by reference.
 */
public final class Jobs {
  /** Reply timeout of a job: long enough for the largest import. */
  static final long TIMEOUT_MILLIS = 24L * 3600 * 1000;
  private final Vertx vertx;
  private final String address;
  private final List<String> deployments;

  private Jobs(Vertx vertx, String address, List<String> deployments) {
    this.vertx = vertx;
    this.address = address;
    this.deployments = deployments;
  }

  /** Deploys {@code workers} worker verticles and their dispatcher, with addresses under {@code prefix}. */
  public static Future<Jobs> deploy(Vertx vertx, String prefix, Workspace workspace, int workers, int maxQueued) {
    LocalCodec.register(vertx);
    List<String> addresses = IntStream.range(0, workers).mapToObj(i -> prefix + ".worker." + i).toList();
    String address = prefix + ".jobs";
    DeploymentOptions workerOptions = new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER);
    List<Future<String>> deployments = addresses.stream()
      .map(a -> vertx.deployVerticle(new WorkspaceWorker(workspace, a), workerOptions))
      .toList();
    return Future.all(deployments)
      .compose(v -> vertx.deployVerticle(new JobDispatcher(address, addresses, maxQueued)))
      .map(dispatcher -> {
        List<String> ids = new java.util.ArrayList<>(deployments.stream().map(Future::result).toList());
        ids.add(0, dispatcher);
        return new Jobs(vertx, address, List.copyOf(ids));
      });
  }

  /** Undeploys the dispatcher, then the workers; a job still running finishes on its thread first. */
  public Future<Void> undeploy() {
    Future<Void> chain = Future.succeededFuture();
    for (String id : deployments) {
      chain = chain.compose(v -> vertx.undeploy(id));
    }
    return chain;
  }

  /** Runs the job on the next idle worker; fails with the job's own failure. */
  @SuppressWarnings("unchecked")
  public <T> Future<T> run(Job<T> job) {
    return vertx.eventBus().request(address, job, LocalCodec.options(TIMEOUT_MILLIS))
      .compose(reply -> {
        JobOutcome outcome = (JobOutcome) reply.body();
        return outcome.failure() == null ? Future.succeededFuture((T) outcome.value()) : Future.failedFuture(outcome.failure());
      });
  }
}
