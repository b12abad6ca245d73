package io.tdx.workspace;

/** What an export wrote: the service and the number of data rows. */
public record ExportSummary(String service, long rows) {
}
