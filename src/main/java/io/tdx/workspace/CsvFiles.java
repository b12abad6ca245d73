package io.tdx.workspace;

import io.tdx.service.CsvDialect;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.Executor;

/** An engine that reads CSV files itself (DuckDB's {@code read_csv}): where the files go, what loads them, how a query reads one. */
public interface CsvFiles {
  /** Where segment files are written (emptied at the server's start). */
  Path directory();

  /** The threads that load a segment while the next is written. */
  Executor loader();

  /**
   * A {@code FROM} item reading {@code file} in {@code dialect}, with no header, empty fields as
   * NULL, its first column {@code BIGINT} and the others text, named {@code columns}.
   */
  String read(Path file, CsvDialect dialect, List<String> columns);

  /**
   * A {@code FROM} item reading the body {@code file} in {@code dialect}, its first line (the
   * header) skipped, its lines ending in CR LF if {@code crlf} (else LF), empty fields as NULL,
   * every column text, named {@code columns}. A record with fewer fields fails it, and so does
   * one with more unless those are empty and last (DuckDB drops them): the caller counts fields.
   */
  String readBody(Path file, CsvDialect dialect, List<String> columns, boolean crlf);

  /** Called after each segment once {@code compress} (many loaded): e.g. compresses the temporary tables. */
  void compress(Statement statement) throws SQLException;
}
