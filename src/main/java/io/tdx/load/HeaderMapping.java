package io.tdx.load;

import io.tdx.csv.CsvRecord;
import io.tdx.problem.ProblemException;
import io.tdx.service.Column;
import io.tdx.service.ServiceDefinition;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * How a file's header maps onto a service's columns: which declared columns the file carries
 * (in declared order, as they are staged) and at which field of each record. A header that
 * cannot be imported is a {@code 400} naming the column.
 */
public final class HeaderMapping {
  private final List<String> header;
  private final List<Column> staged;
  private final int[] fieldIndex;

  private HeaderMapping(List<String> header, List<Column> staged, int[] fieldIndex) {
    this.header = header;
    this.staged = staged;
    this.fieldIndex = fieldIndex;
  }

  public static HeaderMapping of(CsvRecord record, ImportRequest request, int maxHeaderChars) {
    if (record == null) {
      throw ProblemException.badRequest("empty-body", "No header row",
        "the body is empty: a CSV file starts with a header row naming its columns");
    }
    if (record.chars() > maxHeaderChars) {
      throw ProblemException.badRequest("header-too-long", "Header row too long",
        "the header row has " + record.chars() + " characters, more than " + maxHeaderChars + " (limits.maxHeaderChars)");
    }
    List<String> header = names(record.fields());
    ServiceDefinition service = request.service();
    Set<String> seen = new HashSet<>();
    for (String name : header) {
      if (!seen.add(name)) {
        throw column("duplicate-column", "Duplicate column", "column " + name + " appears twice in the header", name);
      }
      if (service.column(name).isEmpty() && !request.options().ignoreUnknownColumns()) {
        throw column("unknown-column", "Unknown column", "column " + name + " is not a column of " + service.prefix()
          + " (columns: " + String.join(", ", service.columnNames()) + "; ignore_unknown_columns=true drops it)", name);
      }
    }
    List<Column> staged = new ArrayList<>();
    List<Integer> indexes = new ArrayList<>();
    for (Column column : service.columns()) {
      int index = header.indexOf(column.name());
      boolean needed = column.key() || (column.required() && request.mode() != ImportMode.DELETE);
      if (index < 0 && needed) {
        throw column("missing-column", "Missing column", "required column " + column.name() + " of "
          + service.prefix() + " is not in the header", column.name());
      }
      if (index >= 0 && (column.key() || request.mode() != ImportMode.DELETE)) {
        staged.add(column);
        indexes.add(index);
      }
    }
    return new HeaderMapping(header, List.copyOf(staged), indexes.stream().mapToInt(Integer::intValue).toArray());
  }

  private static List<String> names(String[] fields) {
    List<String> names = new ArrayList<>(Arrays.asList(fields));
    if (!names.isEmpty() && names.get(0) != null && names.get(0).startsWith("\uFEFF")) {
      names.set(0, names.get(0).substring(1));
    }
    return names.stream().map(n -> n == null ? "" : n.strip()).toList();
  }

  private static ProblemException column(String type, String title, String detail, String column) {
    return ProblemException.badRequest(type, title, detail).with("column", column);
  }

  /** The file's column names, as given. */
  public List<String> header() {
    return header;
  }

  /** The declared columns the file carries, in declared order. */
  public List<Column> staged() {
    return staged;
  }

  /** The record field of the i-th staged column. */
  public int fieldIndex(int i) {
    return fieldIndex[i];
  }

  public boolean carries(Column column) {
    return staged.contains(column);
  }
}
