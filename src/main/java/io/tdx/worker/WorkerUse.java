package io.tdx.worker;

import java.util.concurrent.atomic.AtomicInteger;

/** How busy the workspace workers are: set by the dispatcher on its event loop, read by the metrics from any thread. */
public final class WorkerUse {
  final int workers;
  final AtomicInteger busy = new AtomicInteger();
  final AtomicInteger waiting = new AtomicInteger();

  WorkerUse(int workers) {
    this.workers = workers;
  }

  /** The workers, each with its own connection to the workspace. */
  public int workers() {
    return workers;
  }

  /** Workers running a job now. */
  public int busy() {
    return busy.get();
  }

  /** Jobs waiting for a worker (at most limits.maxQueuedJobs). */
  public int waiting() {
    return waiting.get();
  }
}
