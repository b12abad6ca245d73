package io.tdx.cli;

import java.time.Duration;
import picocli.CommandLine.Option;

/** A client command that waits for a transaction to end, with its progress, for at most {@code --timeout}. */
final class WaitingSession extends ProgressSession {
  static final Duration DEFAULT_TIMEOUT = Duration.ofHours(1);

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "PT1H",
    description = "the longest to wait for the transaction, ISO-8601 (PT30S, PT10M; default ${DEFAULT-VALUE})")
  Duration timeout;

  @Override
  Duration timeout() {
    return timeout;
  }
}
