package io.tdx.files;

import io.tdx.problem.ProblemException;
import java.net.URI;
import java.util.List;

/**
 * A bucket and an object name from {@code s3://bucket/key} or {@code gs://bucket/object}, and the
 * problems an object store's answers map to.
 */
record ObjectName(String bucket, String key) {

  /** Parses the URI; a bucket missing from a non-empty {@code allowed} list is a {@code 403}. */
  static ObjectName of(URI uri, List<String> allowed) {
    String bucket = uri.getHost() != null ? uri.getHost() : uri.getAuthority();
    String path = uri.getPath();
    if (bucket == null || bucket.isEmpty() || path == null || path.length() < 2 || path.endsWith("/")) {
      throw ProblemException.badRequest("bad-uri", "Bad URI", "uri=" + uri + " must be " + uri.getScheme() + "://bucket/object-name");
    }
    if (!allowed.isEmpty() && !allowed.contains(bucket)) {
      throw FileAccess.forbidden(uri.toString(), "bucket-not-allowed",
        "bucket " + bucket + " is not among the configured buckets " + allowed);
    }
    return new ObjectName(bucket, path.substring(1));
  }

  String contentType() {
    return key.endsWith(".gz") ? "application/gzip" : "text/csv; charset=utf-8";
  }

  static ProblemException notFound(URI uri) {
    return new ProblemException(404, "file-not-found", "File not found", "no object at " + uri).with("uri", uri.toString());
  }

  /** The store answered with an error status. */
  static ProblemException refused(URI uri, int status, String message) {
    return switch (status) {
      case 404 -> notFound(uri).with("reason", message);
      case 401, 403 -> FileAccess.forbidden(uri.toString(), "denied", "the object store denied access: " + message);
      case 409, 412 -> FileAccess.exists(uri.toString(), "exists (the store refused to replace it: " + message + ")");
      default -> new ProblemException(502, "fetch-failed", "Object store failed",
        uri + ": the object store answered " + status + ": " + message).with("uri", uri.toString()).with("rule", "store-error");
    };
  }

  /** The first line of a message, at most 300 characters. */
  static String oneLine(String message) {
    String line = message.strip();
    int end = line.indexOf('\n');
    line = end < 0 ? line : line.substring(0, end).strip();
    return line.length() <= 300 ? line : line.substring(0, 297) + "...";
  }

  /**
   * The store could not be reached, the server has no credentials for it, or what it sent did
   * not check out: in one line (an SDK's message can run to pages).
   */
  static ProblemException unreachable(URI uri, Throwable e) {
    String message = oneLine(e.getMessage() == null ? e.toString() : e.getMessage());
    String lower = message.toLowerCase(java.util.Locale.ROOT);
    if (lower.contains("unable to load credentials") || lower.contains("default credentials were not found")
      || lower.contains("application default credentials")) {
      String how = uri.getScheme().equals("s3")
        ? "files.s3.accessKeyId and secretAccessKey, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, a profile or a role"
        : "GOOGLE_APPLICATION_CREDENTIALS, or the credentials of the machine it runs on";
      return new ProblemException(502, "fetch-failed", "No object store credentials",
        uri + ": the server has no credentials for " + uri.getScheme() + ":// (give it " + how + ")")
        .with("uri", uri.toString()).with("rule", "credentials");
    }
    boolean checksum = lower.contains("checksum");
    return new ProblemException(502, "fetch-failed", checksum ? "Checksum mismatch" : "Object store unreachable",
      uri + ": " + (checksum ? "the data read does not match the store's checksum: " : "the object store cannot be reached: ") + message)
      .with("uri", uri.toString()).with("rule", checksum ? "checksum-mismatch" : "unreachable");
  }
}
