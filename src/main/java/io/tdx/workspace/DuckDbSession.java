package io.tdx.workspace;

import io.tdx.config.Limits;
import io.tdx.load.ImportRequest;
import io.tdx.load.ImportResult;
import io.tdx.service.ServiceDefinition;
import io.tdx.service.Services;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import org.duckdb.DuckDBConnection;

/** A session on a duplicate of the workspace's DuckDB connection. */
final class DuckDbSession implements WorkspaceSession {
  private final DuckDBConnection connection;
  private final Services services;
  private final Limits limits;
  private final Path segments;
  private final Executor segmentLoader;
  private final Semaphore writeGate;
  private final Runnable onClose;
  private final List<String> stagingTables = new ArrayList<>();

  DuckDbSession(DuckDBConnection connection, Services services, Limits limits, Path segments, Executor segmentLoader,
                Semaphore writeGate, Runnable onClose) {
    this.connection = connection;
    this.services = services;
    this.limits = limits;
    this.segments = segments;
    this.segmentLoader = segmentLoader;
    this.writeGate = writeGate;
    this.onClose = onClose;
  }

  @Override
  public StagedImport stage(ImportRequest request, InputStream csv, Path errorFile) throws Exception {
    return new Stager(connection, limits, segments, segmentLoader).stage(request, csv, stagingTable(), errorFile);
  }

  @Override
  public StagedGroup stageGroup(List<List<GroupPart>> transactions) throws Exception {
    return new GroupStager(new Stager(connection, limits, segments, segmentLoader), limits, this::stagingTable).stage(transactions);
  }

  /** A new staging table's name; the session drops its staging tables when it closes. */
  private String stagingTable() {
    String table = "tdx_stage_" + stagingTables.size();
    stagingTables.add(table);
    return table;
  }

  @Override
  public <T> T inTransaction(TransactionWork<T> work) throws Exception {
    // DuckDB fails conflicting writers instead of making them wait, and a snapshot taken
    // before another writer's commit would miss its keys: writers take turns.
    writeGate.acquire();
    try {
      connection.setAutoCommit(false);
      Transaction transaction = new Transaction();
      try {
        T result = work.apply(transaction);
        if (transaction.rollbackOnly) {
          connection.rollback();
        } else {
          connection.commit();
        }
        return result;
      } catch (Exception | Error e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(true);
      }
    } finally {
      writeGate.release();
    }
  }

  @Override
  public java.util.Optional<String> findTransaction(String id) throws Exception {
    return TxnRecords.find(connection, id);
  }

  @Override
  public List<String> listTransactions(String state, java.time.Instant afterCreated, String afterId, int limit)
    throws Exception {
    return TxnRecords.page(connection, state, afterCreated, afterId, limit);
  }

  @Override
  public java.util.Set<String> recordedTransactions() throws Exception {
    return TxnRecords.known(connection);
  }

  @Override
  public int purgeTransactions(java.time.Instant before) throws Exception {
    return inTransaction(tx -> TxnRecords.purge(connection, before));
  }

  @Override
  public ExportSummary export(ServiceDefinition service, OutputStream csv) throws Exception {
    return Exporter.export(connection, service, csv);
  }

  @Override
  public void close() {
    try (Statement statement = connection.createStatement()) {
      for (String table : stagingTables) {
        statement.execute("DROP TABLE IF EXISTS temp.main." + table);
        statement.execute("DROP TABLE IF EXISTS temp.main." + table + "_merged");
      }
    } catch (SQLException ignored) {
      // closing the connection drops its temporary tables anyway
    } finally {
      try {
        connection.close();
      } catch (SQLException ignored) {
        // nothing more to release
      }
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
      ImportResult result = new Merger(connection, services).apply(staged, siblings);
      if (result.aborted()) {
        rollbackOnly = true;
      }
      return result;
    }

    @Override
    public ExportSummary export(ServiceDefinition service, OutputStream csv) throws Exception {
      return Exporter.export(connection, service, csv);
    }

    @Override
    public List<List<ImportResult>> applyGroup(StagedGroup group) throws Exception {
      return new GroupMerger(connection, services).apply(group);
    }

    @Override
    public void recordAll(List<TxnRecord> records) throws Exception {
      TxnRecords.saveAll(connection, records);
    }

    @Override
    public void record(String id, String state, java.time.Instant finished, String document) throws Exception {
      TxnRecords.saveAll(connection, List.of(new TxnRecord(id, state, finished, document)));
    }

    @Override
    public void setRollbackOnly() {
      rollbackOnly = true;
    }
  }
}
