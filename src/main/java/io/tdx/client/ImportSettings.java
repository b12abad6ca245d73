package io.tdx.client;

/**
 * How an import is sent: its method (insert or update by key, replace the table, delete the
 * keys), whether one rejected row fails the whole import, and whether unknown columns are
 * dropped instead of refused. Whether the error file comes back is said by giving a file to
 * save it to.
 *
 * @param method               {@code POST} (upsert), {@code PUT} (replace) or {@code DELETE}
 * @param abortOnError         any rejected row fails the import (422) and nothing is written
 * @param ignoreUnknownColumns drop columns the service does not declare
 */
public record ImportSettings(Method method, boolean abortOnError, boolean ignoreUnknownColumns) {

  /** The HTTP method of an import. */
  public enum Method { POST, PUT, DELETE }

  /** An upsert that keeps the good rows and reports the rejected ones. */
  public static final ImportSettings UPSERT = new ImportSettings(Method.POST, false, false);

  public ImportSettings replace() {
    return new ImportSettings(Method.PUT, abortOnError, ignoreUnknownColumns);
  }

  public ImportSettings delete() {
    return new ImportSettings(Method.DELETE, abortOnError, ignoreUnknownColumns);
  }

  public ImportSettings abortOnError(boolean abort) {
    return new ImportSettings(method, abort, ignoreUnknownColumns);
  }

  public ImportSettings ignoreUnknownColumns(boolean ignore) {
    return new ImportSettings(method, abortOnError, ignore);
  }

  /** The query parameters these settings add to an import's URI. */
  String query() {
    return (abortOnError ? "&abort_on_error=true" : "") + (ignoreUnknownColumns ? "&ignore_unknown_columns=true" : "");
  }
}
