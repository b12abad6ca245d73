package io.tdx.csv;

/**
 * One record of a CSV file: its fields as text and the line it starts on (1 is the header).
 *
 * @param chars the record's length in characters, delimiters and quotes included
 */
public record CsvRecord(long line, String[] fields, long chars) {
}
