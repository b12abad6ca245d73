package io.tdx.worker;

import io.tdx.problem.ProblemException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * Hands jobs to idle workspace workers, first come first served, and queues the rest up to a
 * bound; past it a job is refused with {@code 503}. Its queue and idle set are its own state,
 * touched only on its event loop.
 */
final class JobDispatcher extends VerticleBase {
  private final String address;
  private final Deque<String> idle;
  private final Deque<Message<Job<?>>> waiting = new ArrayDeque<>();
  private final int maxQueued;
  private MessageConsumer<Job<?>> consumer;

  JobDispatcher(String address, List<String> workers, int maxQueued) {
    this.address = address;
    this.idle = new ArrayDeque<>(workers);
    this.maxQueued = maxQueued;
  }

  @Override
  public Future<?> start() {
    consumer = vertx.eventBus().consumer(address, this::submit);
    return consumer.completion();
  }

  private void submit(Message<Job<?>> job) {
    if (!idle.isEmpty()) {
      dispatch(idle.poll(), job);
    } else if (waiting.size() < maxQueued) {
      waiting.add(job);
    } else {
      job.reply(new JobOutcome(null, new ProblemException(503, "overloaded", "Server busy",
        "all workspace workers are busy and " + maxQueued + " jobs are waiting (limits.maxQueuedJobs); retry later")
        .with("retryAfter", 1)), LocalCodec.options(Jobs.TIMEOUT_MILLIS));
    }
  }

  private void dispatch(String worker, Message<Job<?>> job) {
    vertx.eventBus().request(worker, job.body(), LocalCodec.options(Jobs.TIMEOUT_MILLIS))
      .onComplete(reply -> {
        JobOutcome outcome = reply.succeeded() ? (JobOutcome) reply.result().body() : new JobOutcome(null, reply.cause());
        job.reply(outcome, LocalCodec.options(Jobs.TIMEOUT_MILLIS));
        Message<Job<?>> next = waiting.poll();
        if (next != null) {
          dispatch(worker, next);
        } else {
          idle.add(worker);
        }
      });
  }

  @Override
  public Future<?> stop() {
    return consumer.unregister();
  }
}
