import io.tdx.csv.CsvRecord;
import io.tdx.csv.CsvRowReader;
import io.tdx.service.CsvDialect;
import java.io.BufferedInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The limit an import is read against (bench/run): the server's own CSV parsing
 * ({@link CsvRowReader}, Jackson's CSV parser, as an import uses it) of a file with nothing else,
 * and a plain read of the same file. Times one pass in a fresh JVM, as a fresh server's import
 * is, and prints one JSON line: mode, seconds, rows, bytes.
 *
 * usage: java -cp tdx.jar ParseOnly.java parse|read FILE
 */
public class ParseOnly {
  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[1]);
    long t0 = System.nanoTime();
    long rows = 0;
    long bytes = 0;
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      if (args[0].equals("parse")) {
        try (CsvRowReader reader = new CsvRowReader(in, new CsvDialect(',', '"', (char) 0), 1 << 20, 1024)) {
          reader.next(); // the header
          for (CsvRecord record = reader.next(); record != null; record = reader.next()) {
            rows++;
          }
        }
      } else {
        byte[] buffer = new byte[1 << 16];
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
          bytes += n;
          for (int i = 0; i < n; i++) {
            if (buffer[i] == '\n') {
              rows++;
            }
          }
        }
        rows--; // the header line
      }
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf("{\"mode\": \"%s\", \"seconds\": %.3f, \"rows\": %d, \"bytes\": %d}%n", args[0], seconds, rows,
      Files.size(file));
  }
}
