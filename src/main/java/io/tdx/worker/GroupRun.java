package io.tdx.worker;

import io.tdx.workspace.Workspace;
import java.util.List;

/** Several groupable jobs handed to one worker at once; its value is their outcomes, in order. */
record GroupRun(List<GroupableJob<?>> jobs) implements Job<List<JobOutcome>> {

  @Override
  public List<JobOutcome> run(Workspace workspace) {
    return jobs.get(0).runTogether(jobs, workspace);
  }
}
