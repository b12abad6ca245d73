package io.tdx.workspace;

import java.time.Instant;

/**
 * The record of a finished transaction: its id, final state, when it was created (null when
 * unknown: it then counts from its end) and finished, and its document (JSON).
 */
public record TxnRecord(String id, String state, Instant created, Instant finished, String principal, String document) {
}
