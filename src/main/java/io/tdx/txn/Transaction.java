package io.tdx.txn;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/** A transaction and its parts, owned and changed by one {@link TxnVerticle} only. */
final class Transaction {
  final String id;
  final boolean async;
  /** The node that owns it, in a cluster (its result files are there); null on a server of its own. */
  final String node;
  /** To the microsecond, as the workspace orders records by it. */
  final Instant created = Instant.now().truncatedTo(ChronoUnit.MICROS);
  final Map<String, Part> parts = new LinkedHashMap<>();
  TxnState state = TxnState.OPEN;
  Instant lastActivity = created;
  Instant committed;
  Instant finished;
  List<String> commitList;
  /** Synchronous protocol: the commit asked for this many parts and waits for them. */
  Integer expected;
  boolean running;
  /** A part of it was given a spool file: its spool directory exists, or may. */
  boolean spooling;
  String cause;
  /** Finished and its record written: the listing reads it from the workspace. */
  boolean recorded;
  private int partCounter;

  /** A single request sent with lb_async=true: how it asked to be answered; else null. */
  final JsonObject lbAsync;
  /** Set by a {@link TxnRequest.Cancel} while the workspace transaction runs; its job reads it. */
  final AtomicBoolean cancelled = new AtomicBoolean();
  /** Why it was cancelled while it ran. */
  String cancelCause;
  /** How far its commit has come, while it runs; null before and after. */
  CommitProgress progress;

  /** Who started it; null on a server without authentication. */
  final String principal;

  Transaction(String id, boolean async, String node, JsonObject lbAsync, String principal) {
    this.id = id;
    this.principal = principal;
    this.async = async;
    this.node = node;
    this.lbAsync = lbAsync;
  }

  String nextPartId() {
    return "p" + (++partCounter);
  }

  /** Its document now. */
  TxnDocument document() {
    return new TxnDocument(id, async, state, created, committed, finished,
      parts.values().stream().map(p -> p.document(id)).toList(), commitList, cause, node, lbAsync, principal,
      progress == null || state != TxnState.COMMITTING ? null : progress.toJson());
  }

  JsonObject toJson() {
    return document().toJson();
  }
}
