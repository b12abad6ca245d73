package io.tdx.worker;

import io.tdx.problem.ProblemException;
import io.tdx.workspace.Workspace;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/**
 * The workspace worker pool of one TDX server: a dispatcher and its worker verticles, and the
 * one way to run a job on them. Jobs travel on the event bus, by reference.
 */
public final class Jobs {
  /** Reply timeout of a job: long enough for the largest import. */
  static final long TIMEOUT_MILLIS = 24L * 3600 * 1000;
  /** Reads (records of transactions) in flight at once; past it a read is refused with 503. */
  static final int MAX_READS = 256;
  private final Vertx vertx;
  private final String address;
  private final List<String> deployments;
  private final Workspace workspace;
  private final WorkerExecutor readers;
  private final AtomicInteger reads = new AtomicInteger();
  private final WorkerUse use;

  private Jobs(Vertx vertx, String address, List<String> deployments, Workspace workspace, WorkerExecutor readers, WorkerUse use) {
    this.vertx = vertx;
    this.use = use;
    this.address = address;
    this.deployments = deployments;
    this.workspace = workspace;
    this.readers = readers;
  }

  /** Deploys {@code workers} worker verticles and their dispatcher, with addresses under {@code prefix}. */
  public static Future<Jobs> deploy(Vertx vertx, String prefix, Workspace workspace, int workers, int maxQueued) {
    LocalCodec.register(vertx);
    List<String> addresses = IntStream.range(0, workers).mapToObj(i -> prefix + ".worker." + i).toList();
    String address = prefix + ".jobs";
    DeploymentOptions workerOptions = new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER);
    WorkerUse use = new WorkerUse(workers);
    List<Future<String>> deployments = addresses.stream()
      .map(a -> vertx.deployVerticle(new WorkspaceWorker(workspace, a), workerOptions))
      .toList();
    return Future.all(deployments)
      .compose(v -> vertx.deployVerticle(new JobDispatcher(address, addresses, maxQueued, use)))
      .map(dispatcher -> {
        List<String> ids = new java.util.ArrayList<>(deployments.stream().map(Future::result).toList());
        ids.add(0, dispatcher);
        return new Jobs(vertx, address, List.copyOf(ids), workspace, vertx.createSharedWorkerExecutor(prefix + ".reads", 2), use);
      });
  }

  /** How busy the workers are. */
  public WorkerUse use() {
    return use;
  }

  /** Reads of the workspace running or waiting now ({@link #read}). */
  public int reads() {
    return reads.get();
  }

  /** Undeploys the dispatcher, then the workers; a job still running finishes on its thread first. */
  public Future<Void> undeploy() {
    Future<Void> chain = Future.succeededFuture();
    for (String id : deployments) {
      chain = chain.compose(v -> vertx.undeploy(id));
    }
    return chain.eventually(readers::close);
  }

  /**
   * Runs a job that only reads (its session takes no writer's turn) on a small pool of its own,
   * so it does not queue behind imports on the workspace workers: DuckDB serves concurrent
   * readers on separate connections.
   */
  public <T> Future<T> read(Job<T> job) {
    if (reads.incrementAndGet() > MAX_READS) {
      reads.decrementAndGet();
      return Future.failedFuture(new ProblemException(503, "overloaded", "Overloaded",
        MAX_READS + " reads of the workspace are waiting; retry later").with("retryAfter", 1));
    }
    return readers.executeBlocking(() -> job.run(workspace), false)
      .recover(failure -> Future.failedFuture(workspace.explain(failure)))
      .eventually(() -> {
      reads.decrementAndGet();
      return Future.succeededFuture();
    });
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
