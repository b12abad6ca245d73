package io.tdx.service;

/**
 * How a service's CSV is written: the field delimiter, the quote character and the escape
 * character ({@code 0} when quotes are escaped by doubling them, as RFC 4180 does).
 */
public record CsvDialect(char delimiter, char quote, char escape) {

  public boolean hasEscape() {
    return escape != 0;
  }
}
