package io.tdx.worker;

import io.tdx.service.ServiceDefinition;
import io.tdx.workspace.ExportSummary;
import io.tdx.workspace.Workspace;
import io.tdx.workspace.WorkspaceSession;
import java.io.OutputStream;

/** A single export request: the service's table, as of one snapshot, written to {@code csv}. */
public record ExportJob(ServiceDefinition service, OutputStream csv) implements Job<ExportSummary> {

  @Override
  public ExportSummary run(Workspace workspace) throws Exception {
    try (WorkspaceSession session = workspace.session()) {
      return session.export(service, csv);
    }
  }
}
