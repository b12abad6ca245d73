package io.tdx.workspace;

import java.time.Instant;

/** The record of a finished transaction: its id, final state, when it finished and its document (JSON). */
public record TxnRecord(String id, String state, Instant finished, String document) {
}
