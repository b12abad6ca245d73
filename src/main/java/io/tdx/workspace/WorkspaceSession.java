package io.tdx.workspace;

import io.tdx.load.ImportRequest;
import io.tdx.load.ImportResult;
import io.tdx.service.ServiceDefinition;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/** One connection to the workspace, used by one job on one worker thread. */
public interface WorkspaceSession extends AutoCloseable {
  /**
   * A group commit whose parts' bodies add up to at most this many bytes holds its rows in memory
   * ({@link HeldGroupSteps}): some tens of megabytes of heap at most, for a moment. A larger
   * group is staged in tables.
   */
  long HELD_GROUP_BYTES = 1 << 20;

  /** Parses, validates and stages an import; writes rejected rows to {@code errorFile}. Touches no service table. */
  StagedImport stage(ImportRequest request, InputStream csv, Path errorFile) throws Exception;

  /**
   * Imports a CSV on its own, in one workspace transaction: staged ({@link #stage}), then applied;
   * rejected rows go to {@code errorFile}.
   */
  default ImportResult importCsv(ImportRequest request, InputStream csv, Path errorFile) throws Exception {
    StagedImport staged = stage(request, csv, errorFile);
    try {
      return inTransaction(transaction -> transaction.apply(staged));
    } finally {
      staged.errors().close();
    }
  }

  /**
   * Runs {@code work} in one workspace transaction, serialised with every other writer: it
   * commits if the work returns normally and rolls back if it throws or asks to.
   */
  <T> T inTransaction(TransactionWork<T> work) throws Exception;

  /**
   * Stages the imports of several transactions together for a group commit (one staging table
   * per service and header, or rows held in memory: {@link #HELD_GROUP_BYTES}). Null when a part is refused on its own (a bad header, malformed
   * CSV): its transaction must then run alone. Touches no service table.
   */
  StagedGroup stageGroup(List<List<GroupPart>> transactions) throws Exception;

  /**
   * Commits a staged group in one workspace transaction with the records {@code records} makes
   * of its results, and closes its error files: each transaction's import results, or null (rolled
   * back, nothing written) when the group cannot be applied as one.
   */
  default List<List<ImportResult>> commitGroup(StagedGroup staged, Function<List<List<ImportResult>>, List<TxnRecord>> records)
    throws Exception {
    try {
      return inTransaction(tx -> {
        List<List<ImportResult>> results = tx.applyGroup(staged);
        if (results == null) {
          tx.setRollbackOnly();
          return null;
        }
        tx.recordEnding(records.apply(results));
        return results;
      });
    } finally {
      staged.closeQuietly();
    }
  }

  /** Reads one row of the transaction records, if any: proves the workspace answers, and holds the server's tables (readiness). */
  void ping() throws Exception;

  /** The record of a finished transaction, if the workspace holds one. */
  Optional<String> findTransaction(String id) throws Exception;

  /**
   * Up to {@code limit} transaction records (documents) in creation order, then id, after the
   * transaction created at {@code afterCreated} with id {@code afterId} (from the start when null),
   * optionally only those in {@code state} and of {@code principal}; {@code newest} first (after
   * meaning older) or oldest first. Reads only: needs no writer's turn.
   */
  List<String> listTransactions(String state, String principal, java.time.Instant afterCreated, String afterId, int limit,
                                boolean newest) throws Exception;

  /** The ids of every transaction the workspace holds a record of. */
  Set<String> recordedTransactions() throws Exception;

  /** Deletes the record of one transaction (its client is done with it); returns how many went (0 or 1). */
  int deleteTransaction(String id) throws Exception;

  /** Deletes the records of transactions finished before {@code before}; returns how many. */
  int purgeTransactions(java.time.Instant before) throws Exception;

  /** Exports a service's table as of one consistent snapshot. */
  ExportSummary export(ServiceDefinition service, OutputStream csv) throws Exception;

  @Override
  void close();

  /** Work done inside one workspace transaction. */
  @FunctionalInterface
  interface TransactionWork<T> {
    T apply(WorkspaceTransaction transaction) throws Exception;
  }

  /** The operations available inside a workspace transaction. */
  interface WorkspaceTransaction {
    /**
     * Applies a staged group as if its transactions had committed one after another: each
     * transaction's import results in the order of its parts. Null when that cannot be (a part
     * would fail, or two parts write one key); nothing is written then and the caller rolls back.
     */
    List<List<ImportResult>> applyGroup(StagedGroup group) throws Exception;

    /** Records finished transactions ({@code tdx_transactions}), replacing any record of the same ids. */
    void recordAll(List<TxnRecord> records) throws Exception;

    /** Records finished transactions that have no record: one that exists (a commit's) stands. */
    void recordUnlessRecorded(List<TxnRecord> records) throws Exception;

    /**
     * Records transactions that end with this database transaction, their commits: in one
     * statement, inserted, since a transaction is recorded once, when it ends, and these end now.
     */
    void recordEnding(List<TxnRecord> records) throws Exception;

    /** Applies a staged import; an import aborted by {@code abort_on_error} marks the transaction for rollback. */
    ImportResult apply(StagedImport staged) throws Exception;

    /**
     * Applies one staged import of a transaction of several parts: its references may also be
     * satisfied by the accepted rows of the other imports ({@code siblings}), in either order.
     */
    ImportResult apply(StagedImport staged, List<StagedImport> siblings) throws Exception;

    /** Exports a table as this transaction sees it. */
    ExportSummary export(ServiceDefinition service, OutputStream csv) throws Exception;

    /** Writes a transaction's final record, committed (or not) with everything else of this transaction ({@link #recordEnding}). */
    void record(TxnRecord record) throws Exception;

    /** Makes the transaction roll back when the work returns. */
    void setRollbackOnly();
  }
}
