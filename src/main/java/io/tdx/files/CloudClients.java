package io.tdx.files;

import com.google.cloud.storage.Storage;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * The object-store clients a server uses for {@code s3://} and {@code gs://} URIs. A null client
 * is built from the configuration ({@code files.s3}, {@code files.gcs}) and the standard
 * environment when first needed, and closed with the server; a client given here is the
 * embedder's, used as it is and never closed by the server.
 *
 * @param s3  an S3 client, e.g. with the embedder's own credentials provider
 * @param gcs a Google Cloud Storage client
 */
public record CloudClients(S3AsyncClient s3, Storage gcs) {
  /** Every client built from the configuration. */
  public static final CloudClients FROM_CONFIGURATION = new CloudClients(null, null);
}
