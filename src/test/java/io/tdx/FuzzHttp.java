package io.tdx;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One HTTP/1.1 exchange over a plain socket, for requests no HTTP client would send: the request
 * goes out byte for byte as given (request line, escapes, headers, framing, body), written on
 * its own thread while the answer is read, so an early answer (a 413 before the body is read)
 * is seen even when the server stops reading. Interim {@code 1xx} answers are skipped.
 */
final class FuzzHttp {
  /** Body bytes kept of an answer; the rest is read and counted, not kept. */
  private static final int KEEP_BODY = 2 << 20;
  private static final int MAX_HEAD = 64 << 10;

  private FuzzHttp() {
  }

  /** How the exchange ended. */
  enum Outcome {
    /** A whole answer: status line, headers and the body its framing announced. */
    ANSWERED,
    /** The connection ended (closed or reset) before a whole status line and head arrived. */
    NO_ANSWER,
    /** The head arrived, the body its framing announced did not. */
    ANSWER_CUT,
    /** Nothing (or not all) within the time allowed. */
    TIMEOUT
  }

  /**
   * What came back.
   *
   * @param outcome    how the exchange ended
   * @param status     the final status ({@code -1} without a status line)
   * @param headers    lower-case header names to their values
   * @param body       the body, its first {@value #KEEP_BODY} bytes
   * @param failure    what ended the exchange when it was not {@code ANSWERED} (e.g. "connection reset")
   * @param writeError what the writer hit, if anything (expected when the server answers before the body)
   * @param millis     how long the exchange took
   */
  record Answer(Outcome outcome, int status, Map<String, List<String>> headers, byte[] body, String failure,
                String writeError, long millis) {

    String header(String name) {
      List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
      return values == null || values.isEmpty() ? null : values.get(0);
    }

    String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }

    /** For failure messages: the status, content type and the first characters of the body. */
    String summary() {
      if (outcome != Outcome.ANSWERED) {
        return outcome + (status > 0 ? " after status " + status : "") + " (" + failure + ")"
          + (writeError == null ? "" : ", writer: " + writeError) + " after " + millis + " ms";
      }
      String text = bodyText().replaceAll("\\s+", " ");
      return status + " " + header("content-type") + " " + (text.length() > 300 ? text.substring(0, 300) + "..." : text);
    }
  }

  /** Sends {@code request} to 127.0.0.1:{@code port} and reads one answer. */
  static Answer exchange(int port, byte[] request, Duration timeout) {
    long start = System.nanoTime();
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), (int) timeout.toMillis());
      socket.setSoTimeout((int) timeout.toMillis());
      CompletableFuture<String> written = new CompletableFuture<>();
      Thread writer = new Thread(() -> written.complete(write(socket, request)), "raw-http-writer");
      writer.setDaemon(true);
      writer.start();
      Answer answer = read(socket.getInputStream(), start);
      String writeError = written.getNow(null);
      return new Answer(answer.outcome, answer.status, answer.headers, answer.body, answer.failure, writeError,
        answer.millis);
    } catch (IOException e) {
      return new Answer(Outcome.NO_ANSWER, -1, Map.of(), new byte[0], "connect: " + e, null, millis(start));
    }
  }

  private static String write(Socket socket, byte[] request) {
    try {
      OutputStream out = socket.getOutputStream();
      for (int offset = 0; offset < request.length; offset += 8192) {
        out.write(request, offset, Math.min(8192, request.length - offset));
      }
      out.flush();
      return null;
    } catch (IOException e) {
      return e.toString();
    }
  }

  private static Answer read(InputStream in, long start) {
    int status = -1;
    Map<String, List<String>> headers = Map.of();
    try {
      while (true) {
        List<String> head = head(in);
        status = status(head.get(0));
        headers = headers(head);
        if (status >= 200 || status == 101) {
          break;
        }
      }
      byte[] body = body(in, status, headers);
      return new Answer(Outcome.ANSWERED, status, headers, body, null, null, millis(start));
    } catch (SocketTimeoutException e) {
      return new Answer(Outcome.TIMEOUT, status, headers, new byte[0], e.toString(), null, millis(start));
    } catch (IOException e) {
      return new Answer(status < 0 ? Outcome.NO_ANSWER : Outcome.ANSWER_CUT, status, headers, new byte[0], e.toString(),
        null, millis(start));
    }
  }

  /** The lines of one head, up to the empty line. */
  private static List<String> head(InputStream in) throws IOException {
    List<String> lines = new ArrayList<>();
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int total = 0;
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("connection closed after " + total + " bytes of the answer's head");
      }
      if (++total > MAX_HEAD) {
        throw new IOException("answer head longer than " + MAX_HEAD + " bytes");
      }
      if (b == '\n') {
        String text = line.toString(StandardCharsets.ISO_8859_1);
        text = text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
        if (text.isEmpty()) {
          if (lines.isEmpty()) {
            continue; // tolerate a stray empty line before the status line
          }
          return lines;
        }
        lines.add(text);
        line.reset();
      } else {
        line.write(b);
      }
    }
  }

  private static int status(String statusLine) throws IOException {
    String[] parts = statusLine.split(" ", 3);
    if (parts.length < 2 || !parts[0].contains("/")) {
      throw new IOException("not a status line: " + statusLine);
    }
    try {
      return Integer.parseInt(parts[1]);
    } catch (NumberFormatException e) {
      throw new IOException("not a status line: " + statusLine);
    }
  }

  private static Map<String, List<String>> headers(List<String> head) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (String line : head.subList(1, head.size())) {
      int colon = line.indexOf(':');
      if (colon > 0) {
        headers.computeIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
          .add(line.substring(colon + 1).trim());
      }
    }
    return headers;
  }

  private static byte[] body(InputStream in, int status, Map<String, List<String>> headers) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    if (status == 204 || status == 304) {
      return body.toByteArray();
    }
    List<String> encoding = headers.get("transfer-encoding");
    List<String> length = headers.get("content-length");
    if (encoding != null && encoding.get(encoding.size() - 1).toLowerCase(Locale.ROOT).endsWith("chunked")) {
      chunked(in, body);
    } else if (length != null) {
      copy(in, body, Long.parseLong(length.get(0)));
    } else {
      copy(in, body, -1);
    }
    return body.toByteArray();
  }

  private static void chunked(InputStream in, ByteArrayOutputStream body) throws IOException {
    while (true) {
      String size = line(in);
      int semicolon = size.indexOf(';');
      long n = Long.parseLong((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
      if (n == 0) {
        while (!line(in).isEmpty()) {
          // trailers
        }
        return;
      }
      copy(in, body, n);
      line(in);
    }
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        throw new EOFException("connection closed inside a chunked answer");
      }
      if (b != '\r') {
        line.append((char) b);
      }
    }
    return line.toString();
  }

  /** Reads {@code n} bytes ({@code -1}: to the end of the stream), keeping the first {@value #KEEP_BODY}. */
  private static void copy(InputStream in, ByteArrayOutputStream body, long n) throws IOException {
    byte[] buffer = new byte[8192];
    long left = n;
    while (n < 0 || left > 0) {
      int read = in.read(buffer, 0, n < 0 ? buffer.length : (int) Math.min(buffer.length, left));
      if (read < 0) {
        if (n < 0) {
          return;
        }
        throw new EOFException("connection closed " + left + " bytes before the end of the answer's body");
      }
      int keep = Math.max(0, Math.min(read, KEEP_BODY - body.size()));
      body.write(buffer, 0, keep);
      left -= read;
    }
  }

  private static long millis(long start) {
    return (System.nanoTime() - start) / 1_000_000;
  }
}
