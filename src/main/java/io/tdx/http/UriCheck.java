package io.tdx.http;

import io.tdx.problem.ProblemException;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The query is checked once, before any handler reads a parameter: {@code %} escapes that do not
 * decode ({@code ?a=%2}), escapes that decode to bytes that are not UTF-8 ({@code ?a=%ff}) and a
 * parameter given twice ({@code ?wait=1&wait=2}: which one was meant?) are the client's mistakes,
 * each a {@code 400 bad-parameter} instead of an exception or a silent choice.
 */
final class UriCheck implements Handler<RoutingContext> {

  @Override
  public void handle(RoutingContext ctx) {
    MultiMap params;
    try {
      params = ctx.request().params();
    } catch (IllegalArgumentException e) {
      ctx.fail(badQuery("the query does not decode (" + e.getMessage() + "); a literal % is written %25"));
      return;
    }
    String query = ctx.request().query();
    if (query != null && !decodesToUtf8(query)) {
      ctx.fail(badQuery("the query's % escapes are not UTF-8 (e.g. %ff or an overlong form); text is sent as UTF-8"));
      return;
    }
    for (String name : params.names()) {
      if (params.getAll(name).size() > 1) {
        ctx.fail(badQuery("query parameter " + name + " is given " + params.getAll(name).size() + " times; give it once")
          .with("parameter", name));
        return;
      }
    }
    ctx.next();
  }

  private static ProblemException badQuery(String detail) {
    return ProblemException.badRequest("bad-parameter", "Bad query parameter", detail);
  }

  /** Whether the bytes the escapes stand for, with the plain characters around them, are UTF-8. */
  static boolean decodesToUtf8(String query) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(query.length());
    int plain = 0;
    for (int i = query.indexOf('%'); i >= 0 && i + 2 < query.length(); i = query.indexOf('%', plain)) {
      bytes.writeBytes(query.substring(plain, i).getBytes(StandardCharsets.UTF_8));
      bytes.write(Integer.parseInt(query, i + 1, i + 3, 16)); // the escapes decoded already: two hex digits
      plain = i + 3;
    }
    bytes.writeBytes(query.substring(plain).getBytes(StandardCharsets.UTF_8));
    try {
      StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray()));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }
}
