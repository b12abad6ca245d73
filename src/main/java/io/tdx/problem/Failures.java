package io.tdx.problem;

import io.tdx.config.ConfigException;
import io.tdx.stream.BadEncodingException;
import io.tdx.stream.BodyTimeoutException;
import io.tdx.stream.BodyTooLargeException;
import io.vertx.core.eventbus.ReplyException;
import java.io.IOException;

/**
 * The one mapping of failures to problems: the server's own problems, the bounds on bodies, and
 * the event bus's failures to reach a transaction's owner (on this node or another one).
 */
public final class Failures {
  private Failures() {
  }

  /** The status a failure answers with: that of its problem, or 500 for a failure that is not one. */
  public static int status(Throwable failure) {
    ProblemException known = known(failure);
    return known == null ? 500 : known.status();
  }

  public static ProblemException internal(Throwable failure) {
    return new ProblemException(500, "internal", "Internal server error",
      failure.getClass().getSimpleName() + ": " + failure.getMessage());
  }

  /** The problem a failure of a known kind is, or null. */
  public static ProblemException known(Throwable failure) {
    if (failure instanceof ProblemException problem) {
      return problem;
    }
    if (failure instanceof BodyTooLargeException tooLarge) {
      return new ProblemException(413, "body-too-large", "Body too large", tooLarge.getMessage());
    }
    if (failure instanceof BadEncodingException bad) {
      return ProblemException.badRequest("bad-encoding", "Bad content encoding", bad.getMessage());
    }
    if (failure instanceof BodyTimeoutException slow) {
      return new ProblemException(408, "request-timeout", "Request timeout", slow.getMessage());
    }
    if (failure instanceof ConfigException rejected) {
      return new ProblemException(409, "configuration-rejected", "Configuration rejected",
        rejected.getMessage() + "; the services in use are unchanged");
    }
    if (failure instanceof IOException unreadable) {
      return ProblemException.badRequest("body-unreadable", "Body unreadable", unreadable.getMessage());
    }
    if (failure instanceof ReplyException reply) {
      return unreachable(reply);
    }
    return null;
  }

  /**
   * A request to a transaction's owner (or a node's owners, or its result store) that got no
   * answer: no owner listens (its node left the cluster and its survivors have not yet ended
   * the transaction), the owner did not answer in time, or it failed.
   */
  private static ProblemException unreachable(ReplyException reply) {
    return switch (reply.failureType()) {
      case NO_HANDLERS -> new ProblemException(503, "owner-unavailable", "Owner unavailable",
        "no node holds this now (its owner left the cluster; the survivors end its transactions): " + reply.getMessage())
        .with("retryAfter", 1);
      case TIMEOUT -> new ProblemException(504, "owner-timeout", "Owner did not answer",
        "the node that owns this did not answer in time: " + reply.getMessage());
      case RECIPIENT_FAILURE -> new ProblemException(502, "owner-failed", "Owner failed",
        "the node that owns this failed to answer: " + reply.getMessage());
      default -> new ProblemException(503, "cluster-error", "Cluster error",
        "the request could not reach the node that owns it: " + reply.getMessage()).with("retryAfter", 1);
    };
  }
}
