package io.tdx.txn;

/** Event-bus addresses of the transaction service of one server (its unique prefix). */
public final class TxnAddresses {
  private TxnAddresses() {
  }

  /** Where {@link TxnRequest.Begin} goes: any owner takes it, round-robin, and owns the transaction. */
  public static String start(String prefix) {
    return prefix + ".txn.start";
  }

  /** The address only the owner of transaction {@code id} consumes. */
  public static String of(String prefix, String id) {
    return prefix + ".txn.id." + id;
  }

  /** The address of owner number {@code index}, for listings. */
  public static String owner(String prefix, int index) {
    return prefix + ".txn.owner." + index;
  }

  /** The address of the result store ({@link ResultStore}). */
  public static String results(String prefix) {
    return prefix + ".txn.results";
  }
}
