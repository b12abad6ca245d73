package io.tdx.load;

import io.tdx.csv.CsvRowWriter;
import io.tdx.service.CsvDialect;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects an import's rejected rows: spools them to an error file (never held in memory) and
 * keeps the first few for the JSON summary.
 */
public final class ErrorSink implements Closeable {
  private final Path file;
  private final CsvDialect dialect;
  private final List<String> header;
  private final int keep;
  private final List<RowError> first = new ArrayList<>();
  private CsvRowWriter writer;
  private OutputStream buffered;
  private FileChannel channel;
  private long count;
  /** The rejected rows by cause. */
  private final java.util.EnumMap<CauseCode, Long> byCause = new java.util.EnumMap<>(CauseCode.class);
  private java.util.EnumMap<CauseCode, Long> stagedByCause = new java.util.EnumMap<>(CauseCode.class);
  /** What the sink held when staging ended ({@link #markStaged}); -1 count: never marked. */
  private long stagedCount = -1;
  private long stagedBytes;
  private int stagedFirst;
  /** The file was closed by {@link #finish}. */
  private boolean finished;

  public ErrorSink(Path file, CsvDialect dialect, List<String> header, int keep) {
    this.file = file;
    this.dialect = dialect;
    this.header = header;
    this.keep = keep;
  }

  public void add(RowError error) {
    if (first.size() < keep) {
      first.add(error);
    }
    count++;
    byCause.merge(error.code(), 1L, Long::sum);
    String[] record = new String[header.size() + 3];
    System.arraycopy(error.fields(), 0, record, 0, Math.min(error.fields().length, header.size()));
    record[header.size()] = Long.toString(error.line());
    record[header.size() + 1] = error.cause();
    record[header.size() + 2] = error.code().name();
    try {
      writer().write(record);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private CsvRowWriter writer() throws IOException {
    if (writer == null) {
      Files.createDirectories(file.getParent()); // a result store's minute may have been emptied and removed meanwhile
      open(FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING));
      writer.write(withCauseColumns(header));
    }
    return writer;
  }

  /**
   * Remembers the rows rejected while staging (parsing and validating), so that the rows a
   * workspace transaction rejects can be taken back if that transaction is run again.
   */
  public void markStaged() throws IOException {
    stagedCount = count;
    stagedByCause = new java.util.EnumMap<>(byCause);
    stagedFirst = first.size();
    stagedBytes = writer == null ? 0 : flushed();
  }

  /**
   * Forgets the rows added since {@link #markStaged}: the transaction that rejected them rolled
   * back and runs again. The attempt may have finished the file already (a transaction that
   * fails at commit, after its merge): the file is reopened at the staged length.
   */
  public void resetToStaged() throws IOException {
    if (stagedCount < 0 || count == stagedCount && !finished) {
      return;
    }
    if (writer != null) {
      writer.close();
      writer = null;
    }
    finished = false;
    if (stagedBytes == 0) {
      Files.deleteIfExists(file);
    } else {
      FileChannel staged = FileChannel.open(file, StandardOpenOption.WRITE);
      staged.truncate(stagedBytes);
      staged.position(stagedBytes);
      open(staged);
    }
    count = stagedCount;
    byCause.clear();
    byCause.putAll(stagedByCause);
    first.subList(stagedFirst, first.size()).clear();
  }

  /** Writes from now on through {@code opened}, at its position. */
  private void open(FileChannel opened) throws IOException {
    channel = opened;
    buffered = new BufferedOutputStream(Channels.newOutputStream(opened), 1 << 16);
    writer = new CsvRowWriter(buffered, dialect);
  }

  private long flushed() throws IOException {
    writer.flush();
    buffered.flush();
    return channel.position();
  }

  public long count() {
    return count;
  }

  /** How many rows were rejected for each {@code CAUSE_CODE} (those with none left out). */
  public java.util.Map<String, Long> causes() {
    java.util.Map<String, Long> causes = new java.util.LinkedHashMap<>();
    byCause.forEach((code, rows) -> causes.put(code.name(), rows));
    return causes;
  }

  public List<RowError> first() {
    return List.copyOf(first);
  }

  public List<String> header() {
    return header;
  }

  /**
   * Closes the error file and returns it; null when no row was rejected: no file was written, and
   * its header-only content is {@link #headerOnly} (small transactions create no file at all).
   */
  public Path finish() throws IOException {
    finished = true;
    if (writer == null) {
      return null;
    }
    writer.close();
    return file;
  }

  /** The error file of an import that rejected no row: the header, then LINE, CAUSE and CAUSE_CODE, in the dialect. */
  public static byte[] headerOnly(CsvDialect dialect, List<String> header) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    try (CsvRowWriter writer = new CsvRowWriter(out, dialect)) {
      writer.write(withCauseColumns(header));
    } catch (IOException e) {
      throw new UncheckedIOException(e); // in memory: does not happen
    }
    return out.toByteArray();
  }

  private static String[] withCauseColumns(List<String> header) {
    String[] names = new String[header.size() + 3];
    header.toArray(names);
    names[header.size()] = "LINE";
    names[header.size() + 1] = "CAUSE";
    names[header.size() + 2] = "CAUSE_CODE";
    return names;
  }

  @Override
  public void close() throws IOException {
    if (writer != null) {
      writer.close();
    }
  }
}
