package io.tdx.client;

/** One part of a transaction sent in one call: an import from a source, or an export to a target. */
public sealed interface PartSpec {

  String service();

  record Import(String service, CsvSource source, ImportSettings settings) implements PartSpec {
  }

  record Export(String service, CsvTarget target) implements PartSpec {
  }

  static PartSpec importing(String service, CsvSource source, ImportSettings settings) {
    return new Import(service, source, settings);
  }

  static PartSpec exporting(String service, CsvTarget target) {
    return new Export(service, target);
  }
}
