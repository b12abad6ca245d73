package io.tdx.txn;

import io.tdx.load.ImportMode;
import io.tdx.load.ImportRequest;
import io.tdx.load.ImportResult;
import io.tdx.problem.ProblemException;
import io.tdx.service.Column;
import io.tdx.worker.GroupableJob;
import io.tdx.worker.JobOutcome;
import io.tdx.workspace.GroupPart;
import io.tdx.workspace.StagedGroup;
import io.tdx.workspace.TxnRecord;
import io.tdx.workspace.Workspace;
import io.tdx.workspace.WorkspaceSession;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit of small transactions: the commits waiting for a worker are staged together and
 * applied in one workspace transaction, as if they had committed one after another in the order
 * they were queued, with their records. When that cannot be (a part fails, two parts write one
 * key, a header is refused), nothing of the group is written and each transaction runs alone, as
 * it would have without the group: the outcome of every transaction is the one it would have
 * had on its own.
 */
final class TransactionGroup {
  /** A part larger than this runs alone: staging it holds up the group's other commits. */
  static final long MAX_PART_BYTES = 1 << 20;
  private static final Logger LOG = LoggerFactory.getLogger(TransactionGroup.class);

  private TransactionGroup() {
  }

  /**
   * Upserts of spooled bodies, small, whose references are checked (not accumulated) and point to
   * other services. Asked on the dispatcher's event loop: it looks at the job only, never at a file.
   */
  static boolean groupable(TransactionJob job) {
    if (job.parts().isEmpty()) {
      return false;
    }
    for (TransactionJob.Work part : job.parts()) {
      if (part.isExport() || part.body() == null && part.memory() == null || part.uri() != null || ImportMode.ofMethod(part.method()) != ImportMode.UPSERT
        || part.bytes() > MAX_PART_BYTES) {
        return false;
      }
      for (Column column : part.service().columns()) {
        if (column.reference() != null
          && (column.reference().accumulate() || column.reference().service().equals(part.service().prefix()))) {
          return false;
        }
      }
    }
    return true;
  }

  static List<JobOutcome> run(List<GroupableJob<?>> group, Workspace workspace) {
    List<TransactionJob> jobs = group.stream().map(TransactionJob.class::cast).toList();
    try {
      List<TransactionJob.Outcome> together = together(jobs, workspace);
      if (together != null) {
        return together.stream().map(outcome -> new JobOutcome(outcome, null)).toList();
      }
    } catch (Exception e) {
      Throwable explained = workspace.explain(e);
      if (explained instanceof ProblemException problem && problem.status() == 503) {
        // the database is gone or busy: each transaction alone would only wait for it again
        return jobs.stream().map(job -> new JobOutcome(null, explained)).toList();
      }
      LOG.warn("group commit of {} transactions failed; they run one by one", jobs.size(), e);
    }
    return jobs.stream().map(job -> alone(job, workspace)).toList();
  }

  /** A transaction run on its own; its failure explained as a job of its own would have it (503 when the database went away). */
  private static JobOutcome alone(TransactionJob job, Workspace workspace) {
    try {
      return new JobOutcome(job.run(workspace), null);
    } catch (Exception e) {
      return new JobOutcome(null, workspace.explain(e));
    }
  }

  /** The outcomes of the group committed as one, or null when it cannot be (nothing written). */
  private static List<TransactionJob.Outcome> together(List<TransactionJob> jobs, Workspace workspace) throws Exception {
    try (WorkspaceSession session = workspace.session()) {
      List<InputStream> bodies = new ArrayList<>();
      StagedGroup staged;
      try {
        List<List<GroupPart>> inputs = new ArrayList<>();
        for (TransactionJob job : jobs) {
          List<GroupPart> parts = new ArrayList<>();
          for (TransactionJob.Work part : job.parts()) {
            InputStream body = part.received();
            bodies.add(body);
            parts.add(new GroupPart(new ImportRequest(part.service(), ImportMode.UPSERT, part.options(),
              job.progress().staging(part.id())), body, part.bytes(), part.resultFile()));
          }
          inputs.add(parts);
        }
        staged = session.stageGroup(inputs);
      } finally {
        for (InputStream body : bodies) {
          body.close();
        }
      }
      if (staged == null) {
        return null;
      }
      jobs.forEach(job -> job.progress().phase("applying", null)); // together, in one workspace transaction
      List<TransactionJob.Outcome> outcomes = new ArrayList<>();
      List<List<ImportResult>> committed = session.commitGroup(staged, results -> {
        List<TxnRecord> records = new ArrayList<>();
        for (int i = 0; i < jobs.size(); i++) {
          TransactionJob.Outcome outcome = jobs.get(i).committed(results.get(i));
          outcomes.add(outcome);
          records.add(RecordJobs.record(outcome.record()));
        }
        return records;
      });
      return committed == null ? null : outcomes;
    }
  }
}
