package io.tdx.cli;

import io.tdx.client.CsvSource;
import io.tdx.client.CsvTarget;
import io.tdx.client.ImportSettings;
import io.tdx.client.PartSpec;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code batch FILE}: the import and export parts a JSON manifest declares, run as one
 * transaction (what lb-workflow's {@code lb.TdxImport} and {@code lb.TdxExport} tasks with
 * {@code async = true} did). Files in the manifest are relative to its own directory.
 */
@Command(name = "batch", mixinStandardHelpOptions = true,
  description = {"Runs a JSON manifest's import and export parts as one transaction.",
    "Local files are checked before anything is sent (exports' folders must exist, imports' files be readable). E.g.",
    "  {\"async\": true, \"parts\": [",
    "    {\"import\": \"/products\", \"file\": \"products.csv\", \"abortOnError\": true},",
    "    {\"import\": \"/sales\", \"uri\": \"s3://bucket/sales.csv\", \"method\": \"PUT\"},",
    "    {\"export\": \"/sales\", \"file\": \"out/sales.csv\"}]}",
    "Exit codes: 0 committed, 1 failed, 2 usage or bad manifest, 3 server unreachable."})
final class BatchCommand implements Callable<Integer> {
  private static final Set<String> MANIFEST_FIELDS = Set.of("async", "timeout", "parts");
  private static final Set<String> PART_FIELDS = Set.of("import", "export", "file", "uri", "method", "abortOnError",
    "ignoreUnknownColumns");

  @Spec
  CommandSpec spec;

  @Mixin
  WaitingSession session;

  @Parameters(paramLabel = "MANIFEST", description = "the JSON manifest")
  Path manifest;

  @Override
  public Integer call() {
    JsonObject json;
    try {
      json = new JsonObject(Files.readString(manifest));
    } catch (IOException | DecodeException e) {
      throw new ParameterException(spec.commandLine(), "cannot read the manifest " + manifest + ": " + e.getMessage());
    }
    boolean async = json.getBoolean("async", true);
    Duration timeout = session.timeout();
    List<PartSpec> parts;
    try {
      unknown(json, MANIFEST_FIELDS, "the manifest");
      if (json.getString("timeout") != null) {
        timeout = Duration.parse(json.getString("timeout"));
      }
      parts = parts(json, manifest.toAbsolutePath().getParent());
    } catch (IllegalArgumentException | ClassCastException | DateTimeParseException e) {
      throw new ParameterException(spec.commandLine(), "manifest " + manifest + ": " + e.getMessage());
    }
    return session.runOneShot(async, parts, timeout);
  }

  private static List<PartSpec> parts(JsonObject json, Path base) {
    if (json.getJsonArray("parts") == null || json.getJsonArray("parts").isEmpty()) {
      throw new IllegalArgumentException("\"parts\" must list one part or more");
    }
    List<PartSpec> parts = new ArrayList<>();
    int index = 0;
    for (Object value : json.getJsonArray("parts")) {
      String where = "part " + index++;
      if (!(value instanceof JsonObject part)) {
        throw new IllegalArgumentException(where + " is not an object");
      }
      unknown(part, PART_FIELDS, where);
      String file = part.getString("file");
      String uri = part.getString("uri");
      if ((file == null) == (uri == null) && !(part.containsKey("export") && file == null && uri == null)) {
        throw new IllegalArgumentException(where + " needs \"file\" or \"uri\", not both");
      }
      if (part.getString("import") != null) {
        ImportSettings settings = ImportSettings.UPSERT.abortOnError(part.getBoolean("abortOnError", false))
          .ignoreUnknownColumns(part.getBoolean("ignoreUnknownColumns", false));
        String method = part.getString("method", "POST");
        settings = switch (method) {
          case "POST" -> settings;
          case "PUT" -> settings.replace();
          case "DELETE" -> settings.delete();
          default -> throw new IllegalArgumentException(where + ": method must be POST, PUT or DELETE, not " + method);
        };
        CsvSource source = uri != null ? CsvSource.uri(uri) : CsvSource.file(base.resolve(file));
        parts.add(PartSpec.importing(ImportCommand.service(part.getString("import")), source, settings));
      } else if (part.getString("export") != null) {
        if (file == null && uri == null) {
          throw new IllegalArgumentException(where + " needs \"file\" or \"uri\"");
        }
        CsvTarget target = uri != null ? CsvTarget.uri(uri) : CsvTarget.file(base.resolve(file));
        parts.add(PartSpec.exporting(ImportCommand.service(part.getString("export")), target));
      } else {
        throw new IllegalArgumentException(where + " needs \"import\" or \"export\" (the service)");
      }
    }
    return parts;
  }

  private static void unknown(JsonObject json, Set<String> known, String where) {
    for (String field : json.fieldNames()) {
      if (!known.contains(field)) {
        throw new IllegalArgumentException(where + ": unknown field \"" + field + "\" (expected one of " + known + ")");
      }
    }
  }
}
