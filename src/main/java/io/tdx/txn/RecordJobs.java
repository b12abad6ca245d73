package io.tdx.txn;

import io.tdx.worker.Job;
import io.tdx.workspace.TxnRecord;
import io.tdx.workspace.WorkspaceSession;
import java.time.Instant;
import java.util.List;

/** Jobs that write and purge transaction records in the workspace, each in a workspace transaction of its own. */
final class RecordJobs {
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

  static Job<Integer> purge(Instant before) {
    return workspace -> {
      try (WorkspaceSession session = workspace.session()) {
        return session.purgeTransactions(before);
      }
    };
  }
}
