package io.tdx.cli;

import io.tdx.client.CsvSource;
import io.tdx.client.ImportOutcome;
import io.tdx.client.ImportSettings;
import io.tdx.client.PartSpec;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code import SERVICE FILE|URI}: one import; with {@code --txn ID}, a part of an open
 * transaction; with {@code --txn-service}, several {@code SERVICE=FILE|URI} parts in one
 * transaction started, committed and waited for here.
 */
@Command(name = "import", mixinStandardHelpOptions = true, sortOptions = false,
  description = {"Imports a CSV file, or a URI the server fetches (file://, http(s)://, s3://, gs://).",
    "With --txn-service, every SERVICE=FILE|URI argument is a part of one transaction: started, sent, committed and waited for."},
  exitCodeListHeading = "%nExit codes:%n",
  exitCodeList = {"0:done (transaction committed)", "1:transaction failed, import aborted, or the server refused",
    "2:usage", "3:server unreachable"})
final class ImportCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  WaitingSession session;

  @Parameters(paramLabel = "ARG", description = "SERVICE FILE|URI; with --txn-service: SERVICE=FILE|URI ...")
  List<String> arguments = new ArrayList<>();

  @Option(names = "--replace", description = "replace the table's rows with the file's (PUT)")
  boolean replace;

  @Option(names = "--delete", description = "delete the keys the file lists (DELETE)")
  boolean delete;

  @Option(names = "--abort-on-error", description = "any rejected row fails the import; nothing is written")
  boolean abortOnError;

  @Option(names = "--ignore-unknown-columns", description = "drop columns the service does not declare")
  boolean ignoreUnknownColumns;

  @Option(names = "--errors", paramLabel = "FILE", description = "save the rejected rows (with LINE, CAUSE, CAUSE_CODE) here")
  Path errors;

  @Option(names = "--gzip", description = "the file is gzip-compressed (assumed for names ending in .gz)")
  boolean gzip;

  @Option(names = "--txn", paramLabel = "ID", description = "add the import as a part of this open asynchronous transaction; prints the PART_ID")
  String txn;

  @Option(names = "--txn-service", paramLabel = "PREFIX", description = "run the SERVICE=FILE|URI parts as one transaction of this transaction service (/txn)")
  String txnService;

  @Option(names = "--async", description = "with --txn-service: the asynchronous protocol (default: synchronous)")
  boolean async;

  @Override
  public Integer call() {
    if (replace && delete) {
      throw new ParameterException(spec.commandLine(), "--replace and --delete exclude each other");
    }
    ImportSettings settings = ImportSettings.UPSERT.abortOnError(abortOnError).ignoreUnknownColumns(ignoreUnknownColumns);
    settings = replace ? settings.replace() : delete ? settings.delete() : settings;
    if (txnService != null) {
      return oneTransaction(settings);
    }
    if (arguments.size() != 2) {
      throw new ParameterException(spec.commandLine(), "expected SERVICE FILE|URI");
    }
    String service = service(arguments.get(0));
    CsvSource source = source(arguments.get(1));
    ImportSettings chosen = settings;
    PrintWriter out = spec.commandLine().getOut();
    if (txn != null) {
      return session.run(client -> client.transaction(txn, true).importPart(service, source, chosen), partId -> {
        out.println(partId);
        return ExitCodes.OK;
      });
    }
    return session.run(client -> client.importCsv(service, source, chosen, errors), outcome -> report(outcome, out));
  }

  private int report(ImportOutcome outcome, PrintWriter out) {
    if (session.json) {
      out.println(new io.vertx.core.json.JsonObject().put("service", outcome.service()).put("method", outcome.method())
        .put("aborted", outcome.aborted()).put("read", outcome.read()).put("inserted", outcome.inserted())
        .put("updated", outcome.updated()).put("deleted", outcome.deleted()).put("rejected", outcome.rejected())
        .put("errorFile", outcome.errorFile().map(Path::toString).orElse(null)).encodePrettily());
    } else {
      out.println(outcome.summary());
      outcome.firstErrors().forEach(e -> out.println("  line " + e.line() + ": " + e.causeCode() + " " + e.cause()));
      if (outcome.rejected() > outcome.firstErrors().size() && outcome.errorFile().isPresent()) {
        out.println("  ... all " + outcome.rejected() + " rejected rows in " + outcome.errorFile().get());
      }
    }
    return outcome.aborted() ? ExitCodes.FAILED : ExitCodes.OK;
  }

  private int oneTransaction(ImportSettings settings) {
    if (!"/txn".equals(txnService)) {
      throw new ParameterException(spec.commandLine(), "--txn-service: this server's transaction service is /txn, not " + txnService);
    }
    if (arguments.isEmpty()) {
      throw new ParameterException(spec.commandLine(), "expected one SERVICE=FILE|URI or more");
    }
    List<PartSpec> parts = new ArrayList<>();
    for (String argument : arguments) {
      int equals = argument.indexOf('=');
      if (equals <= 0) {
        throw new ParameterException(spec.commandLine(), "expected SERVICE=FILE|URI, got " + argument);
      }
      parts.add(PartSpec.importing(service(argument.substring(0, equals)), source(argument.substring(equals + 1)), settings));
    }
    return session.runOneShot(async, parts, session.timeout());
  }

  private CsvSource source(String fileOrUri) {
    CsvSource source = CsvSource.parse(fileOrUri);
    return gzip && source instanceof CsvSource.FromFile f ? new CsvSource.FromFile(f.path(), true) : source;
  }

  static String service(String name) {
    return name.startsWith("/") ? name : "/" + name;
  }
}
