package io.tdx.cli;

import io.tdx.client.CsvTarget;
import io.tdx.client.TxnOutcome;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code txn ...}: the transaction protocol by hand. */
@Command(name = "txn", mixinStandardHelpOptions = true,
  description = {"Runs the transaction protocol by hand: start, parts (import/export --txn ID), commit, wait, list.",
    "Exit codes: 0 done (committed), 1 failed or aborted, 2 usage, 3 server unreachable."},
  subcommands = {TxnCommand.Start.class, TxnCommand.Commit.class, TxnCommand.Abort.class, TxnCommand.Status.class,
    TxnCommand.Wait.class, TxnCommand.Save.class, TxnCommand.ListTransactions.class})
final class TxnCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCodes.USAGE;
  }

  @Command(name = "start", mixinStandardHelpOptions = true, description = "Starts a transaction and prints its ID.")
  static final class Start implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    ClientSession session;
    @Option(names = "--async", description = "the asynchronous protocol (parts answer once spooled; poll for the outcome)")
    boolean async;

    @Override
    public Integer call() {
      return session.run(client -> client.start(async), txn -> {
        spec.commandLine().getOut().println(txn.id());
        return ExitCodes.OK;
      });
    }
  }

  @Command(name = "commit", mixinStandardHelpOptions = true,
    description = "Commits the listed parts in that order and waits for the outcome (with --no-wait, returns once accepted).")
  static final class Commit implements Callable<Integer> {
    @Mixin
    WaitingSession session;
    @Parameters(index = "0", paramLabel = "ID", description = "the transaction (as txn start printed it)")
    String id;
    @Parameters(index = "1..*", arity = "1..*", paramLabel = "PART_ID", description = "the parts to commit (p1 p2 ...)")
    List<String> parts;
    @Option(names = "--no-wait", description = "do not wait for the outcome")
    boolean noWait;

    @Override
    public Integer call() {
      return session.runTxn(client -> {
        var txn = client.transaction(id, true);
        return noWait ? txn.commit(parts) : txn.commit(parts).compose(accepted -> txn.await(session.timeout()));
      }, outcome -> noWait ? ExitCodes.OK : ClientSession.code(outcome));
    }
  }

  @Command(name = "abort", mixinStandardHelpOptions = true, description = "Aborts an open transaction.")
  static final class Abort implements Callable<Integer> {
    @Mixin
    ClientSession session;
    @Parameters(paramLabel = "ID", description = "the transaction")
    String id;

    @Override
    public Integer call() {
      return session.runTxn(client -> client.transaction(id, true).abort(), outcome -> ExitCodes.OK);
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true,
    description = {"Prints a transaction's state and parts now.", "Exits 1 if it failed or was aborted."})
  static final class Status implements Callable<Integer> {
    @Mixin
    ClientSession session;
    @Parameters(paramLabel = "ID", description = "the transaction")
    String id;

    @Override
    public Integer call() {
      return session.runTxn(client -> client.transaction(id, true).status(),
        outcome -> outcome.finished() && !outcome.committed() ? ExitCodes.FAILED : ExitCodes.OK);
    }
  }

  @Command(name = "wait", mixinStandardHelpOptions = true,
    description = {"Waits until a committed transaction has ended and prints its outcome.", "Exits 1 if it failed or was aborted."})
  static final class Wait implements Callable<Integer> {
    @Mixin
    WaitingSession session;
    @Parameters(paramLabel = "ID", description = "the transaction")
    String id;

    @Override
    public Integer call() {
      return session.runTxn(client -> client.transaction(id, true).await(session.timeout()), ClientSession::code);
    }
  }

  @Command(name = "save", mixinStandardHelpOptions = true,
    description = "Saves a part's CSV to FILE: an export part's rows, or an import part's error file.")
  static final class Save implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    ProgressSession session;
    @Parameters(index = "0", paramLabel = "ID", description = "the transaction")
    String id;
    @Parameters(index = "1", paramLabel = "PART_ID", description = "its part (p1, p2, ...)")
    String part;
    @Parameters(index = "2", paramLabel = "FILE", description = "where the CSV goes (written as FILE.part, renamed once complete)")
    Path file;

    @Override
    public Integer call() {
      return session.run(client -> client.transaction(id, true).savePart(part, CsvTarget.file(file)), bytes -> {
        spec.commandLine().getErr().println("saved part " + part + ": " + bytes + " bytes to " + file);
        return ExitCodes.OK;
      });
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
    description = {"Lists transactions, the newest first: one line each (id, state, protocol, created, finished).",
      "Yours only, unless you are an admin (or the server has no authentication)."})
  static final class ListTransactions implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    ClientSession session;
    @Option(names = "--state", paramLabel = "STATE", description = "only those in STATE: OPEN, COMMITTING, COMMITTED, FAILED, ABORTED")
    String state;
    @Option(names = "--limit", paramLabel = "N", defaultValue = "20", description = "at most N (1..1000, default ${DEFAULT-VALUE})")
    int limit;

    @Override
    public Integer call() {
      return session.run(client -> client.transactions(state, limit), found -> {
        java.io.PrintWriter out = spec.commandLine().getOut();
        if (session.json) {
          out.println(new io.vertx.core.json.JsonArray(found.stream().map(TxnOutcome::document).toList()).encodePrettily());
          return ExitCodes.OK;
        }
        for (TxnOutcome txn : found) {
          out.println(txn.id() + " " + txn.state() + " " + (txn.async() ? "async" : "sync") + " "
            + txn.document().getString("created") + " " + txn.document().getString("finished", "-"));
        }
        return ExitCodes.OK;
      });
    }
  }
}
