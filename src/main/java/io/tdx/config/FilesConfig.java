package io.tdx.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Files by URI (configuration field {@code files}).
 *
 * @param roots     the directories {@code file://} URIs may name (default {@code <dataDir>/files})
 * @param overwrite whether an export may replace an existing file or object (default false)
 * @param httpAllowHosts   {@code host:port} pairs an {@code http(s)://} import may reach even at an internal
 *                         address (lower case; an IPv6 literal in brackets, {@code [::1]:8080})
 * @param httpAllowPrivate whether any internal address may be reached (default false: no SSRF)
 * @param httpTimeoutSeconds the longest an {@code http(s)://} fetch may keep its reader waiting in all
 *                           (connecting, the answer, every byte of the body; default 300)
 * @param s3        {@code s3://} URIs ({@code files.s3})
 * @param gcs       {@code gs://} URIs ({@code files.gcs})
 * @param httpConnectTimeoutSeconds the longest wait for a connection (TCP and TLS; default 10)
 * @param httpIdleTimeoutSeconds    the longest wait for the answer, and for each next byte of its body (default 30)
 */
public record FilesConfig(List<Path> roots, boolean overwrite, List<String> httpAllowHosts, boolean httpAllowPrivate,
                          long httpTimeoutSeconds, S3Config s3, GcsConfig gcs, long httpConnectTimeoutSeconds,
                          long httpIdleTimeoutSeconds) {
  private static final Pattern HOST_PORT = Pattern.compile("(\\[[0-9a-f:.]+]|[^\\[\\]:/@\\s]+):(\\d{1,5})");

  static FilesConfig from(JsonObject json, Path dataDir) {
    JsonObject j = json == null ? new JsonObject() : json;
    JsonArray configured = j.getJsonArray("roots");
    List<Path> roots = new ArrayList<>();
    if (configured == null || configured.isEmpty()) {
      roots.add(dataDir.resolve("files"));
    } else {
      for (String path : names(j, "roots")) {
        roots.add(Path.of(path).toAbsolutePath().normalize());
      }
    }
    return new FilesConfig(List.copyOf(roots), j.getBoolean("overwrite", false), hostPorts(j),
      j.getBoolean("httpAllowPrivate", false), seconds(j, "httpTimeoutSeconds", 300L),
      S3Config.from(j.getJsonObject("s3")), GcsConfig.from(j.getJsonObject("gcs")),
      seconds(j, "httpConnectTimeoutSeconds", 10L), seconds(j, "httpIdleTimeoutSeconds", 30L));
  }

  /** {@code files.httpAllowHosts}: each entry a {@code host:port}; a bare host is refused, not read as every port. */
  private static List<String> hostPorts(JsonObject json) {
    List<String> allowed = new ArrayList<>();
    for (String entry : names(json, "httpAllowHosts")) {
      String lower = entry.strip().toLowerCase(Locale.ROOT);
      Matcher matcher = HOST_PORT.matcher(lower);
      if (!matcher.matches() || Integer.parseInt(matcher.group(2)) < 1 || Integer.parseInt(matcher.group(2)) > 65535) {
        throw new ConfigException("files: httpAllowHosts entry '" + entry + "' must be host:port, such as "
          + "'minio.internal:9000', '127.0.0.1:8080' or '[::1]:8080' (the port is part of what is allowed)");
      }
      allowed.add(matcher.group(1) + ":" + Integer.parseInt(matcher.group(2)));
    }
    return List.copyOf(allowed);
  }

  private static long seconds(JsonObject json, String field, long defaultValue) {
    long seconds = json.getLong(field, defaultValue);
    if (seconds < 1) {
      throw new ConfigException("files: " + field + " must be at least 1");
    }
    return seconds;
  }

  /** A list of non-blank strings at {@code field}, empty when absent. */
  static List<String> names(JsonObject json, String field) {
    List<String> names = new ArrayList<>();
    for (Object name : json.getJsonArray(field, new JsonArray())) {
      if (!(name instanceof String text) || text.isBlank()) {
        throw new ConfigException("files: field '" + field + "' must hold non-empty strings");
      }
      names.add(text);
    }
    return List.copyOf(names);
  }

  /**
   * {@code s3://bucket/key} (configuration field {@code files.s3}). Every field is optional: the
   * AWS SDK's standard environment ({@code AWS_REGION}, credentials, {@code AWS_ENDPOINT_URL_S3})
   * fills in what is not set here.
   *
   * @param region          the region; else the SDK's (e.g. {@code AWS_REGION}), else {@code us-east-1}
   * @param endpoint        an S3-compatible endpoint such as {@code http://127.0.0.1:9000}
   * @param pathStyle       path-style addressing ({@code TDX_S3_PATH_STYLE=true} sets it too)
   * @param accessKeyId     static credentials, with {@code secretAccessKey}; else the SDK's default chain
   * @param secretAccessKey see {@code accessKeyId}
   * @param buckets         the buckets requests may name; empty: any the credentials reach
   * @param partSizeBytes   the multipart upload part size for exports (an upload holds two parts in memory)
   * @param checksums       {@code when_supported} or {@code when_required}: when the SDK adds and validates
   *                        checksums (S3-compatible servers that do not know its checksum headers need
   *                        {@code when_required}); else the SDK's default, or its {@code AWS_REQUEST_CHECKSUM_CALCULATION}
   */
  public record S3Config(String region, String endpoint, boolean pathStyle, String accessKeyId, String secretAccessKey,
                         List<String> buckets, long partSizeBytes, String checksums) {
    static S3Config from(JsonObject json) {
      JsonObject j = json == null ? new JsonObject() : json;
      if ((j.getString("accessKeyId") == null) != (j.getString("secretAccessKey") == null)) {
        throw new ConfigException("files.s3: accessKeyId and secretAccessKey go together");
      }
      long partSize = j.getLong("partSizeBytes", 8L << 20);
      if (partSize < 5L << 20) {
        throw new ConfigException("files.s3: partSizeBytes must be at least 5 MiB (S3's smallest multipart part)");
      }
      if (partSize > 1L << 30) {
        throw new ConfigException("files.s3: partSizeBytes must be at most 1 GiB");
      }
      String checksums = j.getString("checksums");
      if (checksums != null && !checksums.equals("when_supported") && !checksums.equals("when_required")) {
        throw new ConfigException("files.s3: checksums must be when_supported or when_required, not " + checksums);
      }
      return new S3Config(j.getString("region"), j.getString("endpoint"), j.getBoolean("pathStyle", false),
        j.getString("accessKeyId"), j.getString("secretAccessKey"), names(j, "buckets"), partSize, checksums);
    }
  }

  /**
   * {@code gs://bucket/object} (configuration field {@code files.gcs}). Credentials are Google's
   * application default credentials; {@code STORAGE_EMULATOR_HOST} points the client at an
   * emulator, as Google's other clients do.
   *
   * @param projectId the project; else the one of the default credentials
   * @param host      an endpoint such as {@code http://127.0.0.1:4443} (an emulator; no credentials are sent)
   * @param buckets   the buckets requests may name; empty: any the credentials reach
   */
  public record GcsConfig(String projectId, String host, List<String> buckets) {
    static GcsConfig from(JsonObject json) {
      JsonObject j = json == null ? new JsonObject() : json;
      return new GcsConfig(j.getString("projectId"), j.getString("host"), names(j, "buckets"));
    }
  }
}
