package io.tdx.client;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The local files of a transaction's parts, checked before anything is sent: every file to
 * import is readable, every file to export to can be created (its folder exists and is
 * writable, and it is not a folder). A transaction that would commit and then lose an export
 * fails here instead, with nothing written.
 */
final class LocalFiles {
  private LocalFiles() {
  }

  static Future<Void> check(Vertx vertx, List<PartSpec> parts) {
    return vertx.executeBlocking(() -> {
      for (PartSpec part : parts) {
        if (part instanceof PartSpec.Import i && i.source() instanceof CsvSource.FromFile f
          && !(Files.isRegularFile(f.path()) && Files.isReadable(f.path()))) {
          throw new IllegalArgumentException("cannot read " + f.path() + " (" + i.service() + "): "
            + (Files.exists(f.path()) ? "not a readable file" : "no such file"));
        }
        if (part instanceof PartSpec.Export e && e.target() instanceof CsvTarget.ToFile f) {
          Path folder = f.path().toAbsolutePath().getParent();
          if (Files.isDirectory(f.path())) {
            throw new IllegalArgumentException("cannot export " + e.service() + " to " + f.path() + ": it is a folder");
          }
          if (folder == null || !Files.isDirectory(folder)) {
            throw new IllegalArgumentException("cannot export " + e.service() + " to " + f.path() + ": the folder " + folder
              + " does not exist");
          }
          if (!Files.isWritable(folder)) {
            throw new IllegalArgumentException("cannot export " + e.service() + " to " + f.path() + ": the folder " + folder
              + " is not writable");
          }
        }
      }
      return null;
    }, false);
  }
}
