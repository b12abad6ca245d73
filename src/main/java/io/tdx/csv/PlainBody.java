package io.tdx.csv;

import io.tdx.service.CsvDialect;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Copies a CSV body to a file and says whether each of its lines is one record that an engine's
 * reader splits as {@link RawRecords} does, so that the engine may read the file itself and a
 * row's line number is its place in the file: line ends all LF or all CR LF; each field unquoted
 * (no quote) or quoted from its first byte to a closing quote followed by a delimiter or the
 * line's end, within its line; no NUL, no lone CR, no empty line, no line that starts with a
 * blank or is longer than the bound; bytes well-formed UTF-8. The copy stops at the first line
 * that is not plain or past a size, leaving the rest of the input unread for a reader that reads
 * any CSV.
 */
public final class PlainBody {
  private static final int BUFFER = 1 << 20;
  private static final byte LF = '\n';
  private static final byte CR = '\r';
  /** The bytes that need a look in a quoted field: LF, CR, the quote, NUL and those of UTF-8 sequences; the rest are skipped. */
  private final boolean[] special = new boolean[256];
  /** The same and the delimiter, outside quotes. */
  private final boolean[] unquoted = new boolean[256];
  private final byte quote;
  private final byte delimiter;
  private final long maxBytes;
  private final long maxLineBytes;
  private long copied;
  private long lines;
  /** Bytes of the current line in earlier reads. */
  private long lineBytes;
  /** The byte before the current read's first. */
  private byte last = LF;
  /** Fields of the current line so far. */
  private long lineFields = 1;
  private long minFields = Long.MAX_VALUE;
  private long maxFields;
  /** 0 until the first line ends, then 1 (LF) or 2 (CR LF). */
  private int ending;
  private boolean plain = true;

  /**
   * For a body in {@code dialect}: copies at most {@code maxBytes}, and a line of more than
   * {@code maxLineBytes} bytes is not plain.
   */
  public PlainBody(CsvDialect dialect, long maxBytes, long maxLineBytes) {
    if (!RawRecords.splits(dialect)) {
      throw new IllegalArgumentException("only ASCII delimiters and doubled quotes are read as bytes");
    }
    this.quote = (byte) dialect.quote();
    this.delimiter = (byte) dialect.delimiter();
    this.maxBytes = maxBytes;
    this.maxLineBytes = maxLineBytes;
    special[0] = true;
    special[LF] = true;
    special[CR] = true;
    special[quote] = true;
    for (int c = 0x80; c < 256; c++) {
      special[c] = true;
    }
    System.arraycopy(special, 0, unquoted, 0, 256);
    unquoted[delimiter] = true;
  }

  /**
   * Copies the input to {@code out} until its end, or until a line is not plain or more than the
   * size has come; then {@link #plain} says which, and the input holds what was not copied.
   */
  public PlainBody copy(InputStream input, OutputStream out, AtomicLong linesRead) throws IOException {
    byte[] buffer = new byte[BUFFER];
    int carried = 0;
    while (plain) {
      int read = input.read(buffer, carried, buffer.length - carried);
      boolean end = read < 0;
      int n = carried + Math.max(read, 0);
      int scanned = scan(buffer, n, end);
      if (copied + n > maxBytes || scanned == 0 && n == buffer.length) {
        plain = false; // too much, or a field longer than the buffer
      }
      int written = plain ? scanned : n;
      out.write(buffer, 0, written);
      copied += written;
      carried = n - written;
      System.arraycopy(buffer, written, buffer, 0, carried);
      linesRead.lazySet(Math.max(0, lines - 1));
      if (end) {
        break;
      }
    }
    return this;
  }

