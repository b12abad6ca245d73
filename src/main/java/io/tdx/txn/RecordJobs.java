package io.tdx.txn;

import io.tdx.worker.Job;
import io.tdx.workspace.WorkspaceSession;
import java.time.Instant;

/** Jobs that write and purge transaction records in the workspace, each in a workspace transaction of its own. */
final class RecordJobs {
  private RecordJobs() {
  }

  static Job<Void> record(String id, TxnState state, Instant finished, String document) {
    return workspace -> {
      try (WorkspaceSession session = workspace.session()) {
        return session.inTransaction(tx -> {
          tx.record(id, state.name(), finished, document);
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
