package io.tdx.client;

import io.vertx.core.Future;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The {@link TdxClient}'s calls for Reactor code: each a cold {@link Mono} that makes its
 * request when subscribed. Cancelling {@link #run} or {@link #await} before the transaction has
 * ended aborts it (when still open).
 */
public final class ReactorTdxClient {
  private final TdxClient client;

  public ReactorTdxClient(TdxClient client) {
    this.client = client;
  }

  public TdxClient client() {
    return client;
  }

  public Mono<ImportOutcome> importCsv(String service, CsvSource source, ImportSettings settings, Path errorFile) {
    return mono(() -> client.importCsv(service, source, settings, errorFile));
  }

  public Mono<ExportOutcome> exportCsv(String service, CsvTarget target, boolean gzip) {
    return mono(() -> client.exportCsv(service, target, gzip));
  }

  public Mono<TdxTransaction> start(boolean async) {
    return mono(() -> client.start(async));
  }

  /** Several single imports, at most {@code concurrency} at a time, their outcomes as they finish. */
  public Flux<ImportOutcome> importAll(String service, Flux<CsvSource> sources, ImportSettings settings, int concurrency) {
    return sources.flatMap(source -> importCsv(service, source, settings, null), concurrency);
  }

  /** One transaction in one call; cancelling the subscription aborts it if it is still open. */
  public Mono<TxnOutcome> run(boolean async, List<PartSpec> parts, Duration timeout) {
    return start(async).flatMap(txn -> mono(() -> txn.run(parts, timeout))
      .doOnCancel(() -> txn.cancel()));
  }

  /** Waits for a committed transaction's outcome; cancelling stops waiting and aborts it if still open. */
  public Mono<TxnOutcome> await(TdxTransaction txn, Duration timeout) {
    return mono(() -> txn.await(timeout)).doOnCancel(() -> txn.cancel());
  }

  private static <T> Mono<T> mono(java.util.function.Supplier<Future<T>> call) {
    return Mono.defer(() -> Mono.fromCompletionStage(call.get().toCompletionStage()));
  }
}
