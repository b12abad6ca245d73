package io.tdx.client;

import io.tdx.csv.CsvRecord;
import io.tdx.csv.CsvRowReader;
import io.tdx.service.CsvDialect;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads rejected rows back from a saved error file: the row's columns, then LINE, CAUSE and CAUSE_CODE. */
final class ErrorFiles {
  private ErrorFiles() {
  }

  /** Up to {@code limit} rejected rows of an error file in the service's dialect (reads no further); none if there is no file. */
  static List<RejectedRow> first(Path errorFile, CsvDialect dialect, int limit) throws Exception {
    List<RejectedRow> rows = new ArrayList<>();
    if (!Files.exists(errorFile)) {
      return rows;
    }
    try (InputStream in = Files.newInputStream(errorFile);
         CsvRowReader reader = new CsvRowReader(in, dialect, 1 << 24, 1 << 16)) {
      CsvRecord header = reader.next();
      if (header == null) {
        return rows;
      }
      String[] names = header.fields();
      int columns = names.length - 3;
      for (CsvRecord record = reader.next(); record != null && rows.size() < limit; record = reader.next()) {
        String[] fields = record.fields();
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < columns && i < fields.length; i++) {
          values.put(names[i], fields[i]);
        }
        rows.add(new RejectedRow(Long.parseLong(fields[columns]), Collections.unmodifiableMap(values), fields[columns + 1],
          fields[columns + 2]));
      }
    }
    return rows;
  }
}
