package io.tdx.txn;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import java.nio.file.Path;

/**
 * An owner's journal of the transactions that are not finished yet: a line when one starts, when
 * its commit begins and when it ends. After a stop or a crash, {@link TxnRecovery} records the
 * transactions the journal left unfinished as {@code ABORTED} or {@code FAILED}, so none is
 * found hanging. Written without blocking, in order, on the owner's event loop.
 */
final class TxnJournal {
  private final AsyncFile file;
  private boolean closed;

  private TxnJournal(AsyncFile file) {
    this.file = file;
  }

  static Future<TxnJournal> open(Vertx vertx, Path path) {
    return vertx.fileSystem().mkdirs(path.getParent().toString())
      .compose(v -> vertx.fileSystem().open(path.toString(), new OpenOptions().setAppend(true).setCreate(true)))
      .map(TxnJournal::new);
  }

  void started(Transaction txn) {
    write("OPEN " + txn.id + " " + txn.async + " " + txn.created
      + (txn.principal == null ? "" : " " + java.net.URLEncoder.encode(txn.principal, java.nio.charset.StandardCharsets.UTF_8)));
  }

  void committing(String id) {
    write("COMMITTING " + id);
  }

  void finished(String id) {
    write("FINISHED " + id);
  }

  private void write(String line) {
    if (!closed) { // a record written after the stop: the recovery reads the journal as it was
      file.write(Buffer.buffer(line + "\n"));
    }
  }

  Future<Void> close() {
    closed = true;
    return file.close();
  }
}
