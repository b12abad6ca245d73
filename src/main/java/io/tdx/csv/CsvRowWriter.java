package io.tdx.csv;

import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import io.tdx.service.CsvDialect;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

/**
 * Writes CSV records in a service's dialect, streaming: with Jackson's CSV generator when quotes
 * are doubled (RFC 4180), with {@link EscapedRecords} in an escape dialect, whose rules Jackson's
 * generator does not follow (it doubles quotes and leaves a backslash bare).
 */
public final class CsvRowWriter implements Closeable {
  private static final CsvMapper MAPPER = CsvMapper.builder()
    .enable(CsvGenerator.Feature.STRICT_CHECK_FOR_QUOTING)
    .build();
  private final SequenceWriter doubling;
  private final Writer text;
  private final EscapedRecords escaped;

  public CsvRowWriter(OutputStream output, CsvDialect dialect) throws IOException {
    if (dialect.hasEscape()) {
      this.doubling = null;
      this.text = new BufferedWriter(new OutputStreamWriter(output, StandardCharsets.UTF_8), 8192);
      this.escaped = new EscapedRecords(text, dialect);
    } else {
      // Flushing after every record (Jackson's default for a sequence) made the stream write each
      // record on its own: a quarter of an import's CPU when staging through CSV segments.
      this.doubling = MAPPER.writerFor(String[].class).with(CsvRowReader.schema(dialect))
        .without(SerializationFeature.FLUSH_AFTER_WRITE_VALUE).writeValues(output);
      this.text = null;
      this.escaped = null;
    }
  }

  /** Writes one record; a null field is written empty (Jackson would drop it from the array). */
  public void write(String[] record) throws IOException {
    if (escaped != null) {
      escaped.write(record);
      return;
    }
    for (int i = 0; i < record.length; i++) {
      if (record[i] == null) {
        record[i] = "";
      }
    }
    doubling.write(record);
  }

  /** Writes out what is buffered. */
  public void flush() throws IOException {
    if (text != null) {
      text.flush();
    } else {
      doubling.flush();
    }
  }

  @Override
  public void close() throws IOException {
    if (text != null) {
      text.close();
    } else {
      doubling.close();
    }
  }
}
