package io.tdx.files;

import java.io.OutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * An export on its way to S3 as a multipart upload whose completion waits for
 * {@link #publish()}: parts of {@code partSize} bytes go up while the export is written (one
 * uploading while the next fills, so at most two parts are in memory), and the object appears
 * only when the upload is completed; {@link #discard()} aborts it and nothing appears. We drive
 * the upload ourselves because the SDK's own multipart upload completes as soon as its input
 * ends, and a transaction publishes its exports only once every part has succeeded.
 */
final class S3Upload extends OutputStream implements FileStore.Pending {
  private final S3AsyncClient client;
  private final URI uri;
  private final ObjectName name;
  private final boolean overwrite;
  private final List<CompletedPart> parts = new ArrayList<>();
  private byte[] filling;
  private byte[] spare;
  private int filled;
  private String uploadId;
  private CompletableFuture<?> uploading = CompletableFuture.completedFuture(null);

  S3Upload(S3AsyncClient client, URI uri, ObjectName name, boolean overwrite, int partSize) {
    this.client = client;
    this.uri = uri;
    this.name = name;
    this.overwrite = overwrite;
    this.filling = new byte[partSize];
    this.spare = new byte[partSize];
  }

  @Override
  public void write(int b) {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] bytes, int offset, int length) {
    while (length > 0) {
      int n = Math.min(length, filling.length - filled);
      System.arraycopy(bytes, offset, filling, filled, n);
      filled += n;
      offset += n;
      length -= n;
      if (filled == filling.length) {
        sendPart();
      }
    }
  }

  /** Sends the last part and waits for every part to be stored; the upload stays incomplete. */
  @Override
  public void close() {
    if (filled > 0 || parts.isEmpty()) {
      sendPart();
    }
    S3Files.await(uri, uploading);
  }

  private void sendPart() {
    if (uploadId == null) {
      uploadId = S3Files.await(uri, client.createMultipartUpload(request -> request.bucket(name.bucket()).key(name.key())
        .contentType(name.contentType()))).uploadId();
    }
    S3Files.await(uri, uploading); // the spare buffer is free once its part is stored
    int number = parts.size() + 1;
    parts.add(null);
    uploading = client.uploadPart(request -> request.bucket(name.bucket()).key(name.key()).uploadId(uploadId).partNumber(number)
        .contentLength((long) filled), AsyncRequestBody.fromByteBufferUnsafe(ByteBuffer.wrap(filling, 0, filled)))
      .thenAccept(response -> parts.set(number - 1, CompletedPart.builder().partNumber(number).eTag(response.eTag())
        .checksumCRC32(response.checksumCRC32()).checksumCRC32C(response.checksumCRC32C()).checksumSHA1(response.checksumSHA1())
        .checksumSHA256(response.checksumSHA256()).checksumCRC64NVME(response.checksumCRC64NVME()).build()));
    byte[] sent = filling;
    filling = spare;
    spare = sent;
    filled = 0;
  }

  @Override
  public void publish() {
    S3Files.await(uri, client.completeMultipartUpload(request -> {
      request.bucket(name.bucket()).key(name.key()).uploadId(uploadId).multipartUpload(upload -> upload.parts(parts));
      if (!overwrite) {
        request.ifNoneMatch("*");
      }
    }));
  }

  @Override
  public void discard() {
    if (uploadId != null) {
      uploading.exceptionally(e -> null)
        .thenCompose(v -> client.abortMultipartUpload(request -> request.bucket(name.bucket()).key(name.key()).uploadId(uploadId)))
        .exceptionally(e -> null)
        .join();
    }
  }
}
