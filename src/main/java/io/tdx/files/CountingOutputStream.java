package io.tdx.files;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Counts the bytes an export stores. Closing it only flushes: the store closes its own stream,
 * and a writer that closes the export must not finish an upload early.
 */
final class CountingOutputStream extends FilterOutputStream {
  private long count;

  CountingOutputStream(OutputStream out) {
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

  long count() {
    return count;
  }
}
