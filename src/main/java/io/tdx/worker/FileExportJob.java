package io.tdx.worker;

import io.tdx.files.FileAccess;
import io.tdx.service.ServiceDefinition;
import io.tdx.workspace.ExportSummary;
import io.tdx.workspace.Workspace;
import io.tdx.workspace.WorkspaceSession;
import io.vertx.core.json.JsonObject;

/** An export to a file or object named by URI, which appears whole or not at all ({@link FileAccess#write}). */
public record FileExportJob(ServiceDefinition service, String uri, FileAccess files) implements Job<JsonObject> {

  @Override
  public JsonObject run(Workspace workspace) throws Exception {
    try (WorkspaceSession session = workspace.session()) {
      FileAccess.Staged<ExportSummary> written = files.write(uri, out -> session.export(service, out));
      return new JsonObject().put("service", service.prefix()).put("rows", written.result().rows())
        .put("bytes", written.bytes()).put("uri", uri);
    }
  }
}
