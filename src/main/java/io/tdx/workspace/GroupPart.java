package io.tdx.workspace;

import io.tdx.load.ImportRequest;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * An import part of a transaction committed in a group: its request, its CSV (of {@code bytes}
 * bytes as received) and where its rejected rows go.
 */
public record GroupPart(ImportRequest request, InputStream csv, long bytes, Path errorFile) {
}
