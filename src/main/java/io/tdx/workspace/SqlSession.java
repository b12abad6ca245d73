package io.tdx.workspace;

import io.tdx.config.Limits;
import io.tdx.load.ErrorSink;
import io.tdx.load.ImportRequest;
import io.tdx.load.ImportResult;
import io.tdx.problem.ProblemException;
import io.tdx.service.ServiceDefinition;
import io.tdx.service.Services;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A session on one connection of the engine. */
final class SqlSession implements WorkspaceSession {
  private static final Logger LOG = LoggerFactory.getLogger(SqlSession.class);
  private final EngineConnection lent;
  private final Connection connection;
  private final Engine engine;
  private final Services services;
  private final Limits limits;
  private final Semaphore writeGate;
  private final int retries;
  private final Runnable onClose;
  private final List<String> temporaryTables = new ArrayList<>();
  /** Whether the connection may have been left in a state the next session must not inherit. */
  private boolean unclean;

  SqlSession(EngineConnection lent, Engine engine, Services services, Limits limits, Semaphore writeGate, int retries,
             Runnable onClose) {
    this.lent = lent;
    this.connection = lent.connection();
    this.engine = engine;
    this.services = services;
    this.limits = limits;
    this.writeGate = writeGate;
    this.retries = retries;
    this.onClose = onClose;
  }

  private Stager stager() {
    return new Stager(connection, engine, limits);
  }

  @Override
  public StagedImport stage(ImportRequest request, InputStream csv, Path errorFile) throws Exception {
    return stager().stage(request, csv, stagingTable(), errorFile);
  }

  /**
   * Where the engine reads CSV itself, spools the body and, if it is plain, lets the engine read
   * it ({@link #importPlain}); where that cannot stand (a row is rejected), the spooled body is
   * staged as usual, through the Java split.
   */
  @Override
  public ImportResult importCsv(ImportRequest request, InputStream csv, Path errorFile) throws Exception {
    CsvFiles files = engine.csvFiles();
    if (files == null || !EngineCsvStager.eligible(request.service())) {
      return WorkspaceSession.super.importCsv(request, csv, errorFile);
    }
    EngineCsvStager stager = new EngineCsvStager(connection, engine, files, limits, stager());
    try (EngineCsvStager.Spooled body = stager.spool(request, csv)) {
      PlainRead plain = stager.plain(request, body);
      ImportResult result = plain == null ? null : importPlain(stager, plain, errorFile);
      if (result != null) {
        return result;
      }
      try (InputStream whole = body.open()) {
        return WorkspaceSession.super.importCsv(request, whole, errorFile);
      }
    }
  }

  /**
   * A plain body written straight into the service's table where it may be
   * ({@link Merger#applyDirect}), else staged by the engine's read and applied
   * ({@link Merger#applyPlain}). Null, having written nothing, where a row is rejected.
   */
  private ImportResult importPlain(EngineCsvStager stager, PlainRead plain, Path errorFile) throws Exception {
    ImportRequest request = plain.request();
    if (stager.mayWriteDirectly(plain)) {
      try (ErrorSink errors = new ErrorSink(errorFile, request.service().dialect(), plain.mapping().header(), limits.summaryErrors())) {
        ImportResult written = inTransaction(transaction -> ((Transaction) transaction).applyDirect(plain, errors));
        if (written != null) {
          request.rowsRead().set(plain.rows());
        }
        return written;
      }
    }
    StagedImport staged = stager.stagePlain(plain, stagingTable(), errorFile);
    if (staged == null) {
      return null;
    }
    try {
      ImportResult applied = inTransaction(transaction -> ((Transaction) transaction).applyPlain(staged));
      if (applied == null) {
        engine.dropTemporary(connection, List.of(staged.table()));
      }
      return applied;
    } finally {
      staged.errors().close();
    }
  }

  @Override
  public StagedGroup stageGroup(List<List<GroupPart>> transactions) throws Exception {
    long bytes = transactions.stream().flatMap(List::stream).mapToLong(GroupPart::bytes).sum();
    boolean held = bytes <= HELD_GROUP_BYTES;
    return new GroupStager(stager(), limits, this::stagingTable).stage(transactions, held);
  }

  /** A new staging table's name; the session drops its staging tables (and their merged copies) when it closes. */
  private String stagingTable() {
    String table = "tdx_stage_" + temporaryTables.size() / 2;
    temporaryTables.add(table);
    temporaryTables.add(table + Merger.MERGED);
    return table;
  }

  /**
   * Runs the work in one database transaction. Where the engine needs it, writers take turns:
   * DuckDB fails conflicting writers instead of making them wait, and a snapshot taken before
   * another writer's commit would miss its keys. Elsewhere a transaction that loses a
   * serialization conflict or a deadlock is run again, up to {@code retries} times.
   */
  @Override
  public <T> T inTransaction(TransactionWork<T> work) throws Exception {
    for (int attempt = 0; ; attempt++) {
      try {
        return once(work);
      } catch (SQLException e) {
        if (!engine.retryable(e)) {
          throw e;
        }
        if (attempt >= retries) {
          throw new ProblemException(409, "workspace-conflict", "Conflicting transactions",
            "the workspace transaction conflicted with concurrent ones " + (attempt + 1) + " times (last: " + e.getMessage()
              + ", SQLSTATE " + e.getSQLState() + ") and was rolled back each time; nothing was written")
            .with("attempts", attempt + 1);
        }
        LOG.debug("workspace transaction conflicted (SQLSTATE {}), running it again", e.getSQLState());
        // a worker thread's job (never an event loop): a short random backoff, doubling, lets the other side finish
        Thread.sleep(ThreadLocalRandom.current().nextLong(5, 20) << attempt);
      }
    }
  }

