package io.tdx.worker;

import io.tdx.problem.ProblemException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.Deque;
import java.util.List;

/**
 * Hands jobs to idle workspace workers, first come first served, and queues the rest up to a
 * bound; past it a job is refused with {@code 503}. A {@link GroupableJob} takes every waiting
 * job of its class along (up to {@link #MAX_GROUP}): while the workers are busy, commits queue
 * up and then run as one group. Its queue and idle set are its own state, touched only on its
 * event loop.
 */
final class JobDispatcher extends VerticleBase {
  static final int MAX_GROUP = 64;
  private final String address;
  private final Deque<String> idle;
  private final Deque<Message<Job<?>>> waiting = new ArrayDeque<>();
  private final int maxQueued;
  private final WorkerUse use;
  private MessageConsumer<Job<?>> consumer;

  JobDispatcher(String address, List<String> workers, int maxQueued, WorkerUse use) {
    this.address = address;
    this.idle = new ArrayDeque<>(workers);
    this.maxQueued = maxQueued;
    this.use = use;
  }

  @Override
  public Future<?> start() {
    consumer = vertx.eventBus().localConsumer(address, this::submit);
    return consumer.completion();
  }

  private void submit(Message<Job<?>> job) {
    if (!idle.isEmpty()) {
      dispatch(idle.poll(), job);
    } else if (waiting.size() < maxQueued) {
      waiting.add(job);
      use.waiting.set(waiting.size());
    } else {
      job.reply(new JobOutcome(null, new ProblemException(503, "overloaded", "Server busy",
        "all workspace workers are busy and " + maxQueued + " jobs are waiting (limits.maxQueuedJobs); retry later")
        .with("retryAfter", 1)), LocalCodec.options(Jobs.TIMEOUT_MILLIS));
    }
  }

  private void dispatch(String worker, Message<Job<?>> job) {
    List<Message<Job<?>>> group = groupOf(job);
    use.busy.set(use.workers - idle.size());
    use.waiting.set(waiting.size());
    // a groupable job runs as a group even alone: the group's path is the one made for small transactions
    Job<?> work = job.body() instanceof GroupableJob<?> first && first.groupable()
      ? new GroupRun(group.stream().<GroupableJob<?>>map(m -> (GroupableJob<?>) m.body()).toList()) : job.body();
    vertx.eventBus().request(worker, work, LocalCodec.options(Jobs.TIMEOUT_MILLIS))
      .onComplete(reply -> {
        JobOutcome outcome = reply.succeeded() ? (JobOutcome) reply.result().body() : new JobOutcome(null, reply.cause());
        replyAll(group, work instanceof GroupRun, outcome);
        Message<Job<?>> next = waiting.poll();
        if (next != null) {
          dispatch(worker, next);
        } else {
          idle.add(worker);
          use.busy.set(use.workers - idle.size());
        }
      });
  }

  /** The job, and when it is groupable every waiting groupable job of its class, taken off the queue. */
  private List<Message<Job<?>>> groupOf(Message<Job<?>> job) {
    List<Message<Job<?>>> group = new ArrayList<>(List.of(job));
    if (job.body() instanceof GroupableJob<?> first && first.groupable()) {
      Iterator<Message<Job<?>>> queued = waiting.iterator();
      while (queued.hasNext() && group.size() < MAX_GROUP) {
        Message<Job<?>> next = queued.next();
        if (next.body().getClass() == first.getClass() && ((GroupableJob<?>) next.body()).groupable()) {
          group.add(next);
          queued.remove();
        }
      }
    }
    return group;
  }

  /** Answers each job of a group with its own outcome (or all with the group's failure). */
  @SuppressWarnings("unchecked")
  private static void replyAll(List<Message<Job<?>>> group, boolean grouped, JobOutcome outcome) {
    if (!grouped) {
      group.get(0).reply(outcome, LocalCodec.options(Jobs.TIMEOUT_MILLIS));
      return;
    }
    List<JobOutcome> outcomes = outcome.failure() == null ? (List<JobOutcome>) outcome.value() : null;
    for (int i = 0; i < group.size(); i++) {
      group.get(i).reply(outcomes == null ? outcome : outcomes.get(i), LocalCodec.options(Jobs.TIMEOUT_MILLIS));
    }
  }

  @Override
  public Future<?> stop() {
    return consumer.unregister();
  }
}
