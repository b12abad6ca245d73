package io.tdx.workspace;

import java.io.IOException;
import java.sql.SQLException;

/** Where the staging of an import puts its validated rows: one staging table, row by row. */
public interface RowSink extends AutoCloseable {

  /** One validated row of part {@code part} of transaction {@code txn}, from CSV line {@code line}. */
  void add(int txn, int part, long line, Object[] values) throws IOException, SQLException;

  /** Makes every row added so far visible in the staging table; throws what the table refused. */
  void finish() throws IOException, SQLException;

  /** Releases what the sink holds; rows not finished may be lost. */
  @Override
  void close() throws IOException, SQLException;
}
