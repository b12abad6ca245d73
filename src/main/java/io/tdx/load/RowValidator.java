package io.tdx.load;

import io.tdx.csv.CsvRecord;
import io.tdx.service.Column;
import java.util.Arrays;
import java.util.List;

/**
 * Turns a CSV record into typed values of the staged columns, or into a {@link RowError}
 * saying why it was rejected (field count, missing value, type, check).
 */
public final class RowValidator {
  private final HeaderMapping mapping;
  private final List<Column> columns;
  private final int width;

  public RowValidator(HeaderMapping mapping) {
    this.mapping = mapping;
    this.columns = mapping.staged();
    this.width = mapping.header().size();
  }

  /** Fills {@code values} (one per staged column) and returns null, or returns the rejection. */
  public RowError validate(CsvRecord record, Object[] values) {
    String[] fields = record.fields();
    if (fields.length != width) {
      return new RowError(record.line(), Arrays.copyOf(fields, width),
        "expected " + width + " fields, found " + fields.length, CauseCode.WRONG_FIELD_COUNT);
    }
    for (int i = 0; i < columns.size(); i++) {
      Column column = columns.get(i);
      String text = fields[mapping.fieldIndex(i)];
      if (text == null || text.isEmpty()) {
        if (column.required()) {
          return new RowError(record.line(), fields, column.name() + " is required", CauseCode.MISSING_VALUE);
        }
        values[i] = null;
        continue;
      }
      Object value;
      try {
        value = column.parse(text);
      } catch (IllegalArgumentException e) {
        return new RowError(record.line(), fields, column.name() + ": " + e.getMessage(), CauseCode.INVALID_VALUE);
      }
      String violation = column.violation(value);
      if (violation != null) {
        return new RowError(record.line(), fields, violation + " (got " + text + ")", CauseCode.CHECK_FAILED);
      }
      values[i] = value;
    }
    return null;
  }
}
