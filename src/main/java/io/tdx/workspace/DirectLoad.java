package io.tdx.workspace;

import io.tdx.load.HeaderMapping;
import io.tdx.load.ImportRequest;

/**
 * An import whose rows the engine may write straight into the service's table from the spooled
 * body ({@link EngineCsvStager#direct}), checked after: {@code insert} writes the valid ones, and
 * the body holds {@code rows}.
 */
record DirectLoad(ImportRequest request, HeaderMapping mapping, String insert, long rows) {
}
