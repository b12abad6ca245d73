package io.tdx.worker;

import io.tdx.load.ImportRequest;
import io.tdx.load.ImportResult;
import io.tdx.workspace.StagedImport;
import io.tdx.workspace.Workspace;
import io.tdx.workspace.WorkspaceSession;
import java.io.InputStream;
import java.nio.file.Path;

/** A single import request: a workspace transaction of one part. */
public record ImportJob(ImportRequest request, InputStream csv, Path errorFile) implements Job<ImportResult> {

  @Override
  public ImportResult run(Workspace workspace) throws Exception {
    try (WorkspaceSession session = workspace.session()) {
      StagedImport staged = session.stage(request, csv, errorFile);
      try {
        return session.inTransaction(transaction -> transaction.apply(staged));
      } finally {
        staged.errors().close();
      }
    }
  }
}
