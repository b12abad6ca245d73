package io.tdx.http;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bound on work in flight, one per server, shared by all its HTTP event loops
 * ({@code limits.maxInFlight}). New work (a transaction, from its start; a one-shot import or export)
 * is admitted while fewer than {@code limit} places are taken; the requests of a transaction
 * already started (its parts and its commit) while fewer than twice that, so that work already
 * begun can finish while new work is refused. A place is given back once, when its work is
 * done ({@link AdmissionHandler} decides what counts and when).
 */
public final class Admission {
  private final AtomicInteger inFlight = new AtomicInteger();
  private final int limit;

  public Admission(int limit) {
    if (limit < 1 || limit > Integer.MAX_VALUE / 2) {
      throw new IllegalArgumentException("the in-flight limit must be 1.." + Integer.MAX_VALUE / 2 + ", got " + limit);
    }
    this.limit = limit;
  }

  /** Takes a place for new work; false when {@code limit} places are taken. */
  boolean tryStart() {
    return tryTake(limit);
  }

  /** Takes a place for work of a transaction already started; false when twice {@code limit} are taken. */
  boolean tryContinue() {
    return tryTake(2 * limit);
  }

  private boolean tryTake(int bound) {
    int taken;
    do {
      taken = inFlight.get();
      if (taken >= bound) {
        return false;
      }
    } while (!inFlight.compareAndSet(taken, taken + 1));
    return true;
  }

  void release() {
    inFlight.decrementAndGet();
  }

  /** Places taken now. */
  public int inFlight() {
    return inFlight.get();
  }

  /** The bound on new work ({@code limits.maxInFlight}). */
  public int limit() {
    return limit;
  }
}
