package io.tdx.txn;

import io.tdx.problem.ProblemException;
import java.util.List;

/** Whether a commit's list of parts can be taken; a refusal is a {@code 400} and the transaction stays open. */
final class CommitCheck {
  private CommitCheck() {
  }

  static void check(Transaction txn, List<String> parts, Integer count) {
    if (parts == null) {
      throw ProblemException.badRequest("bad-commit", "Bad commit body",
        "an asynchronous commit lists its parts: {\"parts\": [\"p1\", \"p2\"]}");
    }
    if (count != null && count != parts.size()) {
      throw ProblemException.badRequest("count-mismatch", "Count does not match",
        "count=" + count + " but the commit lists " + parts.size() + " parts");
    }
    if (parts.isEmpty()) {
      throw ProblemException.badRequest("empty-commit", "Nothing to commit", "the commit lists no part");
    }
    for (String id : parts) {
      if (!txn.parts.containsKey(id)) {
        throw ProblemException.badRequest("unknown-part", "Unknown part",
          "part " + id + " is not a part of transaction " + txn.id + "; the transaction stays open").with("part", id);
      }
    }
    if (parts.stream().distinct().count() != parts.size()) {
      throw ProblemException.badRequest("duplicate-part", "Part listed twice", "the commit lists a part twice: " + parts);
    }
  }
}
