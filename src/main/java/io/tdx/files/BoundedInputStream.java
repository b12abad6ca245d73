package io.tdx.files;

import io.tdx.problem.ProblemException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Refuses to read past {@code limits.maxBodyBytes}: a remote file is bounded as a body is. */
final class BoundedInputStream extends FilterInputStream {
  private final long max;
  private final String uri;
  private long read;

  BoundedInputStream(InputStream in, long max, String uri) {
    super(in);
    this.max = max;
    this.uri = uri;
  }

  static ProblemException tooLarge(String uri) {
    return new ProblemException(413, "body-too-large", "File too large", uri + " is larger than limits.maxBodyBytes")
      .with("uri", uri);
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    count(b < 0 ? 0 : 1);
    return b;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    int n = super.read(buffer, offset, length);
    count(Math.max(n, 0));
    return n;
  }

  private void count(int n) {
    read += n;
    if (read > max) {
      throw tooLarge(uri);
    }
  }
}
