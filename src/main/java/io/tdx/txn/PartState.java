package io.tdx.txn;

/** A part's state: {@code RECEIVING -> READY -> DONE | FAILED}; parts not listed at commit are {@code DISCARDED}. */
public enum PartState {
  RECEIVING, READY, DONE, FAILED, DISCARDED
}
