package io.tdx.workspace;

import io.tdx.config.Limits;
import io.tdx.csv.ByteSink;
import io.tdx.csv.CsvRecord;
import io.tdx.csv.PlainBody;
import io.tdx.csv.RawRecords;
import io.tdx.load.CauseCode;
import io.tdx.load.ErrorSink;
import io.tdx.load.FieldSyntax;
import io.tdx.load.HeaderMapping;
import io.tdx.load.ImportMode;
import io.tdx.load.ImportRequest;
import io.tdx.load.RowError;
import io.tdx.load.RowValidator;
import io.tdx.service.Check;
import io.tdx.service.Column;
import io.tdx.service.CsvDialect;
import io.tdx.service.ServiceDefinition;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.nio.file.Files;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Phase one of a large import where the engine parses the CSV itself: the body is split into
 * records at the byte level ({@link RawRecords}) and written, each behind its line number, to
 * segment files that the engine reads and validates in SQL into the staging table: the casts,
 * the required columns and the checks. A record whose texts the engine might read otherwise
 * than the Java parser (a sign, an exponent, a field count that is wrong, a NUL) is validated
 * in Java on the way and reaches the segment either in canonical form or with its cause. Rows
 * the SQL does not accept keep their texts, and the Java validator says why, in line order, so
 * the error file is the one the Java path writes. Before that, the body is spooled, and if it is
 * plain (one record a line, see {@link PlainBody}) the engine reads the file itself
 * ({@link #plain}): into an empty table, or merging an upsert into one with rows, it writes the
 * valid rows straight ({@link Merger#applyDirect}); elsewhere it stages them ({@link #stagePlain}).
 */
final class EngineCsvStager {
  /** 8 MB and 32 MB segments staged 1M rows alike (0.32 to 0.52 s); this is the bulk sink's size. */
  static final long SEGMENT_BYTES = 16L << 20;
  static final long COMPRESS_AFTER_BYTES = 256L << 20;
  /**
   * A plain body up to this size is spooled and written straight into an empty table; a larger
   * one streams on through segments, whose temporary tables are checkpointed past this size.
   */
  static final long PLAIN_BODY_BYTES = COMPRESS_AFTER_BYTES;
  /** Records are gathered in blocks of about this size before they are written to a segment. */
  private static final int SINK_BYTES = 1 << 20;
  private final Connection connection;
  private final Engine engine;
  private final CsvFiles files;
  private final Limits limits;
  private final Stager stager;

  EngineCsvStager(Connection connection, Engine engine, CsvFiles files, Limits limits, Stager stager) {
    this.connection = connection;
    this.engine = engine;
    this.files = files;
    this.limits = limits;
    this.stager = stager;
  }

  /** Whether the engine can read every value of the service's files as the Java parser does. */
  static boolean eligible(ServiceDefinition service) {
    if (!RawRecords.splits(service.dialect())) {
      return false;
    }
    for (Column column : service.columns()) {
      if (!FieldSyntax.readable(column)) {
        return false;
      }
      for (Check check : column.checks()) {
        if (check.sql("x") == null) {
          return false;
        }
      }
    }
    return true;
  }

  /** A body copied to a file of the engine's (deleted on close), what its copy found, and the input past it. */
  record Spooled(Path file, PlainBody scan, InputStream rest) implements Closeable {
    /** The whole body: the file, then what was not copied. */
    InputStream open() throws IOException {
      return new SequenceInputStream(Files.newInputStream(file), rest);
    }

    @Override
    public void close() throws IOException {
      Files.deleteIfExists(file);
    }
  }

  /** Copies the body to a file until its end, or until it is not plain (see {@link PlainBody}). */
  Spooled spool(ImportRequest request, InputStream input) throws IOException {
    Path file = files.directory().resolve("body-" + UUID.randomUUID() + ".csv");
    try (OutputStream out = Files.newOutputStream(file)) {
      PlainBody scan = new PlainBody(request.service().dialect(), PLAIN_BODY_BYTES, limits.maxLineChars());
      return new Spooled(file, scan.copy(input, out, request.rowsRead()), input);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(file);
      throw e;
    }
  }

  /**
   * Whether a plain body may be written straight into the service's table: it inserts or upserts
   * (not a delete), its keys can be counted by their hashes, its references can be checked once
   * the rows are written (none accumulated, none to the service itself), and the table is empty
   * now or fit for a merge ({@link PlainRead#writableStraightInto}; {@link Merger#applyDirect}
   * looks again inside the write transaction).
   */
  boolean mayWriteDirectly(PlainRead read) throws SQLException {
    ServiceDefinition service = read.request().service();
    if (read.request().mode() == ImportMode.DELETE
      || !service.keys().isEmpty() && engine.dialect().hash(Sql.columnList(service.keys(), "")) == null) {
      return false;
    }
    for (Column column : service.columns()) {
      if (column.reference() != null && (column.reference().accumulate() || column.reference().service().equals(service.prefix()))) {
        return false;
      }
    }
    try (Statement statement = connection.createStatement();
         ResultSet rows = statement.executeQuery("SELECT count(*) FROM " + Sql.quote(service.table()))) {
      rows.next();
      return read.writableStraightInto(rows.getLong(1));
    }
  }

  /**
   * The engine's read of a plain body's rows, validated in SQL ({@link PlainRead}); null where the
   * body is not plain or its lines have another number of fields than its header.
   */
  PlainRead plain(ImportRequest request, Spooled body) throws IOException {
    if (!body.scan().plain()) {
      return null;
    }
    HeaderMapping mapping = header(request, body);
    if (!body.scan().fields(mapping.header().size())) {
      return null;
    }
    ValidatedTexts rows = ValidatedTexts.of(mapping, engine.dialect(), false);
    return new PlainRead(request, mapping, rows.values(), rows.from().formatted(plainRead(request, body, mapping)) + " WHERE __ok",
      body.scan().lines() - 1);
  }

  /**
   * Stages a plain body by the engine's read alone, where every row stands on its own: each one
   * valid, no key twice (a delete excepted). Null otherwise, the table dropped: the Java split
   * says which rows fail and why. The staged rows have no line numbers, so the merge that
   * rejects one ({@link Merger#applyPlain}) sends the body to staging too.
   */
  StagedImport stagePlain(PlainRead read, String table, Path errorFile) throws IOException, SQLException {
    ImportRequest request = read.request();
    long staged;
    try (Statement statement = connection.createStatement()) {
      statement.execute(read.createStaging(table, engine.dialect()));
      try (ResultSet count = statement.executeQuery("SELECT count(*) FROM " + table)) {
        count.next();
        staged = count.getLong(1);
      }
      if (staged == read.rows()) {
        engine.staged(connection, table, staged);
      }
      if (staged != read.rows()
        || request.mode() != ImportMode.DELETE && stager.markDuplicateKeys(table, request.service().keys()) > 0) {
        statement.execute("DROP TABLE " + table);
        return null;
      }
    }
    ErrorSink errors = new ErrorSink(errorFile, request.service().dialect(), read.mapping().header(), limits.summaryErrors());
    errors.markStaged();
    request.rowsRead().set(staged);
    return new StagedImport(request, read.mapping(), table, staged, errors);
  }

  private HeaderMapping header(ImportRequest request, Spooled body) throws IOException {
    try (InputStream in = Files.newInputStream(body.file());
         RawRecords records = new RawRecords(in, request.service().dialect(), limits.maxLineChars(), limits.maxFields())) {
      return HeaderMapping.of(records.next() == RawRecords.Kind.END ? null : records.record(), request, limits.maxHeaderChars());
    }
  }

  /** The engine's read of a plain body's rows, as the validation reads them (no line numbers: no row is reported). */
  private String plainRead(ImportRequest request, Spooled body, HeaderMapping mapping) {
    List<String> columns = IntStream.range(0, mapping.header().size()).mapToObj(i -> "f" + i).toList();
    return "(SELECT NULL::BIGINT AS __line, NULL::VARCHAR AS __bad, * FROM "
      + files.readBody(body.file(), request.service().dialect(), columns, body.scan().crlf()) + ") body";
  }

  /** Stages a body: split in Java, its records written to segments that the engine reads. */
  StagedImport stage(ImportRequest request, InputStream input, String table, Path errorFile) throws IOException, SQLException {
    CsvDialect dialect = request.service().dialect();
    try (RawRecords records = new RawRecords(input, dialect, limits.maxLineChars(), limits.maxFields())) {
      CsvRecord header = records.next() == RawRecords.Kind.END ? null : records.record();
      HeaderMapping mapping = HeaderMapping.of(header, request, limits.maxHeaderChars());
      int width = mapping.header().size();
      RawRecords.Syntax[] syntax = new RawRecords.Syntax[width];
      for (int i = 0; i < mapping.staged().size(); i++) {
        syntax[mapping.fieldIndex(i)] = FieldSyntax.of(mapping.staged().get(i));
      }
      records.expect(width, syntax);
      stager.create(table, mapping.staged(), ", __raw VARCHAR[]");
      ErrorSink errors = new ErrorSink(errorFile, dialect, mapping.header(), limits.summaryErrors());
      try {
        long read = load(records, mapping, dialect, table, request);
        reject(table, mapping, errors);
        engine.staged(connection, table, read);
        if (request.mode() != ImportMode.DELETE) {
          stager.markDuplicateKeys(table, request.service().keys());
        }
        errors.markStaged();
        return new StagedImport(request, mapping, table, read, errors);
      } catch (IOException | SQLException | RuntimeException e) {
        errors.close();
        throw e;
      }
    }
  }

  /** Writes the records to segments that the engine loads as they fill; the records read. */
  private long load(RawRecords records, HeaderMapping mapping, CsvDialect dialect, String table, ImportRequest request)
    throws IOException, SQLException {
    int width = mapping.header().size();
    List<String> columns = new ArrayList<>(List.of("__line", "__bad"));
    IntStream.range(0, width).forEach(i -> columns.add("f" + i));
    String insert = insert(table, mapping);
    RowValidator validator = new RowValidator(mapping);
    Object[] values = new Object[mapping.staged().size()];
    int[] stagedAt = new int[width];
    java.util.Arrays.fill(stagedAt, -1);
    for (int i = 0; i < mapping.staged().size(); i++) {
      stagedAt[mapping.fieldIndex(i)] = i;
    }
    byte delimiter = (byte) dialect.delimiter();
    byte quote = (byte) dialect.quote();
    long read = 0;
    try (SegmentFiles segments = new SegmentFiles(files.directory(), files.loader(), SEGMENT_BYTES, COMPRESS_AFTER_BYTES,
      (file, compress) -> {
        try (Statement statement = connection.createStatement()) {
          statement.executeUpdate(insert.formatted(files.read(file, dialect, columns)));
          if (compress) {
            files.compress(statement);
          }
        }
      })) {
      ByteSink out = new ByteSink(SINK_BYTES + (1 << 16));
      for (RawRecords.Kind kind = records.next(); kind != RawRecords.Kind.END; kind = records.next()) {
        read++;
        if ((read & 4095) == 0) {
          request.rowsRead().lazySet(read);
        }
        out.appendDigits(records.line());
        out.append(delimiter);
        if (kind == RawRecords.Kind.BYTES) {
          out.append(delimiter);
          records.appendBytes(out);
        } else {
          CsvRecord record = records.record();
          RowError error = validator.validate(record, values);
          if (error != null) {
            quoted(out, error.code().name() + " " + error.cause(), quote);
            String[] fields = error.fields();
            for (int k = 0; k < width; k++) {
              out.append(delimiter);
              quoted(out, k < fields.length ? fields[k] : null, quote);
            }
          } else {
            for (int k = 0; k < width; k++) {
              out.append(delimiter);
              int i = stagedAt[k];
              quoted(out, i < 0 || values[i] == null ? null : mapping.staged().get(i).format(values[i]), quote);
            }
          }
        }
        out.append((byte) '\n');
        if (out.size() >= SINK_BYTES) {
          out.drainTo(segments.stream());
          if (segments.full()) {
            segments.load();
          }
        }
      }
      if (out.size() > 0) {
        out.drainTo(segments.stream());
      }
      request.rowsRead().set(read);
      segments.finish();
    }
    return read;
  }

  /** A field quoted, its quotes doubled; nothing for null. */
  private static void quoted(ByteSink out, String text, byte quote) {
    if (text == null || text.isEmpty()) {
      return;
    }
    String q = String.valueOf((char) quote);
    byte[] bytes = text.replace(q, q + q).getBytes(StandardCharsets.UTF_8);
    out.append(quote);
    out.append(bytes, 0, bytes.length);
    out.append(quote);
  }

  /**
   * The statement that loads a segment ({@code %s}: the engine's read of it, columns
   * {@code __line}, {@code __bad} and the fields): each staged column cast, and where the row is
   * not accepted (its cause given, a value the engine cannot cast, a required one missing, a
   * check failed) no values but the row's texts in {@code __raw} ({@link ValidatedTexts}).
   */
  private String insert(String table, HeaderMapping mapping) {
    ValidatedTexts rows = ValidatedTexts.of(mapping, engine.dialect(), true);
    String values = rows.values().stream().map(value -> "CASE WHEN __ok THEN " + value + " END").collect(Collectors.joining(", "));
    return "INSERT INTO " + table + " (__txn, __part, __line, " + Sql.columnList(mapping.staged(), "") + ", __raw) SELECT 0, 0, __line, "
      + values + ", CASE WHEN __ok THEN NULL ELSE " + rows.texts() + " END FROM " + rows.from();
  }

  /**
   * The rows the SQL did not accept, in line order: their cause when the Java validator gave it
   * on the way, else the Java validator's verdict on their texts. A row it accepts after all is
   * staged; every such row leaves the staging table's texts.
   */
  private void reject(String table, HeaderMapping mapping, ErrorSink errors) throws SQLException {
    RowValidator validator = new RowValidator(mapping);
    long found = 0;
    List<Object[]> acceptedAfterAll = new ArrayList<>();
    try (Statement statement = connection.createStatement();
         ResultSet rows = statement.executeQuery("SELECT __line, __raw FROM " + table + " WHERE __raw IS NOT NULL ORDER BY __line")) {
      while (rows.next()) {
        found++;
        long line = rows.getLong(1);
        Array array = rows.getArray(2);
        Object[] raw = (Object[]) array.getArray();
        String[] fields = new String[raw.length - 1];
        for (int k = 1; k < raw.length; k++) {
          fields[k - 1] = raw[k] == null ? "" : raw[k].toString();
        }
        if (raw[0] != null) {
          String cause = raw[0].toString();
          int space = cause.indexOf(' ');
          errors.add(new RowError(line, fields, cause.substring(space + 1), CauseCode.valueOf(cause.substring(0, space))));
          continue;
        }
        Object[] values = new Object[mapping.staged().size() + 1];
        RowError error = validator.validate(new CsvRecord(line, fields, 0), values);
        if (error != null) {
          errors.add(error);
        } else if (acceptedAfterAll.size() < ACCEPTED_AFTER_ALL) {
          values[values.length - 1] = line;
          acceptedAfterAll.add(values);
        } else {
          throw new IllegalStateException("the engine refused more than " + ACCEPTED_AFTER_ALL
            + " rows that the Java validator accepts, such as line " + line + " of " + table);
        }
      }
    }
    if (found > 0) {
      try (Statement statement = connection.createStatement()) {
        statement.executeUpdate("DELETE FROM " + table + " WHERE __raw IS NOT NULL");
      }
    }
    if (!acceptedAfterAll.isEmpty()) {
      List<Column> staged = mapping.staged();
      String sql = "INSERT INTO " + table + " (" + Sql.columnList(staged, "") + ", __txn, __part, __line) VALUES ("
        + "?, ".repeat(staged.size()) + "0, 0, ?)";
      try (java.sql.PreparedStatement insert = connection.prepareStatement(sql)) {
        for (Object[] values : acceptedAfterAll) {
          for (int i = 0; i < values.length; i++) {
            insert.setObject(i + 1, values[i]);
          }
          insert.addBatch();
        }
        insert.executeBatch();
      }
    }
  }

  /**
   * Rows the SQL refuses and the Java validator accepts: none, as the SQL says what the Java
   * validator says; a few are staged all the same, more are a fault of this class.
   */
  private static final int ACCEPTED_AFTER_ALL = 10_000;
}
