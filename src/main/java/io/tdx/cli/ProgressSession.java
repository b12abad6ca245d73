package io.tdx.cli;

import picocli.CommandLine.Option;

/** A client command that shows its progress on stderr unless told not to. */
class ProgressSession extends ClientSession {
  @Option(names = {"-q", "--quiet"}, description = "no progress on stderr")
  boolean quiet;

  @Override
  boolean quiet() {
    return quiet;
  }
}
