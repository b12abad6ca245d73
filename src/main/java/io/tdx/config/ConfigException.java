package io.tdx.config;

/** A configuration that cannot be served: the message names the service and the field. */
public class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}
