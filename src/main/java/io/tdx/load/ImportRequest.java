package io.tdx.load;

import io.tdx.service.ServiceDefinition;

/**
 * One import: the service, what to do with the rows, and the options; {@code rowsRead} counts
 * the rows read as the import is staged (every few thousand rows), for whoever shows its progress.
 */
public record ImportRequest(ServiceDefinition service, ImportMode mode, ImportOptions options,
                            java.util.concurrent.atomic.AtomicLong rowsRead) {
  public ImportRequest(ServiceDefinition service, ImportMode mode, ImportOptions options) {
    this(service, mode, options, new java.util.concurrent.atomic.AtomicLong());
  }
}