  private <T> T once(TransactionWork<T> work) throws Exception {
    if (writeGate != null) {
      writeGate.acquire();
    }
    try {
      return inDatabaseTransaction(() -> {
        Transaction transaction = new Transaction();
        T result = work.apply(transaction);
        if (transaction.rollbackOnly) {
          connection.rollback();
        } else {
          connection.commit();
        }
        return result;
      });
    } finally {
      if (writeGate != null) {
        writeGate.release();
      }
    }
  }

  /** Runs {@code body}, which commits or rolls back, with auto-commit off; rolls back if it throws. */
  private <T> T inDatabaseTransaction(java.util.concurrent.Callable<T> body) throws Exception {
    connection.setAutoCommit(false);
    try {
      return body.call();
    } catch (Exception | Error e) {
      rollbackQuietly(e);
      throw e;
    } finally {
      autoCommitQuietly();
    }
  }

  private void rollbackQuietly(Throwable cause) {
    try {
      connection.rollback();
    } catch (SQLException e) {
      unclean = true;
      cause.addSuppressed(e); // the connection is gone; the database rolls the transaction back itself
    }
  }

  private void autoCommitQuietly() {
    try {
      connection.setAutoCommit(true);
    } catch (SQLException e) {
      unclean = true; // a broken connection: the engine discards it when the session closes
    }
  }

  @Override
  public void ping() throws Exception {
    try (java.sql.Statement statement = connection.createStatement()) {
      statement.setQueryTimeout(5);
      statement.executeQuery("SELECT 1 FROM " + TxnRecords.TABLE + " LIMIT 1").close();
    }
  }

  @Override
  public Optional<String> findTransaction(String id) throws Exception {
    return TxnRecords.find(lent.statements(), id);
  }

  @Override
  public List<String> listTransactions(String state, String principal, Instant afterCreated, String afterId, int limit,
                                       boolean newest) throws Exception {
    return TxnRecords.page(connection, engine.dialect(), state, principal, afterCreated, afterId, limit, newest);
  }

  @Override
  public Set<String> recordedTransactions() throws Exception {
    return TxnRecords.known(connection);
  }

  @Override
  public int deleteTransaction(String id) throws Exception {
    return inTransaction(tx -> TxnRecords.delete(connection, id));
  }

  @Override
  public int purgeTransactions(Instant before) throws Exception {
    return inTransaction(tx -> TxnRecords.purge(connection, before));
  }

  /** An export outside any write transaction: one read transaction, so that the engine can stream it with a cursor. */
  @Override
  public ExportSummary export(ServiceDefinition service, OutputStream csv) throws Exception {
    return inDatabaseTransaction(() -> {
      ExportSummary summary = engine.export(connection, service, csv);
      connection.commit();
      return summary;
    });
  }

  /** Drops the session's temporary tables and gives the connection back, to be lent again only if that worked. */
  @Override
  public void close() {
    try {
      if (!temporaryTables.isEmpty()) {
        engine.dropTemporary(connection, temporaryTables);
      }
    } catch (SQLException e) {
      unclean = true; // closing the connection drops its temporary tables anyway
    } finally {
      engine.giveBack(lent, !unclean);
      onClose.run();
    }
  }

  private final class Transaction implements WorkspaceTransaction {
    private boolean rollbackOnly;

    @Override
    public ImportResult apply(StagedImport staged) throws Exception {
      return apply(staged, List.of());
    }

    @Override
    public ImportResult apply(StagedImport staged, List<StagedImport> siblings) throws Exception {
      ImportResult result = new Merger(connection, engine.dialect(), services).apply(staged, siblings);
      if (result.aborted()) {
        rollbackOnly = true;
      }
      return result;
    }

    /** {@link Merger#applyDirect}; where it writes nothing that stands, the transaction rolls back. */
    ImportResult applyDirect(PlainRead load, ErrorSink errors) throws Exception {
      return rollBackIfNull(new Merger(connection, engine.dialect(), services).applyDirect(load, errors));
    }

    /** {@link Merger#applyPlain}; where it writes nothing, the transaction rolls back. */
    ImportResult applyPlain(StagedImport staged) throws Exception {
      return rollBackIfNull(new Merger(connection, engine.dialect(), services).applyPlain(staged));
    }

    private ImportResult rollBackIfNull(ImportResult result) {
      if (result == null) {
        rollbackOnly = true;
      }
      return result;
    }

    @Override
    public ExportSummary export(ServiceDefinition service, OutputStream csv) throws Exception {
      return engine.export(connection, service, csv);
    }

    @Override
    public List<List<ImportResult>> applyGroup(StagedGroup group) throws Exception {
      return new GroupMerger(lent, engine.dialect(), services, group.held).apply(group);
    }

    @Override
    public void recordAll(List<TxnRecord> records) throws Exception {
      TxnRecords.saveAll(lent.statements(), engine.dialect(), records, TxnRecords.Save.REPLACE);
    }

    @Override
    public void recordUnlessRecorded(List<TxnRecord> records) throws Exception {
      TxnRecords.saveAll(lent.statements(), engine.dialect(), records, TxnRecords.Save.IF_ABSENT);
    }

    @Override
    public void recordEnding(List<TxnRecord> records) throws Exception {
      TxnRecords.saveAll(lent.statements(), engine.dialect(), records, TxnRecords.Save.INSERT);
    }

    @Override
    public void record(TxnRecord record) throws Exception {
      recordEnding(List.of(record));
    }

    @Override
    public void setRollbackOnly() {
      rollbackOnly = true;
    }
  }
}
