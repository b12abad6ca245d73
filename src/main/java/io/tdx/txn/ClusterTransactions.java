package io.tdx.txn;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's unfinished transactions, each with the node that owns it, in a cluster-wide map
 * (Hazelcast keeps a backup of each entry on another member): an owner adds a transaction when
 * it starts it, marks it when it commits it and removes it once its record is written. When a
 * node leaves the cluster without finishing its transactions, the survivors find them here
 * ({@link #orphans}) and record how they ended. On a server of its own, nothing is kept.
 */
public final class ClusterTransactions {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterTransactions.class);
  static final String MAP = "tdx.txn.unfinished";
  /** Nodes that left the cluster and the member each handed its result files to. */
  static final String MOVED = "tdx.results.moved";
  private final Vertx vertx;
  private final String node;
  private final Future<AsyncMap<String, String>> map;

  /** A transaction whose owner is no longer a member. */
  public record Orphan(String id, String node, boolean async, Instant created, boolean committing, String principal) {
  }

  public ClusterTransactions(Vertx vertx, String node) {
    this.vertx = vertx;
    this.node = node;
    this.map = vertx.isClustered() ? vertx.sharedData().getClusterWideMap(MAP) : null;
  }

  /** The members' node ids: this node alone when it is not clustered. */
  public static List<String> members(Vertx vertx) {
    return vertx.isClustered() ? ((VertxInternal) vertx).clusterManager().getNodes() : List.of();
  }

  /** This node's id in the cluster; {@code local} when it is not clustered. */
  public static String nodeId(Vertx vertx) {
    return vertx.isClustered() ? ((VertxInternal) vertx).clusterManager().getNodeId() : "local";
  }

  boolean clustered() {
    return map != null;
  }

  Future<Void> opened(Transaction txn) {
    return put(txn, false);
  }

  Future<Void> committing(Transaction txn) {
    return put(txn, true);
  }

  private Future<Void> put(Transaction txn, boolean committing) {
    if (map == null) {
      return Future.succeededFuture();
    }
    String entry = new JsonObject().put("node", node).put("async", txn.async).put("created", txn.created.toString())
      .put("committing", committing).put("principal", txn.principal).encode();
    return map.compose(m -> m.put(txn.id, entry));
  }

  /** The transaction is recorded: it leaves the map. */
  void ended(String id) {
    if (map != null) {
      map.compose(m -> m.remove(id)).onFailure(e -> LOG.warn("could not remove transaction {} from the cluster's map", id, e));
    }
  }

  /** The transactions of nodes that are no longer members. */
  Future<List<Orphan>> orphans() {
    if (map == null) {
      return Future.succeededFuture(List.of());
    }
    return map.compose(AsyncMap::entries).map(entries -> {
      Set<String> members = new HashSet<>(members(vertx));
      return entries.entrySet().stream()
        .map(e -> {
          JsonObject entry = new JsonObject(e.getValue());
          return new Orphan(e.getKey(), entry.getString("node"), entry.getBoolean("async"),
            Instant.parse(entry.getString("created")), entry.getBoolean("committing"), entry.getString("principal"));
        })
        .filter(o -> !members.contains(o.node()))
        .toList();
    });
  }

  /**
   * The member that holds the result files of {@code node}: the node itself, or, once it left
   * the cluster, the member it handed them over to (and so on, a few times at most).
   */
  public Future<String> resultsHolder(String node) {
    if (map == null || members(vertx).contains(node)) {
      return Future.succeededFuture(node);
    }
    return vertx.sharedData().<String, String>getClusterWideMap(MOVED).compose(moved -> follow(moved, node, 5));
  }

  private Future<String> follow(AsyncMap<String, String> moved, String node, int hops) {
    return moved.get(node).compose(next -> next == null || hops == 0 || members(vertx).contains(next) ? Future.succeededFuture(
      next == null ? node : next) : follow(moved, next, hops - 1));
  }

  /** {@code from} handed its result files over to {@code to} as it left. */
  public Future<Void> resultsMoved(String from, String to) {
    return vertx.sharedData().<String, String>getClusterWideMap(MOVED).compose(moved -> moved.put(from, to));
  }

  /** Whether the transaction is unfinished somewhere in the cluster (its owner may have left it). */
  public Future<Boolean> unfinished(String id) {
    return map == null ? Future.succeededFuture(false) : map.compose(m -> m.get(id)).map(entry -> entry != null);
  }
}
