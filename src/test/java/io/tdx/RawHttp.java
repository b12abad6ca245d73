package io.tdx;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import io.vertx.core.json.JsonObject;

/**
 * HTTP/1.1 over a plain socket, for what an HTTP client will not do: send a body shorter than
 * its Content-Length, cut a chunked body, reset the connection, dribble bytes, or keep sending a
 * whole body after the server has answered.
 */
final class RawHttp implements AutoCloseable {
  /** What came back: the status (0 when the connection ended without an answer) and the body. */
  record Answer(int status, String head, String body) {
    boolean closedWithoutAnswer() {
      return status == 0;
    }

    /** A header's value, or null. */
    String header(String name) {
      String wanted = name.toLowerCase(Locale.ROOT) + ":";
      return head.lines().filter(line -> line.toLowerCase(Locale.ROOT).startsWith(wanted))
        .map(line -> line.substring(wanted.length()).strip()).findFirst().orElse(null);
    }

    JsonObject json() {
      return new JsonObject(body);
    }
  }

  /** Sends a whole request head (no body) on a connection of its own and reads the answer. */
  static Answer exchange(int port, String head) throws IOException {
    try (RawHttp http = new RawHttp(port, 20_000)) {
      return http.write(head).read();
    }
  }

  private final Socket socket;
  private final OutputStream out;
  private final InputStream in;

  RawHttp(int port, int readTimeoutMillis) throws IOException {
    socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(readTimeoutMillis);
    out = socket.getOutputStream();
    in = socket.getInputStream();
  }

  /** The request head for a body, CRLF-terminated; {@code length} < 0 for chunked. */
  static String head(String method, String target, long length, String... headers) {
    StringBuilder head = new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    head.append(length < 0 ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + length + "\r\n");
    for (String header : headers) {
      head.append(header).append("\r\n");
    }
    return head.append("\r\n").toString();
  }

  RawHttp write(String text) throws IOException {
    return write(text.getBytes(StandardCharsets.UTF_8));
  }

  RawHttp write(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
    return this;
  }

  /** Writes the whole stream on another thread, whatever the server answers meanwhile; completes with whether all of it went. */
  CompletableFuture<Boolean> writeAll(InputStream body) {
    return CompletableFuture.supplyAsync(() -> {
      try (body) {
        body.transferTo(out);
        out.flush();
        return true;
      } catch (IOException closed) {
        return false;
      }
    });
  }

  /** Bytes of an answer already here. */
  int available() throws IOException {
    return in.available();
  }

  /** Closes with a reset (RST), not an orderly end. */
  void reset() throws IOException {
    socket.setSoLinger(true, 0);
    socket.close();
  }

  /** Reads one answer: its head, then a Content-Length or chunked body; status 0 if the connection ends first. */
  Answer read() throws IOException {
    String head;
    try {
      head = readHead();
    } catch (SocketTimeoutException e) {
      throw e;
    } catch (IOException closed) {
      return new Answer(0, "", "");
    }
    if (head == null) {
      return new Answer(0, "", "");
    }
    int status = Integer.parseInt(head.substring(9, 12));
    String lower = head.toLowerCase(Locale.ROOT);
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    int at = lower.indexOf("content-length:");
    if (at >= 0) {
      int length = Integer.parseInt(lower.substring(at + 15, lower.indexOf('\r', at)).strip());
      body.write(in.readNBytes(length));
    } else if (lower.contains("transfer-encoding: chunked")) {
      for (int size = Integer.parseInt(line(), 16); size > 0; size = Integer.parseInt(line(), 16)) {
        body.write(in.readNBytes(size));
        line();
      }
    }
    return new Answer(status, head, body.toString(StandardCharsets.UTF_8));
  }

  private String readHead() throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        return null;
      }
      head.append((char) b);
    }
    return head.toString();
  }

  private String line() throws IOException {
    StringBuilder line = new StringBuilder();
    for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
      if (b != '\r') {
        line.append((char) b);
      }
    }
    return line.toString();
  }

  /** Whether the server has closed the connection (a read ends or fails), waiting up to the read timeout. */
  boolean closedByServer() throws IOException {
    try {
      return in.read() < 0;
    } catch (SocketTimeoutException stillOpen) {
      return false;
    } catch (IOException reset) {
      return true;
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
