package io.tdx.workspace;

import io.tdx.load.ErrorSink;
import io.tdx.load.HeaderMapping;
import io.tdx.load.ImportRequest;

/**
 * An import whose rows are parsed, validated and loaded into a temporary staging table of its
 * session, not yet applied to the service's table.
 */
public record StagedImport(ImportRequest request, HeaderMapping mapping, String table, long read, ErrorSink errors) {
}
