package io.tdx.load;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tdx.service.CsvDialect;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("An error file taken back to its staged rows when the workspace transaction runs again")
class ErrorSinkTest {
  private static final String HEADER = "SKU,LINE,CAUSE,CAUSE_CODE\n";
  @TempDir
  Path dir;

  private ErrorSink sink() {
    return new ErrorSink(dir.resolve("errors.csv"), new CsvDialect(',', '"', (char) 0), List.of("SKU"), 10);
  }

  private static RowError error(long line, String sku) {
    return new RowError(line, new String[] {sku}, "SKU " + sku + " is not a key of /products", CauseCode.UNKNOWN_REFERENCE);
  }

  @Test
  @DisplayName("rows of an attempt that finished the file and then rolled back at commit are replaced by the next attempt's")
  void resetAfterFinish() throws IOException {
    ErrorSink errors = sink();
    errors.add(error(2, "S1"));
    errors.markStaged();
    errors.add(error(3, "A1"));
    errors.finish();
    errors.resetToStaged();
    errors.add(error(4, "B2"));
    Path file = errors.finish();
    assertEquals(2, errors.count());
    assertEquals(List.of("S1", "B2"), errors.first().stream().map(e -> e.fields()[0]).toList());
    assertEquals(HEADER + "S1,2,SKU S1 is not a key of /products,UNKNOWN_REFERENCE\n"
      + "B2,4,SKU B2 is not a key of /products,UNKNOWN_REFERENCE\n", Files.readString(file));
  }

  @Test
  @DisplayName("with no row rejected while staging, a finished attempt's rows go and the file is written anew")
  void resetAfterFinishWithNothingStaged() throws IOException {
    ErrorSink errors = sink();
    errors.markStaged();
    errors.finish();
    errors.resetToStaged();
    errors.add(error(3, "A1"));
    assertEquals(HEADER + "A1,3,SKU A1 is not a key of /products,UNKNOWN_REFERENCE\n", Files.readString(errors.finish()));
  }

  @Test
  @DisplayName("an attempt that rolled back before finishing loses its rows")
  void resetBeforeFinish() throws IOException {
    ErrorSink errors = sink();
    errors.add(error(2, "S1"));
    errors.markStaged();
    errors.add(error(3, "A1"));
    errors.resetToStaged();
    assertEquals(1, errors.count());
    assertEquals(HEADER + "S1,2,SKU S1 is not a key of /products,UNKNOWN_REFERENCE\n", Files.readString(errors.finish()));
  }
}
