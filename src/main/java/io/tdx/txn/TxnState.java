package io.tdx.txn;

/** A transaction's state: {@code OPEN -> COMMITTING -> COMMITTED | FAILED}, or {@code OPEN -> ABORTED}. */
public enum TxnState {
  OPEN, COMMITTING, COMMITTED, FAILED, ABORTED;

  public boolean finished() {
    return this == COMMITTED || this == FAILED || this == ABORTED;
  }
}
