package io.tdx.txn;

/**
 * A part's state: {@code RECEIVING} (its body) or {@code DOWNLOADING} (its file by URI, being
 * checked) {@code -> READY -> DONE | FAILED}; parts not listed at commit are {@code DISCARDED}.
 */
public enum PartState {
  RECEIVING, DOWNLOADING, READY, DONE, FAILED, DISCARDED;

  boolean arriving() {
    return this == RECEIVING || this == DOWNLOADING;
  }
}
