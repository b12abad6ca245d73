package io.tdx.csv;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/** Bytes gathered in one array, unsynchronized, and written out in large blocks. */
public final class ByteSink {
  private byte[] bytes;
  private int size;

  public ByteSink(int capacity) {
    this.bytes = new byte[capacity];
  }

  public void append(byte b) {
    if (size == bytes.length) {
      bytes = Arrays.copyOf(bytes, bytes.length * 2);
    }
    bytes[size++] = b;
  }

  public void append(byte[] from, int offset, int length) {
    if (size + length > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + length));
    }
    System.arraycopy(from, offset, bytes, size, length);
    size += length;
  }

  /** A non-negative number in decimal digits. */
  public void appendDigits(long value) {
    if (size + 20 > bytes.length) {
      bytes = Arrays.copyOf(bytes, bytes.length * 2 + 20);
    }
    int digits = 1;
    for (long rest = value / 10; rest > 0; rest /= 10) {
      digits++;
    }
    for (int i = size + digits - 1; i >= size; i--) {
      bytes[i] = (byte) ('0' + value % 10);
      value /= 10;
    }
    size += digits;
  }

  public int size() {
    return size;
  }

  /** Writes what is gathered and starts again empty. */
  public void drainTo(OutputStream out) throws IOException {
    out.write(bytes, 0, size);
    size = 0;
  }
}
