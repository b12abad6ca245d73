package io.tdx.txn;

import io.tdx.load.ImportOptions;
import io.tdx.service.ServiceDefinition;
import io.vertx.core.buffer.Buffer;
import java.util.List;

/**
 * The messages a transaction's owner understands, sent by reference on the event bus to
 * {@link TxnAddresses#of}; {@link Begin} goes to {@link TxnAddresses#start}. Each is answered
 * with a {@link TxnReply}.
 */
public sealed interface TxnRequest {
  /** Starts a transaction; replies with its document. */
  record Begin(boolean async) implements TxnRequest { }

  /**
   * Adds a part; {@code uri} when its file is named by URI (imported from it, or exported to it).
   * Replies with the part's document and, for an import, the file to spool its body to, or no
   * file when the body, {@code plain} (no content coding) and small, is to be sent in memory.
   */
  record AddPart(ServiceDefinition service, String method, ImportOptions options, long contentLength, String uri,
                 boolean plain) implements TxnRequest { }

  /** The part's body is received ({@code error} null), spooled or in {@code memory}, or could not be. */
  record PartReceived(String part, long bytes, String error, int status, Buffer memory) implements TxnRequest {
    public PartReceived(String part, long bytes, String error, int status) {
      this(part, bytes, error, status, null);
    }
  }

  /**
   * Commits the listed parts in order; {@code count}, when not null, must match. Without a list
   * (synchronous protocol) it commits the first {@code count} parts once they have arrived.
   */
  record Commit(List<String> parts, Integer count) implements TxnRequest { }

  /** Aborts an open transaction; {@code reason} null when the client asks, else why the server does. */
  record Abort(String reason) implements TxnRequest { }

  /** The transaction's document. */
  record Get() implements TxnRequest { }

  /** A part's document and result file. */
  record GetPart(String part) implements TxnRequest { }

  /** Replies once the transaction is finished or {@code waitMillis} have passed. */
  record Poll(long waitMillis) implements TxnRequest { }

  /**
   * The documents of the transactions this owner holds that have no record in the workspace yet
   * (open, committing, finished but not yet recorded), optionally in one state, ordered by
   * creation time then id, after that position ({@code afterCreated} null: from the start), at
   * most {@code limit}: replied as {@code {"transactions": [...]}}.
   */
  record ListAll(String state, java.time.Instant afterCreated, String afterId, int limit) implements TxnRequest { }

  /**
   * What this owner holds in memory: {@code {"held", "open", "recent"}}: every transaction it
   * holds, the open or committing ones, the finished ones kept for quick answers.
   */
  record Memory() implements TxnRequest { }
}
