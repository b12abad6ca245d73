package io.tdx;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One request of the fuzz corpus, written byte for byte: the request line and headers as
 * ISO-8859-1 (so {@code \u00ff} is the byte 0xFF), a {@code Host} header, and a
 * {@code Content-Length} for the body unless the case sets its own framing. {@value #TXN} in the
 * target is replaced by a transaction started for the case.
 */
final class FuzzRequest {
  static final String TXN = "{TXN}";
  private final String method;
  private final String target;
  private final List<String> headers = new ArrayList<>();
  private byte[] body;
  private boolean length = true;
  private byte[] raw;
  private String note = "";

  private FuzzRequest(String method, String target) {
    this.method = method;
    this.target = target;
  }

  static FuzzRequest of(String method, String target) {
    return new FuzzRequest(method, target);
  }

  /** A request given whole (request line, headers and body), for heads no builder would write. */
  static FuzzRequest raw(String summary, String request) {
    FuzzRequest raw = new FuzzRequest("", summary);
    raw.raw = request.getBytes(StandardCharsets.ISO_8859_1);
    return raw;
  }

  FuzzRequest header(String name, String value) {
    headers.add(name + ": " + value);
    return this;
  }

  /** A header line as it is, e.g. one without a colon. */
  FuzzRequest headerLine(String line) {
    headers.add(line);
    return this;
  }

  FuzzRequest body(byte[] bytes) {
    body = bytes;
    return this;
  }

  FuzzRequest body(String text) {
    return body(text.getBytes(StandardCharsets.UTF_8));
  }

  /** No {@code Content-Length} is added: the case's own headers frame the body (or do not). */
  FuzzRequest framedByHeaders() {
    length = false;
    return this;
  }

  /** What the body is, for failure messages (e.g. "0xFF at byte 57"). */
  FuzzRequest note(String text) {
    note = text;
    return this;
  }

  byte[] bytes(String txn) {
    if (raw != null) {
      return raw;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StringBuilder head = new StringBuilder(method).append(' ').append(target.replace(TXN, txn)).append(" HTTP/1.1\r\n")
      .append("Host: 127.0.0.1\r\n");
    headers.forEach(h -> head.append(h).append("\r\n"));
    if (body != null && length) {
      head.append("Content-Length: ").append(body.length).append("\r\n");
    }
    head.append("\r\n");
    out.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    if (body != null) {
      out.writeBytes(body);
    }
    return out.toByteArray();
  }

  /** One line: method, target, the headers that matter and the body's size, non-printable bytes escaped. */
  String summary() {
    if (raw != null) {
      String text = printable(new String(raw, StandardCharsets.ISO_8859_1));
      return "raw " + target + ": " + (text.length() > 160 ? text.substring(0, 160) + "..." : text);
    }
    StringBuilder summary = new StringBuilder(method).append(' ').append(printable(shorten(target, 200)));
    for (String header : headers) {
      summary.append(" [").append(printable(shorten(header, 80))).append(']');
    }
    if (body != null) {
      summary.append(" body ").append(body.length).append(" bytes");
    }
    return summary.append(note.isEmpty() ? "" : " (" + note + ")").toString();
  }

  private static String shorten(String text, int max) {
    return text.length() > max ? text.substring(0, max) + "...(" + text.length() + " chars)" : text;
  }

  static String printable(String text) {
    StringBuilder out = new StringBuilder();
    for (char c : text.toCharArray()) {
      if (c < 0x20 || c >= 0x7f) {
        out.append(c > 0xff ? String.format(Locale.ROOT, "\\u%04X", (int) c) : String.format(Locale.ROOT, "\\x%02X", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
