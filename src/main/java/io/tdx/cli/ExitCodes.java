package io.tdx.cli;

/** The command line's exit codes (README, "Command line"). */
final class ExitCodes {
  /** Done; a transaction committed. */
  static final int OK = 0;
  /** A transaction failed or was aborted, an import was aborted, or the server refused a request. */
  static final int FAILED = 1;
  /** Bad usage: unknown command or option, missing argument, unreadable manifest. */
  static final int USAGE = 2;
  /** The server could not be reached. */
  static final int UNREACHABLE = 3;

  private ExitCodes() {
  }
}
