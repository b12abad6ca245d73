package io.tdx.csv;

import io.tdx.service.CsvDialect;
import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Splits CSV whose quotes are doubled (RFC 4180) into records at the byte level, without
 * decoding them, so that a record whose fields are already in the form an engine reads exactly
 * can be passed on as bytes ({@link Kind#BYTES}). A record it cannot vouch for is decoded into
 * fields ({@link Kind#FIELDS}) for the Java validator. The grammar it passes on is the part
 * where it and {@link CsvRowReader} split alike: a field is unquoted (no quote, no NUL, no CR
 * but one before the LF ending the record) or quoted from its first byte to a closing quote
 * followed by a delimiter or the record's end; bytes are well-formed UTF-8; empty lines are
 * skipped. At the first record outside it (a quote inside an unquoted field, a lone CR, a byte
 * that is not UTF-8, a line of blanks, a record past the bounds), everything from that record
 * on is read by {@link CsvRowReader}, the authority on what such input means, and comes as
 * fields.
 */
public final class RawRecords implements Closeable {
  /** What {@link #next} found. */
  public enum Kind { BYTES, FIELDS, END }

  /** Which field texts may be passed on as bytes; checked on the bytes between two offsets. */
  @FunctionalInterface
  public interface Syntax {
    boolean accepts(byte[] bytes, int from, int to);
  }

  private static final byte LF = '\n';
  private static final byte CR = '\r';
  private static final int BUFFER = 1 << 20;
  private final InputStream input;
  private final CsvDialect dialect;
  private final byte delimiter;
  private final byte quote;
  private final int maxLineChars;
  private final int maxFields;
  /** Past this many bytes a record is left to the Jackson reader, which applies the limit in characters. */
  private final int maxRecordBytes;
  private byte[] buffer = new byte[BUFFER];
  /** Bytes of the buffer read from the input. */
  private int limit;
  /** Where the next record starts. */
  private int next;
  private boolean eof;
  private boolean started;
  /** Bytes of the input before the buffer's first. */
  private long discarded;
  /** Bytes before {@link #next} that were not characters of their own (a UTF-8 sequence of n bytes is n - 1 characters fewer; n - 2 for 4, a surrogate pair). */
  private long saved;
  /** Bytes of the record being scanned that are not characters of their own. */
  private long fewer;
  /** The line the next record starts on (1: the header). */
  private long line = 1;
  private Syntax[] syntax = new Syntax[0];
  private int width = -1;
  /** The fallback once a record is outside the grammar. */
  private CsvRowReader reader;

  // the current record
  private long recordLine;
  private int start;
  private int end;
  private int fields;
  private int[] fieldFrom = new int[16];
  private int[] fieldTo = new int[16];
  /** Bit 0: quoted; 1: holds a doubled quote; 2: holds NUL; 3: unquoted, holds a quote. */
  private byte[] fieldForm = new byte[16];
  private String[] decoded;
  /** The current record when the Jackson reader read it. */
  private CsvRecord read;

  public RawRecords(InputStream input, CsvDialect dialect, int maxLineChars, int maxFields) {
    if (!splits(dialect)) {
      throw new IllegalArgumentException("only ASCII delimiters and doubled quotes are read as bytes");
    }
    this.input = input;
    this.dialect = dialect;
    this.delimiter = (byte) dialect.delimiter();
    this.quote = (byte) dialect.quote();
    this.maxLineChars = maxLineChars;
    this.maxFields = maxFields;
    this.maxRecordBytes = (int) Math.min(Integer.MAX_VALUE - 16, (long) maxLineChars);
    for (int c = 1; c < 128; c++) {
      plain[c] = c != delimiter && c != quote && c != LF && c != CR;
      quotedPlain[c] = c != quote && c != LF && c != CR;
    }
  }

  /** The bytes with no meaning in an unquoted field: ASCII but NUL, the delimiter, the quote, CR and LF. */
  private final boolean[] plain = new boolean[256];
  /** The bytes with no meaning in a quoted field: ASCII but NUL, the quote, CR and LF. */
  private final boolean[] quotedPlain = new boolean[256];

  /** Whether files of the dialect are split here: ASCII delimiter and quote, quotes doubled (no escape character). */
  public static boolean splits(CsvDialect dialect) {
    return !dialect.hasEscape() && dialect.delimiter() < 128 && dialect.quote() < 128;
  }

  /**
   * From now on a record is passed on as bytes only if it has {@code width} fields and each field
   * {@code i} with a syntax is accepted by it (the quoted ones without a doubled quote); others are
   * decoded.
   */
  public void expect(int width, Syntax[] syntax) {
    this.width = width;
    this.syntax = syntax.clone();
  }

  /** Reads the next record. */
  public Kind next() throws IOException {
    decoded = null;
    read = null;
    if (reader != null) {
      return nextFromReader();
    }
    if (!started) {
      started = true;
      if (nulInFirstBytes() || limit < 4) {
        reader = readerFrom(0); // Jackson takes a NUL among the first four bytes for UTF-16 or UTF-32, and a file of fewer is the reader's too
        return nextFromReader();
      }
      if (limit >= 3 && buffer[0] == (byte) 0xEF && buffer[1] == (byte) 0xBB && buffer[2] == (byte) 0xBF) {
        next = 3; // a byte-order mark, skipped as the reader skips it (a byte, not a character, before the first)
        saved = 3;
      }
    }
    while (true) {
      int scanned = scan();
      if (scanned == SCANNED) {
        return passable() ? Kind.BYTES : Kind.FIELDS;
      }
      if (scanned == EMPTY_LINE) {
        continue;
      }
      if (scanned == AT_END) {
        return Kind.END;
      }
      if (scanned == MORE) {
        if (!fill()) {
          reader = readerFrom(next);
          return nextFromReader();
        }
        continue;
      }
      // OUTSIDE: the Jackson reader takes over at this record
      reader = readerFrom(next);
      return nextFromReader();
    }
  }

  private boolean nulInFirstBytes() throws IOException {
    while (limit < 4 && !eof) {
      fill();
    }
    for (int i = 0; i < Math.min(4, limit); i++) {
      if (buffer[i] == 0) {
        return true;
      }
    }
    return false;
  }

  private Kind nextFromReader() throws IOException {
    CsvRecord record = reader.next();
    if (record == null) {
      return Kind.END;
    }
    read = record;
    recordLine = record.line();
    decoded = record.fields();
    return Kind.FIELDS;
  }

  private CsvRowReader readerFrom(int offset) throws IOException {
    InputStream rest = new SequenceInputStream(new ByteArrayInputStream(Arrays.copyOfRange(buffer, offset, limit)), input);
    long bytes = discarded + offset;
    buffer = new byte[0];
    limit = 0;
    next = 0;
    if (bytes == 0) {
      return new CsvRowReader(rest, dialect, maxLineChars, maxFields); // the whole file
    }
    return CsvRowReader.continuing(rest, dialect, maxLineChars, maxFields, line, bytes - saved, bytes);
  }

  private static final int SCANNED = 0;
  private static final int EMPTY_LINE = 1;
  private static final int AT_END = 2;
  private static final int MORE = 3;
  private static final int OUTSIDE = 4;

  /** Scans the record at {@link #next}; on {@code SCANNED}, {@link #next} moves past it. */
  private int scan() {
    int p = next;
    byte[] b = buffer;
    int n = limit;
    if (p >= n) {
      return eof ? AT_END : MORE;
    }
    if (b[p] == LF) {
      next = p + 1;
      line++;
      return EMPTY_LINE;
    }
    if (b[p] == CR) {
      if (p + 1 >= n) {
        return eof ? OUTSIDE : MORE;
      }
      if (b[p + 1] == LF) {
        next = p + 2;
        line++;
        return EMPTY_LINE;
      }
      return OUTSIDE;
    }
    if (b[p] == ' ') {
      return OUTSIDE; // the reader skips blanks at a record's start
    }
    int count = 0;
    long newlines = 0;
    fewer = 0;
    while (true) {
      if (count == maxFields) {
        return OUTSIDE;
      }
      if (count == fieldFrom.length) {
        grow();
      }
      int form = 0;
      int from;
      int to;
      if (p < n && b[p] == quote) {
        form = 1;
        from = ++p;
        while (true) {
          if (p >= n) {
            return eof ? OUTSIDE : more(p);
          }
          byte c = b[p];
          if (quotedPlain[c & 0xFF]) {
            p++;
            continue;
          }
          if (c == quote) {
            if (p + 1 >= n && !eof) {
              return more(p);
            }
            if (p + 1 < n && b[p + 1] == quote) {
              form |= 2;
              p += 2;
              continue;
            }
            to = p++;
            break;
          }
          if (c == LF) {
            newlines++;
          } else if (c == CR) {
            if (p + 1 >= n) {
              return eof ? OUTSIDE : more(p);
            }
            if (b[p + 1] != LF) {
              return OUTSIDE;
            }
          } else if (c < 0) {
            int past = pastSequence(b, p, n);
            if (past < 0) {
              return -1 - past;
            }
            p = past;
            continue;
          } else if (c == 0) {
            form |= 4;
          }
          p++;
        }
      } else {
        from = p;
        while (p < n) {
          byte c = b[p];
          if (plain[c & 0xFF]) {
            p++;
            continue;
          }
          if (c == delimiter || c == LF || c == CR) {
            break;
          }
          if (c == quote) {
            form |= 8; // literal inside an unquoted field, as the reader takes it; not for the engine to read
          } else if (c < 0) {
            int past = pastSequence(b, p, n);
            if (past < 0) {
              return -1 - past;
            }
            p = past;
            continue;
          } else if (c == 0) {
            form |= 4;
          }
          p++;
        }
        to = p;
      }
      fieldFrom[count] = from;
      fieldTo[count] = to;
      fieldForm[count] = (byte) form;
      count++;
      if (p - next > maxRecordBytes) {
        return OUTSIDE;
      }
      if (p >= n) {
        if (!eof) {
          return more(p);
        }
        return finish(p, p, count, newlines);
      }
      byte c = b[p];
      if (c == delimiter) {
        p++;
        continue;
      }
      if (c == LF) {
        return finish(p, p + 1, count, newlines);
      }
      if (c == CR) {
        if (p + 1 >= n) {
          return eof ? OUTSIDE : more(p);
        }
        if (b[p + 1] == LF) {
          return finish(p, p + 2, count, newlines);
        }
        return OUTSIDE;
      }
      return OUTSIDE; // a closing quote followed by something else
    }
  }

  /** Where the well-formed UTF-8 sequence at {@code p} ends (counting the characters it saves), or -1 - MORE or OUTSIDE. */
  private int pastSequence(byte[] b, int p, int n) {
    int length = utf8(b, p, n);
    if (length <= 0) {
      return -1 - (length == 0 && !eof ? more(p) : OUTSIDE);
    }
    fewer += length == 4 ? 2 : length - 1;
    return p + length;
  }

  private int more(int p) {
    return p - next > maxRecordBytes ? OUTSIDE : MORE;
  }

  private int finish(int recordEnd, int after, int count, long newlines) {
    if (count == 1 && recordEnd > next && fieldForm[0] == 0 && blank(next, recordEnd)) {
      return OUTSIDE; // a line of blanks: whether it is a record or an empty line is the reader's to say
    }
    start = next;
    end = recordEnd;
    fields = count;
    recordLine = line;
    line += 1 + newlines;
    saved += fewer;
    next = after;
    return SCANNED;
  }

  private boolean blank(int from, int to) {
    for (int i = from; i < to; i++) {
      if (buffer[i] != ' ' && buffer[i] != '\t') {
        return false;
      }
    }
    return true;
  }

  /**
   * The length of the well-formed UTF-8 sequence at {@code p} (no overlong form, no surrogate,
   * nothing past U+10FFFF); 0 if the buffer ends inside it; -1 if it is not well-formed.
   */
  static int utf8(byte[] b, int p, int n) {
    int lead = b[p] & 0xFF;
    int length;
    int low = 0x80;
    int high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      if (lead == 0xE0) {
        low = 0xA0;
      } else if (lead == 0xED) {
        high = 0x9F;
      }
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      if (lead == 0xF0) {
        low = 0x90;
      } else if (lead == 0xF4) {
        high = 0x8F;
      }
    } else {
      return -1;
    }
    for (int i = 1; i < length; i++) {
      if (p + i >= n) {
        return 0;
      }
      int c = b[p + i] & 0xFF;
      if (i == 1 ? c < low || c > high : c < 0x80 || c > 0xBF) {
        return -1;
      }
    }
    return length;
  }

  private void grow() {
    int size = fieldFrom.length * 2;
    fieldFrom = Arrays.copyOf(fieldFrom, size);
    fieldTo = Arrays.copyOf(fieldTo, size);
    fieldForm = Arrays.copyOf(fieldForm, size);
  }

  /** Reads more input after the record at {@link #next}, moving it to the buffer's start or growing the buffer; false at a bound. */
  private boolean fill() throws IOException {
    if (next > 0) {
      discarded += next;
      System.arraycopy(buffer, next, buffer, 0, limit - next);
      limit -= next;
      next = 0;
    }
    if (limit == buffer.length) {
      if (buffer.length >= maxRecordBytes + 2L) {
        return false;
      }
      buffer = Arrays.copyOf(buffer, (int) Math.min(maxRecordBytes + 2L, 2L * buffer.length));
    }
    int read = input.read(buffer, limit, buffer.length - limit);
    if (read < 0) {
      eof = true;
    } else {
      limit += read;
    }
    return true;
  }

  private boolean passable() {
    if (fields != width) {
      return false;
    }
    for (int i = 0; i < fields; i++) {
      int form = fieldForm[i];
      if ((form & 12) != 0) {
        return false; // NUL (refused by every type, with its own message) or a quote inside an unquoted field
      }
      Syntax check = i < syntax.length ? syntax[i] : null;
      if (check != null && fieldTo[i] > fieldFrom[i] && ((form & 2) != 0 || !check.accepts(buffer, fieldFrom[i], fieldTo[i]))) {
        return false;
      }
    }
    return true;
  }

  /** The line the current record starts on. */
  public long line() {
    return recordLine;
  }

  /** The current record's fields, as {@link CsvRowReader} gives them. */
  public String[] fields() {
    if (decoded == null) {
      decoded = new String[fields];
      for (int i = 0; i < fields; i++) {
        int from = fieldFrom[i];
        int to = fieldTo[i];
        if (to == from) {
          decoded[i] = "";
          continue;
        }
        String text = new String(buffer, from, to - from, StandardCharsets.UTF_8);
        decoded[i] = (fieldForm[i] & 2) == 0 ? text : text.replace(doubled(), String.valueOf(dialect.quote()));
      }
    }
    return decoded;
  }

  private String doubled() {
    return String.valueOf(dialect.quote()) + dialect.quote();
  }

  /** The current record as {@link CsvRowReader} gives it. */
  public CsvRecord record() {
    if (read != null) {
      return read;
    }
    return new CsvRecord(recordLine, fields(), new String(buffer, start, end - start, StandardCharsets.UTF_8).length());
  }

  /** Appends the current {@link Kind#BYTES} record as read, without its line end. */
  public void appendBytes(ByteSink out) {
    out.append(buffer, start, end - start);
  }

  @Override
  public void close() throws IOException {
    if (reader != null) {
      reader.close();
    }
    input.close();
  }
}
