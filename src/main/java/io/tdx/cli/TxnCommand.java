package io.tdx.cli;

import io.tdx.client.CsvTarget;
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
  description = {"The transaction protocol by hand: start, add parts with import/export --txn ID, commit, wait.",
    "Exit codes: 0 done (committed), 1 failed or aborted, 2 usage, 3 server unreachable."},
  subcommands = {TxnCommand.Start.class, TxnCommand.Commit.class, TxnCommand.Abort.class, TxnCommand.Status.class,
    TxnCommand.Wait.class, TxnCommand.Save.class})
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
    ClientSession session;
    @Parameters(index = "0", paramLabel = "ID")
    String id;
    @Parameters(index = "1..*", arity = "1..*", paramLabel = "PART_ID")
    List<String> parts;
    @Option(names = "--no-wait", description = "do not wait for the outcome")
    boolean noWait;

    @Override
    public Integer call() {
      return session.runTxn(client -> {
        var txn = client.transaction(id, true);
        return noWait ? txn.commit(parts) : txn.commit(parts).compose(accepted -> txn.await(session.timeout));
      }, outcome -> noWait ? ExitCodes.OK : ClientSession.code(outcome));
    }
  }

  @Command(name = "abort", mixinStandardHelpOptions = true, description = "Aborts an open transaction.")
  static final class Abort implements Callable<Integer> {
    @Mixin
    ClientSession session;
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    public Integer call() {
      return session.runTxn(client -> client.transaction(id, true).abort(), outcome -> ExitCodes.OK);
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true, description = "Prints a transaction's document now; exit 1 if it failed or was aborted.")
  static final class Status implements Callable<Integer> {
    @Mixin
    ClientSession session;
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    public Integer call() {
      return session.runTxn(client -> client.transaction(id, true).status(),
        outcome -> outcome.finished() && !outcome.committed() ? ExitCodes.FAILED : ExitCodes.OK);
    }
  }

  @Command(name = "wait", mixinStandardHelpOptions = true, description = "Waits (long polls) until a committed transaction has ended; prints its outcome.")
  static final class Wait implements Callable<Integer> {
    @Mixin
    ClientSession session;
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    public Integer call() {
      return session.runTxn(client -> client.transaction(id, true).await(session.timeout), ClientSession::code);
    }
  }

  @Command(name = "save", mixinStandardHelpOptions = true,
    description = "Saves a part's CSV to FILE: an export part's rows, or an import part's error file.")
  static final class Save implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    ClientSession session;
    @Parameters(index = "0", paramLabel = "ID")
    String id;
    @Parameters(index = "1", paramLabel = "PART_ID")
    String part;
    @Parameters(index = "2", paramLabel = "FILE")
    Path file;

    @Override
    public Integer call() {
      return session.run(client -> client.transaction(id, true).savePart(part, CsvTarget.file(file)), bytes -> {
        spec.commandLine().getErr().println("saved part " + part + ": " + bytes + " bytes to " + file);
        return ExitCodes.OK;
      });
    }
  }
}
