package io.tdx.load;

import io.tdx.problem.ProblemException;
import java.util.Locale;
import java.util.function.Function;

/**
 * The query parameters of an import.
 *
 * @param abortOnError         {@code abort_on_error}: any rejected row fails the whole import
 * @param returnErrors         {@code return_errors}: when the error file is the response body
 * @param ignoreUnknownColumns {@code ignore_unknown_columns}: drop columns the service does not declare
 */
public record ImportOptions(boolean abortOnError, ReturnErrors returnErrors, boolean ignoreUnknownColumns) {

  /** {@code return_errors=1|0|on_error}. */
  public enum ReturnErrors { ALWAYS, NEVER, ON_ERROR }

  /** Reads the options from query parameters; a bad value is a {@code 400} naming it. */
  public static ImportOptions from(Function<String, String> query) {
    return new ImportOptions(
      flag(query, "abort_on_error"),
      returnErrors(query.apply("return_errors")),
      flag(query, "ignore_unknown_columns"));
  }

  /** A flag parameter: {@code true}, {@code 1}, {@code yes} or empty; {@code false}, {@code 0}, {@code no}; absent is false. */
  public static boolean flag(Function<String, String> query, String name) {
    String value = query.apply(name);
    if (value == null) {
      return false;
    }
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "true", "1", "yes", "" -> true;
      case "false", "0", "no" -> false;
      default -> throw badParameter(name, value, "true or false");
    };
  }

  private static ReturnErrors returnErrors(String value) {
    if (value == null) {
      return ReturnErrors.ON_ERROR;
    }
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "1", "true", "yes" -> ReturnErrors.ALWAYS;
      case "0", "false", "no" -> ReturnErrors.NEVER;
      case "on_error" -> ReturnErrors.ON_ERROR;
      default -> throw badParameter("return_errors", value, "1, 0 or on_error");
    };
  }

  static ProblemException badParameter(String name, String value, String expected) {
    return ProblemException.badRequest("bad-parameter", "Bad query parameter",
      "query parameter " + name + "=" + value + " must be " + expected).with("parameter", name);
  }
}
