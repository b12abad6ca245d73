package io.tdx.workspace.duckdb;

import io.tdx.service.Column;
import io.tdx.service.CsvDialect;
import io.tdx.service.ServiceDefinition;
import io.tdx.workspace.ExportSummary;
import io.tdx.workspace.Sql;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * An export DuckDB writes itself: {@code COPY (SELECT ... ORDER BY key) TO} a named pipe, which a
 * pump thread copies to the export's output as DuckDB writes it. Nothing of it lands on disk or
 * in the heap, and a slow client holds DuckDB back through the pipe (back-pressure); a client
 * that goes away breaks the pipe, and the COPY fails at once. DuckDB writes the same bytes as
 * {@code Exporter} for the types and dialects {@link #eligible} admits (quotes doubled, a field
 * quoted when it holds the delimiter, the quote or a line break, NULL as nothing); the others
 * take the row-by-row path.
 */
final class CopyExport {
  private static final int BUFFER = 1 << 16;

  private CopyExport() {
  }

  /** Whether DuckDB's CSV of the service's table is byte for byte what the server writes row by row. */
  static boolean eligible(ServiceDefinition service) {
    CsvDialect dialect = service.dialect();
    return !dialect.hasEscape() && dialect.delimiter() < 128 && dialect.quote() < 128 && dialect.delimiter() != '\n'
      && service.columns().stream().allMatch(CopyExport::sameText);
  }

  /** Types DuckDB writes as the server formats them: not FLOAT (Java's shortest repr differs), DATETIME, or a DATE of a declared format. */
  private static boolean sameText(Column column) {
    return switch (column.type()) {
      case STRING, INT, DECIMAL, BOOLEAN, UUID -> true;
      case DATE -> column.dateFormat() == null;
      default -> false;
    };
  }

  /** The export, or null when no named pipe can be made here (the caller then writes it row by row). */
  static ExportSummary export(Connection connection, ServiceDefinition service, OutputStream output, Path directory,
                              ExecutorService pumps) throws SQLException, IOException {
    Path pipe = directory.resolve("export-" + UUID.randomUUID() + ".fifo");
    if (!mkfifo(pipe)) {
      return null;
    }
    try {
      Future<Long> pumped = pumps.submit(() -> pump(pipe, output));
      long rows = -1;
      SQLException failed = null;
      try (Statement statement = connection.createStatement()) {
        statement.execute(copy(service, pipe));
        rows = statement.getUpdateCount();
      } catch (SQLException e) {
        failed = e;
      } finally {
        // a pump still waiting for a writer (DuckDB failed before it opened the pipe) is let through to the end
        new RandomAccessFile(pipe.toFile(), "rw").close();
      }
      try {
        pumped.get();
      } catch (ExecutionException e) {
        // the output failed (the client went away): that is why the COPY broke its pipe
        throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("the export was interrupted");
      }
      if (failed != null) {
        throw failed;
      }
      return new ExportSummary(service.prefix(), rows);
    } finally {
      Files.deleteIfExists(pipe);
    }
  }

  private static String copy(ServiceDefinition service, Path pipe) {
    CsvDialect dialect = service.dialect();
    String quote = String.valueOf(dialect.quote());
    return "COPY (SELECT " + Sql.columnList(service.columns(), "") + " FROM " + Sql.quote(service.table())
      + " ORDER BY " + Sql.columnList(service.keys(), "") + ") TO " + Sql.literal(pipe.toString())
      + " (FORMAT csv, HEADER, DELIMITER " + Sql.literal(String.valueOf(dialect.delimiter())) + ", QUOTE " + Sql.literal(quote)
      + ", ESCAPE " + Sql.literal(quote) + ")";
  }

  /** Copies the pipe to the output and closes it (as the row-by-row writer does), which sends what it holds. */
  private static long pump(Path pipe, OutputStream output) throws IOException {
    long bytes = 0;
    try (InputStream in = Files.newInputStream(pipe); OutputStream out = output) {
      byte[] buffer = new byte[BUFFER];
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        out.write(buffer, 0, n);
        bytes += n;
      }
    }
    return bytes;
  }

  /** Makes a named pipe only its owner may open; false where the system has no mkfifo. */
  private static boolean mkfifo(Path pipe) {
    try {
      Process made = new ProcessBuilder("mkfifo", "-m", "600", pipe.toString()).redirectErrorStream(true).start();
      made.getInputStream().transferTo(OutputStream.nullOutputStream());
      return made.waitFor() == 0 && Files.exists(pipe);
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UncheckedIOException(new InterruptedIOException("interrupted while making a pipe"));
    }
  }
}
