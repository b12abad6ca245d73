package io.tdx.stream;

import io.tdx.problem.ProblemException;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * The content codings a body may come in ({@code Content-Encoding}): {@code identity} and
 * {@code gzip} (alias {@code x-gzip}). Decoding is a blocking stream, for a worker thread: it
 * reads the encoded bytes only as fast as the decoded ones are consumed, fails with a
 * {@link BodyTooLargeException} as soon as the decoded bytes pass the bound, and ends only at a
 * verified end (every member's CRC and size checked, nothing after the last one), so a truncated
 * body is a {@link BadEncodingException}, never a shorter file. {@code deflate} is refused: it is
 * sent both zlib-wrapped and raw in practice, and has no length check.
 */
public enum ContentDecoding {
  IDENTITY, GZIP;

  private static final int BUFFER = 1 << 16;

  /** The coding a {@code Content-Encoding} header names; {@code 415 unsupported-encoding} for any other. */
  public static ContentDecoding of(String header) {
    List<String> codings = header == null ? List.of() : Arrays.stream(header.split(","))
      .map(c -> c.strip().toLowerCase(Locale.ROOT)).filter(c -> !c.isEmpty() && !c.equals("identity")).toList();
    if (codings.isEmpty()) {
      return IDENTITY;
    }
    if (codings.size() == 1 && (codings.get(0).equals("gzip") || codings.get(0).equals("x-gzip"))) {
      return GZIP;
    }
    throw new ProblemException(415, "unsupported-encoding", "Unsupported content encoding",
      "Content-Encoding " + header + " is not supported; send the body as identity or gzip")
      .with("acceptEncoding", "gzip, identity");
  }

  /** The decoded body, at most {@code maxBytes} bytes of it. */
  public InputStream decode(InputStream encoded, long maxBytes) throws IOException {
    if (this == IDENTITY) {
      return bounded(encoded, maxBytes);
    }
    TrackedEnd raw = new TrackedEnd(encoded);
    try {
      return bounded(new VerifiedGzip(raw), maxBytes);
    } catch (ZipException | EOFException e) {
      throw notGzip(e);
    }
  }

  /**
   * Decodes a spooled body to its end (blocking: on a worker), so that one that is not valid in
   * its coding, is cut short or decodes past {@code maxBytes} is refused when it arrives rather
   * than at its commit. Nothing to do for {@link #IDENTITY}.
   */
  public void verify(Path spooled, long maxBytes) throws IOException {
    if (this == IDENTITY) {
      return;
    }
    try (InputStream in = decode(Files.newInputStream(spooled), maxBytes)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
  }

  private static InputStream bounded(InputStream decoded, long maxBytes) {
    return new BoundedInputStream(decoded, maxBytes, () -> {
      throw new BodyTooLargeException(maxBytes);
    });
  }

  /**
   * A spooled transaction part as CSV: decoded when it is gzip (its first bytes say so; a plain
   * CSV body never starts so, as that is not UTF-8, and one that does is refused on arrival).
   */
  public static InputStream openSpooled(Path spooled) throws IOException {
    BufferedInputStream in = new BufferedInputStream(Files.newInputStream(spooled), BUFFER);
    in.mark(2);
    boolean gzip = in.read() == 0x1f && in.read() == 0x8b;
    in.reset();
    return gzip ? GZIP.decode(in, Long.MAX_VALUE) : in;
  }

  /** The refusal of a body that starts as gzip does but was sent without {@code Content-Encoding: gzip}. */
  public static BadEncodingException unlabelledGzip() {
    return new BadEncodingException("the body is gzip but was sent without Content-Encoding: gzip");
  }

  /** Whether these are the first bytes of a gzip stream. */
  public static boolean gzipMagic(int first, int second) {
    return first == 0x1f && second == 0x8b;
  }

  private static BadEncodingException notGzip(IOException e) {
    return e instanceof EOFException
      ? new BadEncodingException("the gzip body is truncated: it ends before its trailer (CRC and size)")
      : new BadEncodingException("the body is not valid gzip: " + e.getMessage());
  }

  /** gzip whose end is verified: the decoder stops at the last member, and the encoded bytes must end there too. */
  private static final class VerifiedGzip extends GZIPInputStream {
    private static final int TRAILER = 8;
    private final TrackedEnd raw;

    VerifiedGzip(TrackedEnd raw) throws IOException {
      super(raw, BUFFER);
      this.raw = raw;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n;
      try {
        n = super.read(buffer, offset, length);
      } catch (ZipException | EOFException e) {
        throw notGzip(e);
      }
      // at the end the inflater holds the last trailer's 8 bytes; more are data the decoder skipped
      if (n < 0 && (inf.getRemaining() > TRAILER || !raw.ended && raw.read() >= 0)) {
        throw new BadEncodingException("the body has data after the end of its gzip stream");
      }
      return n;
    }
  }

  /**
   * Knows whether the encoded stream has ended. Until then it reports a byte available, so that
   * {@link GZIPInputStream} looks for a next member (concatenated gzip) even when that member has
   * not arrived yet, instead of ending early; at the true end it finds none and ends.
   */
  private static final class TrackedEnd extends FilterInputStream {
    boolean ended;

    TrackedEnd(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      ended |= b < 0;
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = super.read(buffer, offset, length);
      ended |= n < 0;
      return n;
    }

    @Override
    public int available() throws IOException {
      return ended ? 0 : Math.max(1, super.available());
    }
  }
}
