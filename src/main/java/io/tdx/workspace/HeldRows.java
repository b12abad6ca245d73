package io.tdx.workspace;

import io.tdx.load.CauseCode;
import io.tdx.load.ErrorSink;
import io.tdx.load.HeaderMapping;
import io.tdx.load.RowError;
import io.tdx.service.Column;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.stream.Collectors;

/**
 * The validated rows of a small group commit's parts that share a service and a header, held in
 * memory instead of a staging table: the set-based checks run on them in Java, and the database
 * sees them only as the parameters of the statements that check references and write them. Each
 * row keeps the mark of its rejection, as a staging table's {@code __code} and {@code __cause}.
 */
final class HeldRows implements RowSink {
  /** One row: its part (an index among the parts of these rows), CSV line, values in staged order and rejection. */
  static final class Row {
    final int txn;
    final int part;
    final long line;
    final Object[] values;
    CauseCode code;
    String cause;
    /** Whether the rejection was found while staging (a duplicate key), not by a check of the merge. */
    boolean rejectedStaged;

    Row(int txn, int part, long line, Object[] values) {
      this.txn = txn;
      this.part = part;
      this.line = line;
      this.values = values;
    }

    boolean accepted() {
      return code == null;
    }

    void reject(CauseCode code, String cause) {
      this.code = code;
      this.cause = cause;
    }
  }

  private final List<Row> rows = new ArrayList<>();

  @Override
  public void add(int txn, int part, long line, Object[] values) {
    rows.add(new Row(txn, part, line, values.clone()));
  }

  @Override
  public void finish() {
    // held rows need no loading
  }

  @Override
  public void close() {
    // nothing outside memory
  }

  List<Row> rows() {
    return rows;
  }

  /**
   * Rejects every row whose key appears more than once in its part, as {@link Stager#markDuplicateKeys}
   * does in SQL, with the same cause: the smallest {@link Stager#LINES_SHOWN} lines and how many
   * more. Returns the rows rejected.
   */
  long markDuplicateKeys(List<Column> staged, List<Column> keys) {
    int[] columns = keys.stream().mapToInt(staged::indexOf).toArray();
    Map<List<Object>, List<Row>> byKey = new HashMap<>();
    for (Row row : rows) {
      List<Object> key = new ArrayList<>(GroupKeys.key(row.values, columns));
      key.add(row.part);
      byKey.computeIfAbsent(key, k -> new ArrayList<>(1)).add(row);
    }
    String names = keys.stream().map(Column::name).collect(Collectors.joining(", "));
    long marked = 0;
    for (List<Row> same : byKey.values()) {
      if (same.size() < 2) {
        continue;
      }
      String lines = same.stream().mapToLong(r -> r.line).sorted().limit(Stager.LINES_SHOWN)
        .mapToObj(Long::toString).collect(Collectors.joining(", "));
      String cause = "key (" + names + ") appears on lines " + lines
        + (same.size() > Stager.LINES_SHOWN ? " and " + (same.size() - Stager.LINES_SHOWN) + " more" : "");
      for (Row row : same) {
        row.reject(CauseCode.DUPLICATE_KEY, cause);
        row.rejectedStaged = true;
        marked++;
      }
    }
    return marked;
  }

  /**
   * Forgets the rejections of an earlier attempt at the merge (a workspace transaction run
   * again), as a staging table's marks are rolled back with it; those found while staging stay.
   */
  void resetToStaged() {
    for (Row row : rows) {
      if (!row.rejectedStaged) {
        row.reject(null, null);
      }
    }
  }

  /** Appends the rejected rows to the error file of their part, in part and line order, as {@link Merger#reportRejected} does. */
  void reportRejected(HeaderMapping mapping, IntFunction<ErrorSink> errorsOfPart) {
    List<Column> columns = mapping.staged();
    rows.stream().filter(row -> !row.accepted())
      .sorted(Comparator.<Row>comparingInt(row -> row.part).thenComparingLong(row -> row.line))
      .forEach(row -> {
        String[] fields = new String[mapping.header().size()];
        for (int i = 0; i < columns.size(); i++) {
          fields[mapping.fieldIndex(i)] = columns.get(i).format(row.values[i]);
        }
        errorsOfPart.apply(row.part).add(new RowError(row.line, fields, row.cause, row.code));
      });
  }
}