  /**
   * Scans the bytes before {@code n} ({@code end}: the input's last); returns where it stopped:
   * {@code n}, or where a line end, a quoted field or a UTF-8 sequence the buffer ends in starts.
   */
  private int scan(byte[] b, int n, boolean end) {
    int p = 0;
    int lineStart = 0;
    if (n > 0 && last == LF && blank(b[0])) {
      plain = false; // a reader skips blanks at a record's start
    }
    while (plain) {
      while (p < n && !unquoted[b[p] & 0xFF]) {
        p++;
      }
      if (p == n) {
        break;
      }
      byte c = b[p];
      if (c == delimiter) {
        lineFields++;
        p++;
        continue;
      }
      int past;
      if (c == LF || c == CR) {
        past = c == LF ? p + 1 : p + 2;
        if (past > n) {
          if (!end) {
            return stop(b, p, lineStart);
          }
          plain = false; // a CR at the end
          break;
        }
        if (c == CR && b[p + 1] != LF) {
          plain = false; // a lone CR
          break;
        }
        lineEnd(lineBytes + p - lineStart, c == CR ? 2 : 1);
        lineBytes = 0;
        p = lineStart = past;
        if (p < n && blank(b[p])) {
          plain = false;
        }
        continue;
      }
      if (c == quote) {
        byte before = p > lineStart ? b[p - 1] : lineBytes == 0 ? LF : last;
        if (before != delimiter && before != LF) {
          plain = false; // a quote inside an unquoted field
          break;
        }
        past = quoted(b, p, n, end);
        if (past == 0) {
          return stop(b, p, lineStart);
        }
        if (past < 0) {
          plain = false;
          break;
        }
        p = past;
        continue;
      }
      past = (c & 0x80) == 0 ? -1 : sequence(b, p, n, end);
      if (past == 0) {
        return stop(b, p, lineStart);
      }
      if (past < 0) {
        plain = false; // NUL, or not UTF-8
        break;
      }
      p = past;
    }
    if (plain) {
      lineBytes += n - lineStart;
      last = n > 0 ? b[n - 1] : last;
      if (end) {
        atEnd();
      }
    }
    return n;
  }

  /** Stops before {@code p}, where something the next read completes starts. */
  private int stop(byte[] b, int p, int lineStart) {
    lineBytes += p - lineStart;
    last = p > 0 ? b[p - 1] : last;
    return p;
  }

  /**
   * Past the quoted field whose opening quote is at {@code p}: its closing quote followed by a
   * delimiter or a line end. 0: the buffer ends first; -1: it is not such a field.
   */
  private int quoted(byte[] b, int p, int n, boolean end) {
    p++;
    while (true) {
      while (p < n && !special[b[p] & 0xFF]) {
        p++;
      }
      if (p == n) {
        return end ? -1 : 0;
      }
      byte c = b[p];
      if (c == quote) {
        if (p + 1 == n) {
          return end ? p + 1 : 0;
        }
        byte next = b[p + 1];
        if (next == quote) {
          p += 2; // a doubled quote
          continue;
        }
        return next == delimiter || next == LF || next == CR ? p + 1 : -1;
      }
      int past = (c & 0x80) == 0 ? -1 : sequence(b, p, n, end);
      if (past <= 0) {
        return past; // a line end or NUL in quotes, a byte not UTF-8, or the buffer's end
      }
      p = past;
    }
  }

  /** Past the well-formed UTF-8 sequence at {@code p}; 0: the buffer ends inside it; -1: it is not well-formed. */
  private static int sequence(byte[] b, int p, int n, boolean end) {
    int length = RawRecords.utf8(b, p, n);
    return length > 0 ? p + length : length == 0 && !end ? 0 : -1;
  }

  private static boolean blank(byte c) {
    return c == ' ' || c == '\t';
  }

  private void lineEnd(long length, int form) {
    if (length == 0 || length > maxLineBytes || ending != 0 && ending != form) {
      plain = false; // an empty line, a long one, or another line end
      return;
    }
    ending = form;
    lines++;
    minFields = Math.min(minFields, lineFields);
    maxFields = Math.max(maxFields, lineFields);
    lineFields = 1;
  }

  private void atEnd() {
    if (lineBytes > 0) {
      lineEnd(lineBytes, ending == 0 ? 1 : ending); // the last line has no line end
      lineBytes = 0;
    }
    if (lines == 0) {
      plain = false; // an empty body is the reader's to say
    }
  }

  /** Whether the whole input was copied and each of its lines is plain. */
  public boolean plain() {
    return plain;
  }

  /** The lines copied, the header's included. */
  public long lines() {
    return lines;
  }

  /**
   * Whether every line has {@code width} fields, the header's included: an engine's reader may
   * take a line with more (empty ones at its end) for one of the right width.
   */
  public boolean fields(int width) {
    return minFields == width && maxFields == width;
  }

  /** Whether lines end with CR LF (else LF). */
  public boolean crlf() {
    return ending == 2;
  }
}
