package io.tdx.txn;

import io.tdx.files.FileAccess;
import io.tdx.load.ImportMode;
import io.tdx.load.ImportOptions;
import io.tdx.load.ImportRequest;
import io.tdx.load.ImportResult;
import io.tdx.problem.ProblemException;
import io.tdx.service.ServiceDefinition;
import io.tdx.stream.Cancellation;
import io.tdx.stream.ContentDecoding;
import io.tdx.worker.GroupableJob;
import io.tdx.worker.JobOutcome;
import io.tdx.workspace.ExportSummary;
import io.tdx.workspace.StagedImport;
import io.tdx.workspace.Workspace;
import io.tdx.workspace.WorkspaceSession;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The commit of a transaction: stages every listed import from its spool file, then applies the
 * parts in the listed order in one workspace transaction. Exports write their CSV to their
 * result file and see the imports before them. Any failing part rolls everything back.
 */
record TransactionJob(String txn, TxnDocument document, List<Work> parts, FileAccess files, AtomicBoolean cancelled,
                      CommitProgress progress)
  implements GroupableJob<TransactionJob.Outcome> {

  /**
   * A part as the job needs it, handed over from the transaction's verticle: its body spooled to
   * {@code body} or held in {@code memory} (never changed once handed over), or read by URI.
   */
  record Work(String id, ServiceDefinition service, String method, ImportOptions options, Path body, Buffer memory,
              String uri, Path resultFile, long bytes) {
    boolean isExport() {
      return method.equals("GET");
    }

    /** The body as received: in memory, or spooled (decoded here if it was sent compressed). */
    InputStream received() throws java.io.IOException {
      return memory != null ? new ByteArrayInputStream(memory.getBytes()) : ContentDecoding.openSpooled(body);
    }
  }

  /**
   * What became of a part; {@code status} is the HTTP status a request of its own would have had
   * (200, 422 for abort_on_error, the 4xx of a bad header, 424 for a part that failed with another).
   */
  record PartOutcome(String id, PartState state, int status, JsonObject result, String error) {
  }

  /** What became of the transaction: committed, or the failing part and its cause; when; and its record. */
  record Outcome(boolean committed, String cause, List<PartOutcome> parts, Instant finished, TxnDocument record) {
  }

  @Override
  public boolean groupable() {
    return TransactionGroup.groupable(this);
  }

  @Override
  public List<JobOutcome> runTogether(List<GroupableJob<?>> jobs, Workspace workspace) {
    return TransactionGroup.run(jobs, workspace);
  }

  /** The outcome of this transaction committed with these import results, one per part (a group commit). */
  Outcome committed(List<ImportResult> results) {
    List<PartOutcome> outcomes = new ArrayList<>();
    for (int i = 0; i < parts.size(); i++) {
      outcomes.add(new PartOutcome(parts.get(i).id(), PartState.DONE, 200, summary(results.get(i)), null));
    }
    return outcome(true, null, outcomes);
  }

  @Override
  public Outcome run(Workspace workspace) throws Exception {
    Cancellation.check(cancelled);
    try (WorkspaceSession session = workspace.session()) {
      Map<String, StagedImport> staged = new LinkedHashMap<>();
      for (Work part : parts) {
        if (part.isExport()) {
          continue;
        }
        try (InputStream body = body(part)) {
          ImportRequest request = new ImportRequest(part.service(), ImportMode.ofMethod(part.method()), part.options(),
            progress.staging(part.id()));
          staged.put(part.id(), session.stage(request, body, part.resultFile()));
        } catch (ProblemException e) {
          Cancellation.check(cancelled); // a read cut short by the cancel is no failure of the part
          return failed(session, part, e.status(), e.getMessage(), staged);
        }
      }
      Map<String, PartOutcome> outcomes = new LinkedHashMap<>();
      Map<String, FileAccess.Staged<ExportSummary>> exports = new LinkedHashMap<>();
      Outcome committed;
      try {
        committed = session.inTransaction(tx -> apply(tx, staged, outcomes, exports));
      } finally {
        exports.values().forEach(FileAccess.Staged::discard);
      }
      staged.values().forEach(TransactionJob::closeQuietly);
      if (committed != null) {
        return committed;
      }
      Cancellation.check(cancelled);
      PartOutcome failing = outcomes.values().stream().filter(o -> o.state() == PartState.FAILED).findFirst().orElseThrow();
      Work part = parts.stream().filter(w -> w.id().equals(failing.id())).findFirst().orElseThrow();
      String cause = "part " + part.id() + " (" + part.method() + " " + part.service().prefix() + ") failed: " + failing.error();
      return recordFailure(session, outcome(false, cause, dependents(outcomes, cause)));
    }
  }

  /**
   * Applies the parts in order inside the workspace transaction. Exports to URIs are staged and
   * published only once every part has succeeded, just before the commit; a publish that fails
   * (the file appeared meanwhile) fails its part and rolls everything back.
   */
  private Outcome apply(WorkspaceSession.WorkspaceTransaction tx, Map<String, StagedImport> staged,
                        Map<String, PartOutcome> outcomes, Map<String, FileAccess.Staged<ExportSummary>> exports) throws Exception {
    List<StagedImport> all = List.copyOf(staged.values());
    for (Work part : parts) {
      progress.phase("applying", part.id());
      PartOutcome outcome = part.isExport() ? export(tx, part, exports) : apply(tx, part, staged.get(part.id()), all);
      outcomes.put(part.id(), outcome);
      if (outcome.result() != null) {
        JsonObject result = outcome.result();
        progress.merged(part.id(), part.isExport() ? result.getLong("rows", 0L)
          : result.getLong("inserted", 0L) + result.getLong("updated", 0L) + result.getLong("deleted", 0L));
      }
      if (outcome.state() == PartState.FAILED) {
        tx.setRollbackOnly();
        return null;
      }
    }
    for (Map.Entry<String, FileAccess.Staged<ExportSummary>> export : List.copyOf(exports.entrySet())) {
      try {
        export.getValue().publish();
        exports.remove(export.getKey());
      } catch (ProblemException e) {
        outcomes.put(export.getKey(), new PartOutcome(export.getKey(), PartState.FAILED, e.status(), null, e.getMessage()));
        tx.setRollbackOnly();
        return null;
      }
    }
    Outcome outcome = outcome(true, null, List.copyOf(outcomes.values()));
    // the record commits with the data it describes, or not at all
    tx.record(RecordJobs.record(outcome.record()));
    return outcome;
  }

  private Outcome recordFailure(WorkspaceSession session, Outcome outcome) throws Exception {
    session.inTransaction(tx -> {
      tx.record(RecordJobs.record(outcome.record()));
      return null;
    });
    return outcome;
  }

  /** The outcome with the transaction's final document, as its owner will show it. */
  private Outcome outcome(boolean committed, String cause, List<PartOutcome> results) {
    Instant finished = Instant.now();
    TxnDocument record = document.ended(committed ? TxnState.COMMITTED : TxnState.FAILED, finished, cause, results);
    return new Outcome(committed, cause, results, finished, record);
  }

  private static PartOutcome apply(WorkspaceSession.WorkspaceTransaction tx, Work part, StagedImport staged,
                                   List<StagedImport> all) throws Exception {
    List<StagedImport> siblings = new ArrayList<>(all);
    siblings.remove(staged);
    ImportResult result = tx.apply(staged, siblings);
    if (result.aborted()) {
      return new PartOutcome(part.id(), PartState.FAILED, 422, summary(result),
        result.rejected() + " rows rejected and abort_on_error=true");
    }
    return new PartOutcome(part.id(), PartState.DONE, 200, summary(result), null);
  }

  /** An import's summary with its header: an error file with no rejected row is not kept, but made from it on demand. */
  private static JsonObject summary(ImportResult result) {
    return result.toJson().put("header", new io.vertx.core.json.JsonArray(new ArrayList<>(result.header())));
  }

  /** The part's body: spooled (a remote file as fetched, decompressed here), or read in place by URI. */
  private InputStream body(Work part) throws Exception {
    InputStream body = part.body() == null && part.memory() == null ? files.open(part.uri())
      : part.uri() != null ? FileAccess.openSpooled(part.uri(), part.body()) : part.received();
    return Cancellation.watch(body, cancelled);
  }

  private PartOutcome export(WorkspaceSession.WorkspaceTransaction tx, Work part,
                             Map<String, FileAccess.Staged<ExportSummary>> exports) throws Exception {
    if (part.uri() != null) {
      try {
        FileAccess.Staged<ExportSummary> written = files.stage(part.uri(), out -> tx.export(part.service(), out));
        exports.put(part.id(), written);
        return new PartOutcome(part.id(), PartState.DONE, 200, new JsonObject().put("rows", written.result().rows())
          .put("bytes", written.bytes()).put("uri", part.uri()), null);
      } catch (ProblemException e) {
        return new PartOutcome(part.id(), PartState.FAILED, e.status(), null, e.getMessage());
      }
    }
    Files.createDirectories(part.resultFile().getParent());
    try (OutputStream out = new BufferedOutputStream(Cancellation.watch(Files.newOutputStream(part.resultFile()), cancelled), 1 << 16)) {
      ExportSummary summary = tx.export(part.service(), out);
      return new PartOutcome(part.id(), PartState.DONE, 200, new JsonObject().put("rows", summary.rows()), null);
    }
  }

  private Outcome failed(WorkspaceSession session, Work failing, int status, String error,
                         Map<String, StagedImport> staged) throws Exception {
    staged.values().forEach(TransactionJob::closeQuietly);
    String cause = "part " + failing.id() + " (" + failing.method() + " " + failing.service().prefix() + ") failed: " + error;
    Map<String, PartOutcome> outcomes = new LinkedHashMap<>();
    outcomes.put(failing.id(), new PartOutcome(failing.id(), PartState.FAILED, status, null, error));
    return recordFailure(session, outcome(false, cause, dependents(outcomes, cause)));
  }

  /** The failing part keeps its error; every other part failed with it (nothing was applied). */
  private List<PartOutcome> dependents(Map<String, PartOutcome> outcomes, String cause) {
    List<PartOutcome> result = new ArrayList<>();
    for (Work part : parts) {
      PartOutcome own = outcomes.get(part.id());
      result.add(own != null && own.state() == PartState.FAILED
        ? own
        : new PartOutcome(part.id(), PartState.FAILED, 424, own == null ? null : own.result(), "not applied: " + cause));
    }
    return result;
  }

  private static void closeQuietly(StagedImport staged) {
    try {
      staged.errors().close();
    } catch (Exception ignored) {
      // the error file is complete or abandoned with the transaction
    }
  }
}
