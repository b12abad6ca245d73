package io.tdx.worker;

import io.tdx.workspace.Workspace;
import java.util.List;

/**
 * A job that may run together with other waiting jobs of its class, as one group: the
 * dispatcher hands an idle worker every such job queued behind the first (group commit), so a
 * burst of small transactions costs the workspace one transaction, not one each.
 */
public interface GroupableJob<T> extends Job<T> {

  /** Whether this job may join a group (small enough, of a kind the group handles). */
  boolean groupable();

  /**
   * Runs {@code jobs} (all of this job's class, this one first) together: one outcome per job,
   * in order, each what the job would have had alone.
   */
  List<JobOutcome> runTogether(List<GroupableJob<?>> jobs, Workspace workspace);
}
