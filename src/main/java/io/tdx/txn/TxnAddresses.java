package io.tdx.txn;

/**
 * Event-bus addresses of the transaction service. {@code shared} is the prefix every node of a
 * cluster uses (a unique one for a server on its own); {@code node} names this node (its
 * cluster node id, or {@code local}).
 */
public record TxnAddresses(String shared, String node) {

  /** Where {@link TxnRequest.Begin} goes: an owner of this node takes it, round-robin, and owns the transaction. */
  public String start() {
    return shared + ".txn.start";
  }

  /** The address only the owner of transaction {@code id} consumes, wherever in the cluster it is. */
  public String of(String id) {
    return shared + ".txn.id." + id;
  }

  /** The address of owner number {@code index} of this node. */
  public String owner(int index) {
    return owners(node) + "." + index;
  }

  /** Where a node's first owner answers for all of that node's owners (listings, memory). */
  public String owners(String someNode) {
    return shared + ".node." + someNode + ".owners";
  }

  /** Where a node serves its result files to the others ({@link TxnRequest.ReadResult}). */
  public String results(String someNode) {
    return shared + ".node." + someNode + ".results";
  }
}
