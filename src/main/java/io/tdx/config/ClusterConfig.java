package io.tdx.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Clustered mode (configuration field {@code cluster}): several nodes on one shared workspace,
 * joined by Vert.x's clustered event bus with the embedded Hazelcast cluster manager.
 *
 * @param enabled        whether this node joins a cluster ({@code cluster.enabled}, {@code serve --cluster})
 * @param host           the interface Hazelcast and the event bus bind ({@code TDX_CLUSTER_HOST}, default 127.0.0.1)
 * @param port           this node's Hazelcast port ({@code TDX_CLUSTER_PORT}, default 5701)
 * @param members        the members to join, {@code host:port} each (TCP/IP: multicast is not used;
 *                       {@code TDX_CLUSTER_MEMBERS}, comma-separated)
 * @param failureSeconds how long a silent member is still taken for alive; then the survivors end the
 *                       transactions it owned (default 10)
 * @param requestSeconds how long a request to a transaction's owner waits for its answer (default 10; a long poll
 *                       waits this much longer than its own wait)
 */
public record ClusterConfig(boolean enabled, String host, int port, List<String> members, int failureSeconds,
                            int requestSeconds) {

  public static final ClusterConfig OFF = new ClusterConfig(false, "127.0.0.1", 5701, List.of(), 10, 10);

  static ClusterConfig from(JsonObject json) {
    if (json == null) {
      return OFF;
    }
    List<String> members = new ArrayList<>();
    JsonArray list = json.getJsonArray("members", new JsonArray());
    for (Object member : list) {
      if (!(member instanceof String text) || !text.matches("[^:\\s]+(:\\d{1,5})?")) {
        throw new ConfigException("cluster.members: each member must be \"host:port\", got " + member);
      }
      members.add(text);
    }
    ClusterConfig config = new ClusterConfig(json.getBoolean("enabled", false), json.getString("host", "127.0.0.1"),
      json.getInteger("port", 5701), List.copyOf(members), json.getInteger("failureSeconds", 10),
      json.getInteger("requestSeconds", 10));
    if (config.port < 1 || config.port > 65535) {
      throw new ConfigException("cluster.port must be 1..65535, got " + config.port);
    }
    if (config.failureSeconds < 2 || config.requestSeconds < 1) {
      throw new ConfigException("cluster: failureSeconds must be at least 2 and requestSeconds at least 1");
    }
    return config;
  }

  /** The member list as the environment gives it: {@code host:port,host:port}. */
  static JsonArray parseMembers(String text) {
    JsonArray members = new JsonArray();
    for (String member : text.split(",")) {
      if (!member.isBlank()) {
        members.add(member.strip());
      }
    }
    return members;
  }
}
