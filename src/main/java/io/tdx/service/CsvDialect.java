package io.tdx.service;

/**
 * How a service's CSV is written: the field delimiter, the quote character and the escape
 * character ({@code 0}, or the quote itself, when quotes are escaped by doubling them, as RFC
 * 4180 does). With an escape character (LogicBlox's dialect), the escape makes the character
 * after it literal, whatever it is ({@code \t} is {@code t}), and quotes are never doubled.
 */
public record CsvDialect(char delimiter, char quote, char escape) {

  public boolean hasEscape() {
    return escape != 0 && escape != quote;
  }
}
