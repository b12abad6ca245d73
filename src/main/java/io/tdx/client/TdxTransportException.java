package io.tdx.client;

/** The server could not be reached, or the connection failed before a whole answer arrived. */
public final class TdxTransportException extends TdxException {

  TdxTransportException(String message, Throwable cause) {
    super(message, cause);
  }
}
