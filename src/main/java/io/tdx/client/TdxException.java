package io.tdx.client;

/**
 * What the client reports when a request does not succeed: the server could not be reached
 * ({@link TdxTransportException}), it answered with a problem document
 * ({@link TdxProblemException}), a transaction ended without committing
 * ({@link TdxTransactionFailedException}), or it committed but an export could not be saved
 * ({@link TdxExportNotSavedException}).
 */
public abstract sealed class TdxException extends RuntimeException
  permits TdxTransportException, TdxProblemException, TdxTransactionFailedException, TdxExportNotSavedException {

  TdxException(String message, Throwable cause) {
    super(message, cause);
  }
}
