package io.tdx;

import io.tdx.workspace.WorkspaceSession;
import org.junit.jupiter.api.DisplayName;

/**
 * The cases of {@link GroupCommitTest} with parts that say they are large: the group goes through
 * staging tables on every engine, so both ways of a group commit answer the same cases alike.
 */
@DisplayName("Group commit through staging tables: the same cases, the same outcomes")
class StagedGroupCommitTest extends GroupCommitTest {
  @Override
  long declaredBytes(long bytes) {
    return WorkspaceSession.HELD_GROUP_BYTES + 1;
  }
}
