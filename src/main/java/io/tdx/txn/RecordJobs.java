package io.tdx.txn;

import io.tdx.worker.Job;
import io.tdx.workspace.TxnRecord;
import io.tdx.workspace.WorkspaceSession;
import java.time.Instant;
import java.util.List;

/** Jobs that write and purge transaction records in the workspace, each in a workspace transaction of its own. */
public final class RecordJobs {
  private RecordJobs() {
  }

  /** Several records in one workspace transaction (one statement). */
  static Job<Void> recordAll(List<TxnRecord> records) {
    return workspace -> {
      try (WorkspaceSession session = workspace.session()) {
        return session.inTransaction(tx -> {
          tx.recordAll(records);
          return null;
        });
      }
    };
  }

  /** Records of transactions whose owner went away, unless they have one (their commit's, written with the data). */
  static Job<Void> recordUnlessRecorded(List<TxnRecord> records) {
    return workspace -> {
      try (WorkspaceSession session = workspace.session()) {
        return session.inTransaction(tx -> {
          tx.recordUnlessRecorded(records);
          return null;
        });
      }
    };
  }

  /** The record of a finished transaction: its final document. */
  static TxnRecord record(TxnDocument document) {
    return new TxnRecord(document.id(), document.state().name(), document.created(), document.finished(),
      document.principal(), document.toJson().encode());
  }

  /** Deletes one transaction's record. */
  public static Job<Integer> delete(String id) {
    return workspace -> {
      try (WorkspaceSession session = workspace.session()) {
        return session.deleteTransaction(id);
      }
    };
  }

  static Job<Integer> purge(Instant before) {
    return workspace -> {
      try (WorkspaceSession session = workspace.session()) {
        return session.purgeTransactions(before);
      }
    };
  }
}
