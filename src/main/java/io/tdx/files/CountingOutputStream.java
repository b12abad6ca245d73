package io.tdx.files;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Counts the bytes written through it. Closing it only flushes: the owner of the underlying
 * stream closes it (a writer that closes an export must not finish an upload early).
 */
public final class CountingOutputStream extends FilterOutputStream {
  private long count;

  public CountingOutputStream(OutputStream out) {
    super(out);
  }

  @Override
  public void write(int b) throws IOException {
    out.write(b);
    count++;
  }

  @Override
  public void write(byte[] buffer, int offset, int length) throws IOException {
    out.write(buffer, offset, length);
    count += length;
  }

  @Override
  public void close() throws IOException {
    flush();
  }

  public long count() {
    return count;
  }
}
