package io.tdx.worker;

import io.tdx.problem.ProblemException;
import io.tdx.workspace.Workspace;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker verticle that runs one job at a time against the workspace, on its worker thread.
 * It listens on its own address; the {@link JobDispatcher} hands it a job only when it is idle.
 */
final class WorkspaceWorker extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(WorkspaceWorker.class);
  private final Workspace workspace;
  private final String address;
  private MessageConsumer<Job<?>> consumer;

  WorkspaceWorker(Workspace workspace, String address) {
    this.workspace = workspace;
    this.address = address;
  }

  @Override
  public Future<?> start() {
    consumer = vertx.eventBus().localConsumer(address, this::run);
    return consumer.completion();
  }

  private void run(Message<Job<?>> message) {
    JobOutcome outcome;
    try {
      outcome = new JobOutcome(message.body().run(workspace), null);
    } catch (Throwable e) {
      // explained first: a lost database connection can surface as an I/O failure (a COPY's stream)
      Throwable explained = workspace.explain(e);
      if (explained != e && explained instanceof ProblemException) {
        LOG.info("job refused: {}", explained.getMessage());
      } else if (explained instanceof IOException) {
        LOG.info("job stopped: {}", e.getMessage());
      } else if (!(explained instanceof ProblemException)) {
        LOG.warn("job failed", e);
      }
      outcome = new JobOutcome(null, explained);
    }
    message.reply(outcome, LocalCodec.options(Jobs.TIMEOUT_MILLIS));
  }

  @Override
  public Future<?> stop() {
    return consumer.unregister();
  }
}
