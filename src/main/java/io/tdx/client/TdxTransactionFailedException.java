package io.tdx.client;

import java.util.Optional;

/**
 * A transaction ended {@code FAILED} or {@code ABORTED}: the outcome as the server recorded it,
 * and the part that failed, if one did.
 */
public final class TdxTransactionFailedException extends TdxException {
  private final TxnOutcome outcome;

  TdxTransactionFailedException(TxnOutcome outcome) {
    super("transaction " + outcome.id() + " " + outcome.state()
      + outcome.failedPart().map(p -> ": part " + p.id() + " (" + p.method() + " " + p.service() + ") " + p.error()).orElse("")
      + (outcome.cause() == null ? "" : " (" + outcome.cause() + ")"), null);
    this.outcome = outcome;
  }

  public TxnOutcome outcome() {
    return outcome;
  }

  public Optional<TxnOutcome.PartOutcome> failedPart() {
    return outcome.failedPart();
  }
}
