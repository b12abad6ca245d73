package io.tdx.stream;

import java.io.IOException;
import java.io.InputStream;

/** An input stream that reads in blocks: its single-byte read is a block read of one byte, and a block read of none reads nothing. */
public abstract class BulkInputStream extends InputStream {

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public final int read(byte[] buffer, int offset, int length) throws IOException {
    return length == 0 ? 0 : readSome(buffer, offset, length);
  }

  /** Reads at least one byte, up to {@code length} ({@code length} > 0), or returns -1 at the end. */
  protected abstract int readSome(byte[] buffer, int offset, int length) throws IOException;
}
