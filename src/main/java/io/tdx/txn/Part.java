package io.tdx.txn;

import io.tdx.load.ImportOptions;
import io.tdx.service.ServiceDefinition;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;

/**
 * One part of a transaction: an import (its body spooled to {@code body}, or held in memory) or an export, and what
 * became of it. Owned and changed by its transaction's verticle only.
 */
final class Part {
  final String id;
  final ServiceDefinition service;
  final String method;
  final ImportOptions options;
  final Path body;
  final String uri;
  /** The body, when small enough to be held in memory instead of {@code body} (null until received). */
  Buffer memory;
  /** Bytes of the body held in {@code memory}, counted against txn.maxMemoryBytes (reserved, then as received). */
  long inMemory;
  /** Where the commit writes the part's result (in the result store), once it runs. */
  Path resultFile;
  PartState state;
  JsonObject result;
  String error;
  int status;
  /** The spool file a body received on another node is written to, chunk by chunk (null until its first chunk). */
  Future<AsyncFile> upload;
  /** Bytes of the spooled body counted against txn.maxSpoolBytes (reserved, then as received). */
  long spooled;
  /** Bytes of the body received so far (as sent: compressed, if it was), told while it comes and once it has. */
  long received;

  Part(String id, ServiceDefinition service, String method, ImportOptions options, Path body, String uri) {
    this.id = id;
    this.service = service;
    this.method = method;
    this.options = options;
    this.body = body;
    this.uri = uri;
    this.state = isExport() ? PartState.READY : uri != null ? PartState.DOWNLOADING : PartState.RECEIVING;
  }

  boolean isExport() {
    return method.equals("GET");
  }

  TxnDocument.PartDocument document(String txn) {
    return new TxnDocument.PartDocument(id, txn, service.prefix(), method, state, uri, result, error, status, received);
  }

  JsonObject toJson(String txn) {
    return document(txn).toJson();
  }
}
