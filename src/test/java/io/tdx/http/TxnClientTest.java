package io.tdx.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("TxnClient: a request its owner let go of is told from one that failed")
class TxnClientTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("a request queued at a consumer that unregisters before taking it is let go, as is one to no consumer")
  void discardedQueue() throws Exception {
    Promise<Throwable> failure = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> {
      MessageConsumer<String> consumer = vertx.eventBus().consumer("owner", m -> m.reply("taken"));
      consumer.completion().onSuccess(registered -> {
        // the request is queued for the consumer's context, which runs it only after this handler
        Future<Object> request = vertx.eventBus().request("owner", "get", new DeliveryOptions().setSendTimeout(30_000))
          .map(reply -> reply.body());
        consumer.unregister();
        request.onComplete(done -> failure.complete(done.failed() ? done.cause() : new AssertionError("answered: " + done.result())));
      });
    });
    Throwable discarded = failure.future().await(10, TimeUnit.SECONDS);
    assertTrue(TxnClient.ownerLetGo(discarded), String.valueOf(discarded));

    Throwable none = vertx.eventBus().request("nobody", "get").map(Object.class::cast)
      .recover(Future::succeededFuture).await(10, TimeUnit.SECONDS) instanceof Throwable t ? t : null;
    assertTrue(TxnClient.ownerLetGo(none), String.valueOf(none));
  }

  @Test
  @DisplayName("a request that timed out waiting for its answer, or that its owner failed, is not let go")
  void otherFailures() throws Exception {
    vertx.eventBus().consumer("slow", m -> { });
    vertx.eventBus().consumer("failing", m -> m.fail(409, "refused"));
    Throwable timedOut = vertx.eventBus().request("slow", "get", new DeliveryOptions().setSendTimeout(50))
      .map(Object.class::cast).recover(Future::succeededFuture).await(10, TimeUnit.SECONDS) instanceof Throwable t ? t : null;
    assertTrue(timedOut instanceof ReplyException r && r.failureType() == ReplyFailure.TIMEOUT, String.valueOf(timedOut));
    assertFalse(TxnClient.ownerLetGo(timedOut));
    Throwable refused = vertx.eventBus().request("failing", "get")
      .map(Object.class::cast).recover(Future::succeededFuture).await(10, TimeUnit.SECONDS) instanceof Throwable t ? t : null;
    assertFalse(TxnClient.ownerLetGo(refused), String.valueOf(refused));
  }
}
