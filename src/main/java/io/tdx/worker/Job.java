package io.tdx.worker;

import io.tdx.workspace.Workspace;

/** Blocking work on the workspace, run by a workspace worker verticle. */
@FunctionalInterface
public interface Job<T> {
  T run(Workspace workspace) throws Exception;
}
