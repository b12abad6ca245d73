package io.tdx.postgres;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy in front of a database, for tests: every connection it accepts is piped to the
 * target by two threads. {@link #cut} closes every connection and, until {@link #restore()},
 * refuses new ones (closed as soon as accepted, as by a database that went away) or holds them
 * (accepted and never answered, as behind a network that drops packets).
 */
final class TcpProxy implements AutoCloseable {
  private final ServerSocket server;
  private final InetSocketAddress target;
  /** Each accepted connection with the connection it opened to the target. */
  private final Set<Socket[]> links = ConcurrentHashMap.newKeySet();
  /** Connections accepted while the proxy holds new ones. */
  private final Set<Socket> held = ConcurrentHashMap.newKeySet();
  private volatile Outage outage;

  /** What becomes of new connections while the proxy is cut. */
  enum Outage { REFUSED, HELD }

  private TcpProxy(ServerSocket server, InetSocketAddress target) {
    this.server = server;
    this.target = target;
  }

  static TcpProxy start(String host, int port) throws IOException {
    ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    TcpProxy proxy = new TcpProxy(server, new InetSocketAddress(host, port));
    Thread acceptor = new Thread(proxy::accept, "tcp-proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
    return proxy;
  }

  int port() {
    return server.getLocalPort();
  }

  /** The local ports of the connections to the target: the database sees its clients on them ({@code client_port}). */
  List<Integer> upstreamPorts() {
    return links.stream().map(link -> link[1].getLocalPort()).toList();
  }

  /** Closes every connection; new ones are refused or held until {@link #restore()}. */
  void cut(Outage outage) {
    this.outage = outage;
    links.forEach(TcpProxy::close);
    links.clear();
  }

  /** New connections reach the target again; the held ones are closed. */
  void restore() {
    outage = null;
    held.forEach(TcpProxy::closeQuietly);
    held.clear();
  }

  private void accept() {
    while (!server.isClosed()) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      Outage now = outage;
      if (now == Outage.REFUSED) {
        closeQuietly(client);
        continue;
      }
      if (now == Outage.HELD) {
        held.add(client);
        continue;
      }
      try {
        Socket upstream = new Socket(target.getAddress(), target.getPort());
        Socket[] link = {client, upstream};
        links.add(link);
        pipe(link, client, upstream, "up");
        pipe(link, upstream, client, "down");
      } catch (IOException e) {
        closeQuietly(client);
      }
    }
  }

  private void pipe(Socket[] link, Socket from, Socket to, String direction) {
    Thread thread = new Thread(() -> {
      byte[] buffer = new byte[1 << 16];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        for (int n; (n = in.read(buffer)) >= 0; ) {
          out.write(buffer, 0, n);
        }
      } catch (IOException e) {
        // one side closed: the link goes
      } finally {
        close(link);
        links.remove(link);
      }
    }, "tcp-proxy-" + direction + "-" + from.getPort());
    thread.setDaemon(true);
    thread.start();
  }

  private static void close(Socket[] link) {
    closeQuietly(link[0]);
    closeQuietly(link[1]);
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    cut(Outage.REFUSED);
    restore();
  }
}
