package io.tdx;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import io.vertx.core.json.JsonObject;

/** HTTP/1.1 written by hand on a socket, for request lines a client library would re-encode or refuse. */
record RawExchange(int status, Map<String, String> headers, String body) {

  /** Sends {@code requestLine} with a Host header and {@code Connection: close}, and reads the answer to its end. */
  static RawExchange send(int port, String requestLine) throws IOException {
    return sendHead(port, requestLine + "\r\nHost: localhost\r\nConnection: close\r\n\r\n");
  }

  /** Sends a whole request head as given and reads the answer to its end. */
  static RawExchange sendHead(int port, String head) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(20_000);
      socket.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      return read(socket.getInputStream());
    }
  }

  /** Reads one answer: its head, then its body up to Content-Length (or to the end of the stream). */
  static RawExchange read(InputStream in) throws IOException {
    RawExchange head = readHead(in);
    String length = head.header("Content-Length");
    byte[] body = length == null ? in.readAllBytes() : in.readNBytes(Integer.parseInt(length));
    return new RawExchange(head.status(), head.headers(), new String(body, StandardCharsets.UTF_8));
  }

  /** Reads the head of one answer (an interim {@code 100 Continue} too), leaving its body unread. */
  static RawExchange readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("the connection closed inside the answer's head: " + head.toString(StandardCharsets.ISO_8859_1));
      }
      head.write(b);
    }
    String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
    Map<String, String> headers = new TreeMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.put(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).strip());
    }
    return new RawExchange(Integer.parseInt(lines[0].split(" ")[1]), headers, "");
  }

  String header(String name) {
    return headers.get(name.toLowerCase(Locale.ROOT));
  }

  JsonObject json() {
    return new JsonObject(body);
  }
}
