package io.tdx.workspace.postgres;

import io.tdx.service.Column;
import io.tdx.workspace.CanonicalRows;
import io.tdx.workspace.RowSink;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.postgresql.PGConnection;

/**
 * Rows of small parts for a staging table: a connection runs one {@code COPY} at a time and the
 * parts of a group commit arrive for several tables in turn, so their canonical CSV is kept (in
 * memory up to {@link #MEMORY_BYTES}, then in a file) and copied in one {@code COPY} at
 * {@link #finish}.
 */
final class SpooledCopySink implements RowSink {
  static final int MEMORY_BYTES = 4 << 20;
  private final Connection connection;
  private final String table;
  private final List<Column> columns;
  private final Path spillDirectory;
  private final SpillingStream spool = new SpillingStream();
  private final CanonicalRows rows;

  SpooledCopySink(Connection connection, String table, List<Column> columns, Path spillDirectory) throws IOException {
    this.connection = connection;
    this.table = table;
    this.columns = columns;
    this.spillDirectory = spillDirectory;
    this.rows = new CanonicalRows(spool, columns);
  }

  @Override
  public void add(int txn, int part, long line, Object[] values) throws IOException {
    rows.add(txn, part, line, values);
  }

  @Override
  public void finish() throws IOException, SQLException {
    rows.flush();
    spool.flush();
    try (InputStream csv = spool.read()) {
      connection.unwrap(PGConnection.class).getCopyAPI().copyIn(CopySink.copyInto(table, columns), csv, 1 << 16);
    }
  }

  @Override
  public void close() throws IOException {
    spool.close();
  }

  /** Bytes in memory up to a bound, then in a temporary file deleted on close. */
  private final class SpillingStream extends OutputStream {
    private ByteArrayOutputStream memory = new ByteArrayOutputStream(1 << 12);
    private Path file;
    private OutputStream out = memory;

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      if (file == null && memory.size() + length > MEMORY_BYTES) {
        Files.createDirectories(spillDirectory);
        file = Files.createTempFile(spillDirectory, "copy-", ".csv");
        out = new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
        memory.writeTo(out);
        memory = null;
      }
      out.write(bytes, offset, length);
    }

    @Override
    public void flush() throws IOException {
      out.flush();
    }

    InputStream read() throws IOException {
      return file == null ? new java.io.ByteArrayInputStream(memory.toByteArray()) : Files.newInputStream(file);
    }

    @Override
    public void close() throws IOException {
      try {
        out.close();
      } finally {
        if (file != null) {
          Files.deleteIfExists(file);
        }
      }
    }
  }
}
