package io.tdx.load;

/** What an import does with its rows, by HTTP method. */
public enum ImportMode {
  /** {@code POST}: insert or update by key; absent optional columns keep their values. */
  UPSERT("POST"),
  /** {@code PUT}: afterwards the table holds exactly the file's accepted rows. */
  REPLACE("PUT"),
  /** {@code DELETE}: remove the rows with the file's keys. */
  DELETE("DELETE");

  private final String method;

  ImportMode(String method) {
    this.method = method;
  }

  public String method() {
    return method;
  }

  public static ImportMode ofMethod(String method) {
    for (ImportMode mode : values()) {
      if (mode.method.equals(method)) {
        return mode;
      }
    }
    throw new IllegalArgumentException(method + " is not an import method");
  }
}
