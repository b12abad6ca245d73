package io.tdx.client;

/**
 * A transaction committed, but an export part's CSV could not be saved where it was to go (its
 * rows are in the transaction's result on the server, {@code txn save ID PART_ID FILE}, until
 * the server's retention removes them).
 */
public final class TdxExportNotSavedException extends TdxException {
  private final TxnOutcome outcome;
  private final String part;

  TdxExportNotSavedException(TxnOutcome outcome, String part, Object target, Throwable cause) {
    super("transaction " + outcome.id() + " " + outcome.state() + ", but the CSV of export part " + part + " could not be saved to "
      + target + ": " + cause.getMessage(), cause);
    this.outcome = outcome;
    this.part = part;
  }

  /** The transaction's outcome: it committed. */
  public TxnOutcome outcome() {
    return outcome;
  }

  /** The export part whose CSV was not saved. */
  public String part() {
    return part;
  }
}
