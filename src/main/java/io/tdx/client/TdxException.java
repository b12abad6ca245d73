package io.tdx.client;

/**
 * What the client reports when a request does not succeed: the server could not be reached
 * ({@link TdxTransportException}), it answered with a problem document
 * ({@link TdxProblemException}), or a transaction ended without committing
 * ({@link TdxTransactionFailedException}).
 */
public abstract sealed class TdxException extends RuntimeException
  permits TdxTransportException, TdxProblemException, TdxTransactionFailedException {

  TdxException(String message, Throwable cause) {
    super(message, cause);
  }
}
