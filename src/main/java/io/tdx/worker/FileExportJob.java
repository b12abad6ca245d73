package io.tdx.worker;

import io.tdx.files.FileAccess;
import io.tdx.service.ServiceDefinition;
import io.tdx.workspace.ExportSummary;
import io.tdx.workspace.Workspace;
import io.tdx.workspace.WorkspaceSession;
import io.vertx.core.json.JsonObject;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;

/**
 * An export to a {@code file://} URI: written to a temporary name beside the target, then moved
 * into place in one step, so the file appears whole or not at all ({@code .gz}: gzip).
 */
public record FileExportJob(ServiceDefinition service, String uri, FileAccess files) implements Job<JsonObject> {

  @Override
  public JsonObject run(Workspace workspace) throws Exception {
    Path target = files.writable(uri);
    Path temporary = target.resolveSibling("." + target.getFileName() + ".tdx-" + UUID.randomUUID());
    try {
      ExportSummary summary;
      try (WorkspaceSession session = workspace.session(); OutputStream out = open(temporary, target)) {
        summary = session.export(service, out);
      }
      if (files.overwrite()) {
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } else {
        // a hard link appears atomically and fails if the name was taken meanwhile: never overwrites
        try {
          Files.createLink(target, temporary);
        } catch (java.nio.file.FileAlreadyExistsException e) {
          throw new io.tdx.problem.ProblemException(409, "file-exists", "File exists",
            uri + " appeared while the export was written; files.overwrite is false").with("uri", uri);
        }
      }
      return new JsonObject().put("service", service.prefix()).put("rows", summary.rows())
        .put("bytes", Files.size(target)).put("uri", uri);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  private static OutputStream open(Path temporary, Path target) throws java.io.IOException {
    OutputStream out = new BufferedOutputStream(Files.newOutputStream(temporary, java.nio.file.StandardOpenOption.CREATE_NEW), 1 << 16);
    return target.getFileName().toString().endsWith(".gz") ? new GZIPOutputStream(out, 1 << 16) : out;
  }
}
