package io.tdx.postgres;

import static io.tdx.postgres.ClusterNodes.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

@DisplayName("A node of three dies or leaves: the survivors end or finish its transactions, nothing partial (issue 14)")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterFailureTest extends ThreeNodes {


  /** Polls on {@code node} until the transaction is finished (the survivors may take a moment); its document. */
  private JsonObject awaitFinished(int node, String id) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (true) {
      HttpResponse<String> poll = cluster.send(node, "GET", "/txn/" + id + "/poll?wait=5", null);
      if (poll.statusCode() == 303) {
        return new JsonObject(cluster.send(node, "GET", "/txn/" + id, null).body());
      }
      // 200 while it runs; 503 owner-unavailable (Retry-After) or 504 while its owner's departure is noticed
      assertTrue(poll.statusCode() == 200 || poll.statusCode() == 503 || poll.statusCode() == 504, poll::body);
      assertTrue(System.nanoTime() < deadline, () -> "transaction " + id + " did not finish: " + poll.body());
      Thread.sleep(250);
    }
  }

  @Test
  @Order(1)
  @DisplayName("SIGKILL of the owner of an open transaction: ABORTED by the survivors, its parts not written; the node rejoins")
  void ownerKilledWhileOpen() throws Exception {
    // a finished transaction of the node to die, whose error file is on its disk
    String done = begin(0, true);
    assertStatus(201, cluster.send(1, "POST", "/sales?txn=" + done, ClusterTest.sales("NONE", 1, "KILLDONE", 0)));
    assertStatus(202, cluster.send(2, "POST", "/txn/" + done + "/commit", "[\"p1\"]"));
    assertEquals("COMMITTED", awaitFinished(1, done).getString("state"));
    assertStatus(200, cluster.send(2, "GET", "/txn/" + done + "/p1", null, "Accept", "text/csv"));
    String id = begin(0, true);
    assertStatus(201, cluster.send(1, "POST", "/products?txn=" + id, ClusterTest.products("KO", 10)));
    assertStatus(201, cluster.send(2, "POST", "/sales?txn=" + id, ClusterTest.sales("KO", 10, "KILLOPEN", 5_000)));
    cluster.kill(0);
    JsonObject document = awaitFinished(1, id);
    assertEquals("ABORTED", document.getString("state"), document.encodePrettily());
    assertTrue(document.getString("cause").contains("left the cluster while it was open"), document.encodePrettily());
    HttpResponse<String> commit = cluster.send(2, "POST", "/txn/" + id + "/commit", "[\"p1\", \"p2\"]");
    assertStatus(409, commit);
    assertTrue(commit.body().contains("transaction-not-open"), commit.body());
    assertEquals(0L, cluster.count("SELECT count(*) FROM products WHERE \"SKU\" LIKE 'KO%'"));
    assertEquals(0L, cluster.count("SELECT count(*) FROM sales WHERE \"STORE\" LIKE 'KILLOPEN%'"));
    assertEquals(1L, cluster.count("SELECT count(*) FROM tdx_transactions WHERE id = '" + id + "'"));
    // the error file died with its node: the answer says so
    HttpResponse<String> gone = cluster.send(2, "GET", "/txn/" + done + "/p1", null, "Accept", "text/csv");
    assertStatus(410, gone);
    assertTrue(gone.body().contains("is no longer in the cluster"), gone.body());
    // the node comes back on its data directory and joins again; it answers from the record the survivors wrote
    cluster.restart(0);
    JsonObject again = new JsonObject(cluster.send(0, "GET", "/txn/" + id, null).body());
    assertEquals("ABORTED", again.getString("state"), again.encodePrettily());
    assertEquals(1L, cluster.count("SELECT count(*) FROM tdx_transactions WHERE id = '" + id + "'"));
  }

  @Test
  @Order(2)
  @DisplayName("SIGKILL of the owner while it commits: FAILED by the survivors, the database rolled it back, no row of it")
  void ownerKilledWhileCommitting() throws Exception {
    String id = begin(1, true);
    assertStatus(201, cluster.send(2, "POST", "/products?txn=" + id, ClusterTest.products("KC", 100)));
    // a large part: its commit takes seconds, so the owner dies while the database works on it
    assertStatus(201, cluster.send(0, "POST", "/sales?txn=" + id, ClusterTest.sales("KC", 100, "KILLCOMMIT", 1_000_000)));
    assertStatus(202, cluster.send(2, "POST", "/txn/" + id + "/commit", "[\"p1\", \"p2\"]"));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!activeInsert()) {
      assertTrue(System.nanoTime() < deadline, "the commit's statements never showed in pg_stat_activity");
      Thread.sleep(20);
    }
    cluster.kill(1);
    JsonObject document = awaitFinished(0, id);
    assertEquals("FAILED", document.getString("state"), document.encodePrettily());
    assertTrue(document.getString("cause").contains("left the cluster while it was committing"), document.encodePrettily());
    assertEquals(0L, cluster.count("SELECT count(*) FROM sales WHERE \"STORE\" LIKE 'KILLCOMMIT%'"));
    assertEquals(0L, cluster.count("SELECT count(*) FROM products WHERE \"SKU\" LIKE 'KC%'"));
    cluster.restart(1);
    assertEquals("FAILED", new JsonObject(cluster.send(1, "GET", "/txn/" + id, null).body()).getString("state"));
  }

  /** Whether a backend of the cluster's schema is writing the sales rows (the commit is under way in the database). */
  private boolean activeInsert() throws Exception {
    return cluster.count("SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND pid <> pg_backend_pid()"
      + " AND (query ILIKE '%sales%' OR query ILIKE 'COPY%')") > 0;
  }

  @Test
  @Order(3)
  @DisplayName("SIGTERM of the owner: it finishes its open transaction, whose parts and commit come through the others, then leaves")
  void ownerLeavesGracefully() throws Exception {
    String id = begin(2, true);
    assertStatus(201, cluster.send(0, "POST", "/products?txn=" + id, ClusterTest.products("GL", 10)));
    cluster.terminate(2);
    Thread.sleep(1000); // the node no longer takes requests, but its transactions still take theirs
    assertStatus(201, cluster.send(1, "POST", "/sales?txn=" + id, ClusterTest.sales("GL", 10, "LEAVE", 2_000)));
    assertStatus(202, cluster.send(0, "POST", "/txn/" + id + "/commit", "[\"p1\", \"p2\"]"));
    JsonObject document = awaitFinished(1, id);
    assertEquals("COMMITTED", document.getString("state"), document.encodePrettily());
    assertEquals(2_000L, cluster.count("SELECT count(*) FROM sales WHERE \"STORE\" LIKE 'LEAVE%'"));
    Process leaving = cluster.node(2).process;
    assertTrue(leaving.waitFor(60, TimeUnit.SECONDS), () -> "node 2 did not leave: " + ClusterNodes.tail(cluster.node(2)));
    cluster.awaitMembers(2);
    assertEquals("COMMITTED", new JsonObject(cluster.send(0, "GET", "/txn/" + id, null).body()).getString("state"));
    // its result files were handed over as it left: the error file is still served
    HttpResponse<String> errors = cluster.send(0, "GET", "/txn/" + id + "/p2", null, "Accept", "text/csv");
    assertStatus(200, errors);
    assertTrue(errors.body().contains("NOSUCH,LEAVE0,1,1,1.00,"), errors.body());
  }
}
