package io.tdx.cli;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The command line's policy for a {@link Error} (an OutOfMemoryError, a StackOverflowError, a
 * LinkageError...) thrown on an event loop or any other thread: the process's state is no longer
 * known, so it is logged and the process halts with {@link #EXIT_CODE}, for a supervisor to
 * restart it (and the recovery of transactions left open to run), instead of living on as a
 * server that answers nothing. It halts rather than exits: the shutdown hook would wait for
 * event loops that may be the ones broken. Exceptions are logged, as Vert.x would, and left to
 * the request that threw them. Only {@code serve} installs it: an embedder's JVM is its own.
 */
final class FatalErrors implements Handler<Throwable>, Thread.UncaughtExceptionHandler {
  /** EX_SOFTWARE; an OutOfMemoryError caught by {@code -XX:+ExitOnOutOfMemoryError} first exits with the JVM's 3. */
  static final int EXIT_CODE = 70;
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);
  private final IntConsumer halt;

  /** @param halt ends the process with the code given ({@code Runtime.getRuntime()::halt}) */
  FatalErrors(IntConsumer halt) {
    this.halt = halt;
  }

  /** Vert.x's handler of what its handlers throw, and every thread's default uncaught-exception handler. */
  void install(Vertx vertx) {
    vertx.exceptionHandler(this);
    Thread.setDefaultUncaughtExceptionHandler(this);
  }

  @Override
  public void handle(Throwable failure) {
    uncaughtException(Thread.currentThread(), failure);
  }

  @Override
  public void uncaughtException(Thread thread, Throwable failure) {
    if (fatal(failure)) {
      LOG.error("fatal error on thread {}; halting with exit code {} for a supervisor to restart the server",
        thread.getName(), EXIT_CODE, failure);
      halt.accept(EXIT_CODE);
    } else {
      LOG.error("unhandled exception on thread {}", thread.getName(), failure);
    }
  }

  /** An Error, or an exception caused by one (a few levels down). */
  static boolean fatal(Throwable failure) {
    Throwable cause = failure;
    for (int depth = 0; cause != null && depth < 8; depth++, cause = cause.getCause()) {
      if (cause instanceof Error) {
        return true;
      }
    }
    return false;
  }
}
