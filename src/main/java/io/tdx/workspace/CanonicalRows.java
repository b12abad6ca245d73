package io.tdx.workspace;

import io.tdx.csv.CsvRowWriter;
import io.tdx.service.Column;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * Validated rows written as a staging table's rows in canonical CSV ({@link CanonicalText}):
 * the transaction, the part and the line, then the values. What an engine's own loader reads.
 */
public final class CanonicalRows implements Closeable {
  private final CsvRowWriter writer;
  private final List<Column> columns;
  private final String[] fields;

  public CanonicalRows(OutputStream out, List<Column> columns) throws IOException {
    this.writer = new CsvRowWriter(out, CanonicalText.CSV);
    this.columns = columns;
    this.fields = new String[columns.size() + 3];
  }

  /** A row of part {@code part} of transaction {@code txn}, from CSV line {@code line}. */
  public void add(int txn, int part, long line, Object[] values) throws IOException {
    fields[0] = Integer.toString(txn);
    fields[1] = Integer.toString(part);
    fields[2] = Long.toString(line);
    for (int i = 0; i < values.length; i++) {
      fields[i + 3] = CanonicalText.of(columns.get(i), values[i]);
    }
    writer.write(fields);
  }

  /** Writes out what the CSV generator buffers (not the stream below it). */
  public void flush() throws IOException {
    writer.flush();
  }

  @Override
  public void close() throws IOException {
    writer.close();
  }
}
