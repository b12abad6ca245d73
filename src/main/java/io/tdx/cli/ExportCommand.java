package io.tdx.cli;

import io.tdx.client.CsvTarget;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code export SERVICE [FILE|URI]}: one export, to a file, to a URI the server stores it at, or to stdout. */
@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
  description = {"Exports a service's rows as CSV, ordered by key: to FILE, to a URI the server writes (file://, s3://, gs://), or to stdout.",
    "With --txn, adds an export part to an open asynchronous transaction and prints its PART_ID."},
  exitCodeListHeading = "%nExit codes:%n",
  exitCodeList = {"0:done", "1:the server refused", "2:usage", "3:server unreachable"})
final class ExportCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  ProgressSession session;

  @Parameters(index = "0", paramLabel = "SERVICE", description = "the service's prefix (/sales; the leading / may be left out)")
  String service;

  @Parameters(index = "1", arity = "0..1", paramLabel = "FILE|URI", description = "where the CSV goes (default: stdout)")
  String destination;

  @Option(names = "--gzip", description = "ask for the CSV gzip-compressed and keep it so")
  boolean gzip;

  @Option(names = "--txn", paramLabel = "ID", description = "add the export as a part of this open asynchronous transaction; prints the PART_ID")
  String txn;

  @Override
  public Integer call() throws IOException {
    String prefix = ImportCommand.service(service);
    PrintWriter out = spec.commandLine().getOut();
    if (txn != null) {
      String uri = destination == null ? null : CsvTarget.parse(destination) instanceof CsvTarget.ToUri u ? u.uri() : null;
      if (destination != null && uri == null) {
        out.flush();
        spec.commandLine().getErr().println("error: with --txn the export stays with the transaction or goes to a URI;"
          + " save it later with: txn save ID PART_ID FILE");
        return ExitCodes.USAGE;
      }
      return session.run(client -> client.transaction(txn, true).exportPart(prefix, uri), partId -> {
        out.println(partId);
        return ExitCodes.OK;
      });
    }
    if (destination == null) {
      return toStdout(prefix, out);
    }
    CsvTarget target = CsvTarget.parse(destination);
    return session.run(client -> client.exportCsv(prefix, target, gzip), outcome -> {
      if (!session.quiet() || session.json) {
        spec.commandLine().getErr().println("exported " + prefix + ": " + outcome.bytes() + " bytes"
          + outcome.destination().map(d -> " to " + d).orElse(""));
      }
      return ExitCodes.OK;
    });
  }

  /** Through a temporary file, so that a failed export prints nothing rather than part of the rows. */
  private int toStdout(String prefix, PrintWriter out) throws IOException {
    Path temporary = Files.createTempFile("tdx-export-", ".csv");
    try {
      int code = session.run(client -> client.exportCsv(prefix, CsvTarget.file(temporary), gzip), outcome -> ExitCodes.OK);
      if (code == ExitCodes.OK && gzip) {
        out.flush();
        Files.copy(temporary, System.out);
        System.out.flush();
      } else if (code == ExitCodes.OK) {
        try (java.io.Reader csv = Files.newBufferedReader(temporary)) {
          csv.transferTo(out);
        }
        out.flush();
      }
      return code;
    } finally {
      Files.deleteIfExists(temporary);
    }
  }
}
