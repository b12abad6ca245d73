package io.tdx.workspace;

import io.tdx.load.ErrorSink;
import io.tdx.load.HeaderMapping;
import io.tdx.load.ImportRequest;
import io.tdx.service.ServiceDefinition;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The imports of several transactions staged together for a group commit: one staging table for
 * each service and header, whose rows carry their transaction ({@code __txn}) and their part in
 * that table ({@code __part}).
 */
public final class StagedGroup {
  /**
   * The parts sharing a service and a header, at {@code index} among the shapes: in a staging
   * table ({@code table}), or for a group held in memory, in {@code held} (and no table).
   */
  record Shape(int index, ServiceDefinition service, HeaderMapping mapping, String table, HeldRows held, List<Member> members) {
  }

  /** A part: its staging table ({@code shape}, an index into the shapes) and its index there ({@code part}). */
  record Member(int txn, int shape, int part, ImportRequest request, long read, ErrorSink errors) {
  }

  final List<Shape> shapes = new ArrayList<>();
  /** Whether the rows are held in memory ({@link HeldRows}) rather than in staging tables. */
  final boolean held;
  /** For each transaction, its members in the order of its parts. */
  final List<List<Member>> transactions = new ArrayList<>();
  /** The shapes (by index) with rows rejected by a set-based check: only their rejected rows are read back. */
  final Set<Integer> marked = new HashSet<>();
  /** False when no key appears in two parts (seen while staging): the merge need not look for one. */
  boolean keysMayBeShared = true;

  StagedGroup(boolean held) {
    this.held = held;
  }

  /** Closes every part's error file (after its result was read, or on failure). */
  public void closeQuietly() {
    for (List<Member> members : transactions) {
      for (Member member : members) {
        try {
          member.errors().close();
        } catch (java.io.IOException ignored) {
          // an error file nobody reads any more
        }
      }
    }
  }
}
