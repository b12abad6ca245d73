package io.tdx.client;

import java.util.Optional;

/**
 * What an export wrote: the bytes received (as sent, so compressed with gzip) and where they
 * went, a file path or the URI the server stored them at.
 */
public record ExportOutcome(String service, long bytes, Optional<String> destination) {
}
