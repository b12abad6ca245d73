package io.tdx.cli;

import io.tdx.client.PartSpec;
import io.tdx.client.TdxClient;
import io.tdx.client.TdxClientOptions;
import io.tdx.client.TdxProblemException;
import io.tdx.client.TdxTransaction;
import io.tdx.client.TdxTransactionFailedException;
import io.tdx.client.TdxTransportException;
import io.tdx.client.TxnOutcome;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What every client command shares: the server's URL and token, the output format, and running
 * one client call to its exit code. Commands that show progress mix in {@link ProgressSession},
 * those that wait for a transaction {@link WaitingSession}: no command lists an option it ignores.
 */
class ClientSession {
  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(names = "--url", paramLabel = "URL", description = "the server (default: TDX_URL, else ${DEFAULT-VALUE})",
    defaultValue = "${env:TDX_URL:-http://localhost:8080}")
  String url;

  @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:TDX_TOKEN}",
    description = "the bearer token to send (default: TDX_TOKEN; prefer it, as a command line is visible to other users)")
  String token;

  @Option(names = "--json", description = "print the JSON document (a transaction's, an import's summary) instead of text")
  boolean json;

  /** Whether progress goes unshown: always, for a command that has none to show. */
  boolean quiet() {
    return true;
  }

  /** The longest to wait for a transaction; a command that waits for none never asks. */
  Duration timeout() {
    return WaitingSession.DEFAULT_TIMEOUT;
  }

  private volatile TdxTransaction running;

  /** Runs one client call on a Vert.x of its own, waits for it, prints what {@code report} makes of it; the exit code. */
  <T> int run(Function<TdxClient, Future<T>> call, Function<T, Integer> report) {
    PrintWriter err = spec.commandLine().getErr();
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(2));
    ProgressPrinter progress = new ProgressPrinter(err, System.console() != null);
    TdxClient client;
    try {
      client = TdxClient.create(vertx, TdxClientOptions.of(url).token(token == null || token.isBlank() ? null : token.strip()));
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      vertx.close();
      return ExitCodes.USAGE;
    }
    Thread interrupted = new Thread(() -> abortRunning(err), "tdx-interrupted");
    Runtime.getRuntime().addShutdownHook(interrupted);
    try {
      T result = call.apply(quiet() ? client : client.withProgress(progress)).toCompletionStage().toCompletableFuture().get();
      progress.finish();
      return report.apply(result);
    } catch (ExecutionException e) {
      progress.finish();
      return failure(e.getCause(), err);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return ExitCodes.FAILED;
    } finally {
      running = null;
      try {
        Runtime.getRuntime().removeShutdownHook(interrupted);
      } catch (IllegalStateException e) {
        // the JVM is stopping: the hook aborts the transaction
      }
      client.close();
      vertx.close();
    }
  }

  /** Runs a call answered by a transaction document: prints it, and exits with what {@code code} makes of it. */
  int runTxn(Function<TdxClient, Future<TxnOutcome>> call, ToIntFunction<TxnOutcome> code) {
    return run(call, outcome -> {
      print(outcome);
      return code.applyAsInt(outcome);
    });
  }

  /** One transaction of these parts, started, sent, committed and waited for; Ctrl-C aborts it while it is open. */
  int runOneShot(boolean async, List<PartSpec> parts, Duration wait) {
    return runTxn(client -> client.checkLocalFiles(parts).compose(v -> client.start(async)).map(this::abortOnInterrupt)
      .compose(txn -> txn.run(parts, wait)), ClientSession::code);
  }

  /** The transaction a one-shot command runs: Ctrl-C (SIGINT) or SIGTERM aborts it while it is open. */
  private TdxTransaction abortOnInterrupt(TdxTransaction txn) {
    running = txn;
    return txn;
  }

  private void abortRunning(PrintWriter err) {
    TdxTransaction txn = running;
    if (txn == null) {
      return;
    }
    err.println("interrupted: aborting transaction " + txn.id());
    err.flush();
    try {
      txn.cancel().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      err.println("error: could not abort transaction " + txn.id() + ": " + e);
    }
  }

  private int failure(Throwable cause, PrintWriter err) {
    if (cause instanceof TdxTransportException) {
      err.println("error: server unreachable: " + cause.getMessage());
      return ExitCodes.UNREACHABLE;
    }
    if (cause instanceof io.tdx.client.TdxExportNotSavedException notSaved) {
      print(notSaved.outcome());
      err.println("error: " + notSaved.getMessage() + "; its rows are on the server: tdx txn save "
        + notSaved.outcome().id() + " " + notSaved.part() + " FILE");
      return ExitCodes.FAILED;
    }
    if (cause instanceof TdxTransactionFailedException failed) {
      print(failed.outcome());
      err.println("error: " + failed.getMessage());
      return ExitCodes.FAILED;
    }
    if (cause instanceof TdxProblemException problem) {
      if (json) {
        spec.commandLine().getOut().println(problem.problem().encodePrettily());
      }
      err.println("error: " + problem.status() + " " + problem.title() + ": " + problem.detail());
      return ExitCodes.FAILED;
    }
    if (cause instanceof TimeoutException) {
      err.println("error: " + cause.getMessage() + " (--timeout " + timeout() + ")");
      return ExitCodes.FAILED;
    }
    if (cause instanceof IllegalArgumentException) {
      err.println("error: " + cause.getMessage());
      return ExitCodes.USAGE;
    }
    err.println("error: " + cause);
    return ExitCodes.FAILED;
  }

  /** A transaction's outcome: its document with --json, else its state and one line per part. */
  void print(TxnOutcome outcome) {
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(outcome.document().encodePrettily());
      return;
    }
    out.println("transaction " + outcome.id() + " " + outcome.state() + (outcome.cause() == null ? "" : ": " + outcome.cause()));
    for (TxnOutcome.PartOutcome part : outcome.parts()) {
      out.println("  part " + part.id() + " " + part.method() + " " + part.service() + " " + part.state()
        + part.importOutcome().map(i -> ": " + i.read() + " read, " + i.inserted() + " inserted, " + i.updated() + " updated, "
          + i.deleted() + " deleted, " + i.rejected() + " rejected").orElse("")
        + (part.error() == null ? "" : " (" + part.error() + ")"));
    }
  }

  /** The exit code of a transaction's outcome. */
  static int code(TxnOutcome outcome) {
    return outcome.committed() ? ExitCodes.OK : ExitCodes.FAILED;
  }
}
