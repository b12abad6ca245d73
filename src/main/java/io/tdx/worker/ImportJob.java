package io.tdx.worker;

import io.tdx.load.ImportRequest;
import io.tdx.load.ImportResult;
import io.tdx.workspace.Workspace;
import io.tdx.workspace.WorkspaceSession;
import java.io.InputStream;
import java.nio.file.Path;

/** A single import request: a workspace transaction of one part, its CSV from a body or a file. */
public record ImportJob(ImportRequest request, Source csv, Path errorFile) implements Job<ImportResult> {

  /** Where the CSV comes from, opened on the worker (a file is opened and checked there, not on an event loop). */
  @FunctionalInterface
  public interface Source {
    InputStream open() throws Exception;
  }

  @Override
  public ImportResult run(Workspace workspace) throws Exception {
    try (WorkspaceSession session = workspace.session(); InputStream in = csv.open()) {
      return session.importCsv(request, in, errorFile);
    }
  }
}
