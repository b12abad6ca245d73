package io.tdx.http;

import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Closes the connections that wait on their client for longer than {@code limits.connectionIdleSeconds}:
 * one with no request in progress (kept alive, or sending a request head slowly), or whose
 * request's body or answer has not moved for that long. A request the server itself is working
 * on (its body read, its answer not begun: a large import being merged) is never cut, however
 * long it takes; Netty's idle timeout would close it after the same time with nothing sent.
 * Confined to one HTTP verticle's event loop.
 */
final class IdleConnections {
  private final long idleMillis;
  private final Map<HttpConnection, Watched> connections = new HashMap<>();

  /** What a connection has in progress, and since when it has not moved. */
  private static final class Watched {
    final List<HttpServerRequest> requests = new ArrayList<>(1);
    long bytes;
    long quietSince;

    Watched(long now) {
      quietSince = now;
    }
  }

  IdleConnections(long idleMillis) {
    this.idleMillis = idleMillis;
  }

  /** How often {@link #check} should run: often enough to close a connection within a fifth past its time. */
  long checkEveryMillis() {
    return Math.max(100, Math.min(10_000, idleMillis / 5));
  }

  void opened(HttpConnection connection) {
    connections.put(connection, new Watched(System.currentTimeMillis()));
    connection.closeHandler(v -> connections.remove(connection));
  }

  /** A request begins on its connection; the finished ones go now, so a connection holds at most one it no longer needs. */
  void started(HttpServerRequest request) {
    Watched watched = connections.get(request.connection());
    if (watched != null) {
      watched.requests.removeIf(IdleConnections::finished);
      watched.requests.add(request);
    }
  }

  private static boolean finished(HttpServerRequest request) {
    return request.response().ended() || request.response().closed();
  }

  /** Closes every connection that has waited on its client for too long. */
  void check() {
    long now = System.currentTimeMillis();
    for (Map.Entry<HttpConnection, Watched> entry : List.copyOf(connections.entrySet())) {
      Watched watched = entry.getValue();
      watched.requests.removeIf(IdleConnections::finished);
      long bytes = 0;
      boolean serverWorking = false;
      for (HttpServerRequest request : watched.requests) {
        bytes += request.bytesRead() + request.response().bytesWritten();
        serverWorking |= request.isEnded() && !request.response().headWritten();
      }
      if (serverWorking || bytes != watched.bytes) {
        watched.bytes = bytes;
        watched.quietSince = now;
      } else if (now - watched.quietSince >= idleMillis) {
        connections.remove(entry.getKey());
        entry.getKey().close();
      }
    }
  }
}
