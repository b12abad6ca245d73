package io.tdx.csv;

import io.tdx.problem.ProblemException;

/** CSV that cannot be read any further: an unclosed quote, a record past the size limits, bytes that are not UTF-8. */
public final class MalformedCsvException extends ProblemException {
  public MalformedCsvException(String type, long line, String detail) {
    super(400, type, "Malformed CSV", "line " + line + ": " + detail);
    with("line", line);
  }
}
