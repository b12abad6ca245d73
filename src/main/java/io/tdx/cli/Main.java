package io.tdx.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The command line, {@code java -jar tdx.jar COMMAND}: {@code serve} runs the server; the other
 * commands are clients of one ({@code --url}, or {@code TDX_URL}).
 */
@Command(name = "tdx", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
  description = "The TDX server and its client.",
  subcommands = {ServeCommand.class, ImportCommand.class, ExportCommand.class, TxnCommand.class, BatchCommand.class},
  exitCodeListHeading = "%nExit codes:%n",
  exitCodeList = {"0:done (transaction committed)", "1:transaction failed, import aborted, or the server refused",
    "2:usage", "3:server unreachable"})
public final class Main {

  public static void main(String[] args) {
    int code = run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
    // a running server keeps the process alive until SIGTERM; every other command ends it
    if (!(code == ExitCodes.OK && args.length > 0 && args[0].equals("serve"))) {
      System.exit(code);
    }
  }

  /** Runs a command with the given output streams; its exit code. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine commandLine = new CommandLine(new Main()).setOut(out).setErr(err)
      .setExitCodeExceptionMapper(e -> ExitCodes.FAILED);
    commandLine.setParameterExceptionHandler((e, arguments) -> {
      err.println("error: " + e.getMessage());
      e.getCommandLine().usage(err);
      return ExitCodes.USAGE;
    });
    if (args.length == 0) {
      commandLine.usage(err);
      return ExitCodes.USAGE;
    }
    return commandLine.execute(args);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() throws java.io.IOException {
      // written at build time from the POM (src/main/resources-filtered)
      java.util.Properties build = new java.util.Properties();
      try (java.io.InputStream in = Main.class.getResourceAsStream("/tdx-build.properties")) {
        if (in != null) {
          build.load(in);
        }
      }
      return new String[] {"tdx " + build.getProperty("version", "(version unknown: built without Maven)"),
        "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"};
    }
  }
}
