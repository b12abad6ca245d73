package io.tdx.load;

import io.tdx.service.ServiceDefinition;

/** One import: the service, what to do with the rows, and the options. */
public record ImportRequest(ServiceDefinition service, ImportMode mode, ImportOptions options) {
}
