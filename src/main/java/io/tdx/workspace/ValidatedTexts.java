package io.tdx.workspace;

import io.tdx.load.FieldSyntax;
import io.tdx.load.HeaderMapping;
import io.tdx.service.Check;
import io.tdx.service.Column;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The SQL that validates the texts of a CSV file the engine reads ({@code %s} in {@link #from}:
 * a {@code FROM} item with columns {@code __line}, {@code __bad} and the fields {@code f0, f1...}):
 * each staged column's text of its syntax (unless the Java split checked it), cast to the
 * column's type once, present if required, passing its checks; {@code __ok} says whether the
 * whole row is accepted (no cause given on the way, every column valid).
 *
 * @param from   the {@code FROM} item of the validated rows, with {@code __ok}
 * @param values for each staged column, the expression of its value (valid where {@code __ok})
 * @param texts  the row's cause and texts as a list: {@code [__bad, f0, f1...]}
 */
record ValidatedTexts(String from, List<String> values, String texts) {

  static ValidatedTexts of(HeaderMapping mapping, Dialect dialect, boolean syntaxChecked) {
    List<Column> staged = mapping.staged();
    List<String> accepted = new ArrayList<>(List.of("__bad IS NULL"));
    List<String> casts = new ArrayList<>();
    List<String> values = new ArrayList<>();
    for (int i = 0; i < staged.size(); i++) {
      Column column = staged.get(i);
      String text = "f" + mapping.fieldIndex(i);
      String value = text;
      List<String> valid = new ArrayList<>();
      String pattern = syntaxChecked ? null : FieldSyntax.pattern(column);
      if (pattern != null) {
        valid.add(pattern.isEmpty() ? "FALSE" : "regexp_full_match(" + text + ", " + Sql.literal(pattern) + ")");
      }
      if (FieldSyntax.cast(column.type())) {
        value = "v" + i; // cast once, below
        casts.add("TRY_CAST(" + text + " AS " + dialect.type(column) + ") AS " + value);
        valid.add(value + " IS NOT NULL");
      }
      for (Check check : column.checks()) {
        valid.add(check.sql(value));
      }
      String ok = valid.isEmpty() ? "TRUE" : String.join(" AND ", valid);
      accepted.add(column.required() ? "(" + text + " IS NOT NULL AND " + ok + ")" : "(" + text + " IS NULL OR (" + ok + "))");
      values.add(value);
    }
    String texts = "[__bad, " + IntStream.range(0, mapping.header().size()).mapToObj(k -> "f" + k).collect(Collectors.joining(", ")) + "]";
    String typed = casts.isEmpty() ? "%s" : "(SELECT *, " + String.join(", ", casts) + " FROM %s) typed";
    String from = "(SELECT *, coalesce(" + String.join(" AND ", accepted) + ", FALSE) AS __ok FROM " + typed + ") raw";
    return new ValidatedTexts(from, values, texts);
  }
}
