package io.tdx.http;

import io.tdx.txn.TxnRequest;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;

/**
 * A part's body on its way to the transaction's owner on another node: the bytes are sent in
 * {@link TxnRequest.BodyChunk}s of up to {@link #CHUNK} bytes, at most {@link #WINDOW} of them
 * unanswered (the pipe from the request pauses beyond that), and {@link #end} completes once the
 * owner has the whole body on its disk (and, for a coded one, has decoded it to the end).
 */
final class OwnerBodyStream implements WriteStream<Buffer> {
  static final int CHUNK = 256 * 1024;
  static final int WINDOW = 4;
  private final TxnClient txns;
  private final String txn;
  private final String part;
  private final String coding;
  private Buffer pending = Buffer.buffer();
  private int unanswered;
  private Throwable failed;
  private Handler<Void> drain;
  private Handler<Throwable> exceptions;

  /** @param coding the body's {@code Content-Encoding} (null for none): the owner checks the body in it */
  OwnerBodyStream(TxnClient txns, String txn, String part, String coding) {
    this.txns = txns;
    this.txn = txn;
    this.part = part;
    this.coding = coding;
  }

  @Override
  public Future<Void> write(Buffer data) {
    if (failed != null) {
      return Future.failedFuture(failed);
    }
    pending.appendBuffer(data);
    return pending.length() >= CHUNK ? send(false) : Future.succeededFuture();
  }

  private Future<Void> send(boolean last) {
    Buffer chunk = pending;
    pending = Buffer.buffer();
    unanswered++;
    return txns.send(txn, new TxnRequest.BodyChunk(part, chunk, last, coding)).<Void>mapEmpty()
      .onComplete(done -> {
        unanswered--;
        if (done.failed() && failed == null) {
          failed = done.cause();
          if (exceptions != null) {
            exceptions.handle(failed);
          }
        }
        if (unanswered < WINDOW && drain != null) {
          Handler<Void> handler = drain;
          drain = null;
          handler.handle(null);
        }
      });
  }

  @Override
  public Future<Void> end() {
    if (failed != null) {
      return Future.failedFuture(failed);
    }
    return send(true);
  }

  @Override
  public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
    exceptions = handler;
    return this;
  }

  @Override
  public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
    return this;
  }

  @Override
  public boolean writeQueueFull() {
    return failed == null && unanswered >= WINDOW;
  }

  @Override
  public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
    drain = handler;
    return this;
  }
}
