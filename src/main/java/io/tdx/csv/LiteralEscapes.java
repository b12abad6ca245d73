package io.tdx.csv;

import io.tdx.stream.BulkInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Makes an escape character mean what LogicBlox's dialect means by it: the next character is
 * taken literally, whatever it is. Jackson's CSV decoder reads {@code \n}, {@code \r},
 * {@code \t} and {@code \0} C-style (a line break, a TAB, a NUL); this stream drops the escape
 * before those four letters, so the decoder sees the bare letter, and passes every other
 * escaped pair through whole, so {@code \\n} stays an escaped backslash followed by {@code n}.
 * Works on bytes: the escape is ASCII, and no byte of a multi-byte UTF-8 character is.
 */
final class LiteralEscapes extends BulkInputStream {
  private final InputStream in;
  private final byte escape;
  private final byte[] raw = new byte[8192];
  private int position;
  private int end;
  /** An escape was read; the byte after it decides whether it is passed on. */
  private boolean escaped;
  /** An escape was passed on; the byte after it goes through as it is. */
  private boolean literal;

  LiteralEscapes(InputStream input, char escape) {
    this.in = input;
    if (escape > 0x7f) {
      throw new IllegalArgumentException("the escape character must be ASCII, got " + escape);
    }
    this.escape = (byte) escape;
  }

  @Override
  protected int readSome(byte[] buffer, int offset, int length) throws IOException {
    int out = offset;
    int limit = offset + length;
    while (out == offset) {
      if (position == end) {
        end = in.read(raw);
        position = 0;
        if (end < 0) {
          end = 0;
          if (escaped) {
            escaped = false; // a lone escape at the very end goes on: the decoder reports it
            buffer[out++] = escape;
            break;
          }
          return -1;
        }
      }
      while (position < end && out < limit) {
        byte b = raw[position++];
        if (literal) {
          literal = false;
          buffer[out++] = b;
        } else if (escaped) {
          escaped = false;
          if (b == 'n' || b == 'r' || b == 't' || b == '0') {
            buffer[out++] = b;
          } else {
            buffer[out++] = escape;
            literal = true;
            position--;
          }
        } else if (b == escape) {
          escaped = true;
        } else {
          buffer[out++] = b;
        }
      }
    }
    return out - offset;
  }

  @Override
  public int available() {
    return end - position;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
