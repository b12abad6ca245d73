package io.tdx.http;

import io.tdx.problem.ProblemException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The first look at a request, before its body is read: work past the {@link Admission} bound
 * is answered {@code 503 overloaded} with {@code Retry-After} at once. What counts: a
 * transaction's start and a one-shot import or export (new work), a transaction's parts and
 * commit (work of a started transaction). Reads, polls, aborts and the administration routes
 * take no workspace work and are never refused here. A start keeps its place until its
 * transaction finishes, or for a few seconds if it idles (a transaction is work to come). An
 * admitted request keeps its place until
 * its response ends, is reset or its connection closes, or longer where its work outlives the
 * response ({@link #holdUntil}); it gives it back exactly once.
 */
final class AdmissionHandler implements Handler<RoutingContext> {
  private static final String TICKET = "tdx.admission";
  private static final int RETRY_AFTER_SECONDS = 1;
  private final Admission admission;

  AdmissionHandler(Admission admission) {
    this.admission = admission;
  }

  private enum Work { NONE, NEW, CONTINUED }

  @Override
  public void handle(RoutingContext ctx) {
    Work work = classify(ctx.request());
    if (work == Work.NONE) {
      ctx.next();
      return;
    }
    if (!(work == Work.NEW ? admission.tryStart() : admission.tryContinue())) {
      ctx.fail(overloaded(work));
      return;
    }
    Ticket ticket = new Ticket(admission);
    ctx.put(TICKET, ticket);
    ctx.addEndHandler(done -> ticket.requestOver());
    ctx.next();
  }

  /** The request's place stays taken until {@code work} completes too (work that goes on after the answer). */
  static void holdUntil(RoutingContext ctx, Future<?> work) {
    Ticket ticket = ctx.get(TICKET);
    if (ticket != null) {
      ticket.holdUntil(work);
    }
  }

  /** The request's work is done although its answer waits (a synchronous part held until its commit). */
  static void workDone(RoutingContext ctx) {
    Ticket ticket = ctx.get(TICKET);
    if (ticket != null) {
      ticket.requestOver();
    }
  }

  private static Work classify(HttpServerRequest request) {
    String path = request.path();
    HttpMethod method = request.method();
    if (path.equals("/txn") || path.startsWith("/txn/")) {
      if (method == HttpMethod.POST && (path.equals("/txn") || path.equals("/txn/start"))) {
        return Work.NEW;
      }
      boolean commit = (method == HttpMethod.POST && path.endsWith("/commit")) || (method == HttpMethod.PUT && path.indexOf('/', 5) < 0);
      return commit ? Work.CONTINUED : Work.NONE;
    }
    if (path.startsWith("/tdx/")) {
      return Work.NONE;
    }
    boolean service = method == HttpMethod.GET || method == HttpMethod.POST || method == HttpMethod.PUT || method == HttpMethod.DELETE;
    if (!service) {
      return Work.NONE;
    }
    return request.getParam("txn") == null ? Work.NEW : Work.CONTINUED;
  }

  private ProblemException overloaded(Work work) {
    String what = work == Work.NEW
      ? admission.limit() + " requests of work are in flight (limits.maxInFlight); new work is refused"
      : 2 * admission.limit() + " requests of work are in flight (twice limits.maxInFlight), even for started transactions";
    return new ProblemException(503, "overloaded", "Server busy", what + "; retry after " + RETRY_AFTER_SECONDS + " s")
      .with("retryAfter", RETRY_AFTER_SECONDS);
  }

  /** One admitted request's place: held by the request and by any work that outlives it, given back once. */
  private static final class Ticket {
    private final Admission admission;
    private final AtomicInteger holders = new AtomicInteger(1);
    private final AtomicBoolean requestOver = new AtomicBoolean();

    Ticket(Admission admission) {
      this.admission = admission;
    }

    void requestOver() {
      if (requestOver.compareAndSet(false, true)) {
        drop();
      }
    }

    void holdUntil(Future<?> work) {
      int holding;
      do {
        holding = holders.get();
        if (holding == 0) {
          return; // already given back: the work no longer counts
        }
      } while (!holders.compareAndSet(holding, holding + 1));
      work.onComplete(done -> drop());
    }

    private void drop() {
      if (holders.decrementAndGet() == 0) {
        admission.release();
      }
    }
  }
}
