package io.tdx.files;

import com.google.cloud.BaseServiceException;
import com.google.cloud.NoCredentials;
import com.google.cloud.ReadChannel;
import com.google.cloud.WriteChannel;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import io.tdx.config.FilesConfig.GcsConfig;
import io.tdx.problem.ProblemException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.channels.Channels;
import java.util.function.Supplier;

/**
 * {@code gs://bucket/object} through the Google Cloud Storage client. Imports stream the object
 * in chunks; exports are resumable uploads, which create the object only when the upload is
 * finished (when the export is published), so a failed export leaves nothing. Without {@code files.overwrite} the upload is
 * conditional on there being no object of that name (and an existing one is a {@code 409}).
 */
final class GcsFiles implements FileStore {
  private static final int CHUNK_BYTES = 2 << 20;
  private final GcsConfig config;
  private final boolean overwrite;
  private final Supplier<Storage> storage;
  private final java.time.Duration connectTimeout;
  private final java.time.Duration idleTimeout;

  /** @param storage the embedder's client, or null to build one from the configuration when first needed */
  GcsFiles(GcsConfig config, boolean overwrite, Storage storage, Lazy.Closer closer, java.time.Duration connectTimeout,
           java.time.Duration idleTimeout) {
    this.connectTimeout = connectTimeout;
    this.idleTimeout = idleTimeout;
    this.config = config;
    this.overwrite = overwrite;
    this.storage = storage != null ? () -> storage : closer.lazy(this::build);
  }

  private Storage build() {
    // bounded waits: connecting, each read; and two attempts of a call within twice the connect timeout and a few
    // seconds, not the client's default of 50 s of retries
    StorageOptions.Builder options = StorageOptions.http()
      .setTransportOptions(com.google.cloud.http.HttpTransportOptions.newBuilder()
        .setConnectTimeout((int) connectTimeout.toMillis()).setReadTimeout((int) idleTimeout.toMillis()).build())
      .setRetrySettings(StorageOptions.getDefaultRetrySettings().toBuilder().setMaxAttempts(2)
        .setTotalTimeoutDuration(connectTimeout.multipliedBy(2).plusSeconds(5)).build());
    String host = config.host() != null ? config.host() : System.getenv("STORAGE_EMULATOR_HOST");
    if (host != null && !host.isBlank()) {
      options.setHost(host.contains("://") ? host : "http://" + host).setCredentials(NoCredentials.getInstance());
    }
    if (config.projectId() != null) {
      options.setProjectId(config.projectId());
    }
    return options.build().getService();
  }

  @Override
  public InputStream open(URI uri) {
    BlobId id = blob(uri);
    Blob blob = call(uri, () -> storage().get(id));
    if (blob == null) {
      throw ObjectName.notFound(uri);
    }
    ReadChannel reader = call(uri, () -> blob.reader());
    reader.setChunkSize(CHUNK_BYTES);
    return new ProblemMapping(Channels.newInputStream(reader), uri);
  }

  /** The resumable upload's last chunk is sent when published: only then does the object exist. */
  @Override
  public Pending stage(URI uri, Writer writer) throws Exception {
    BlobId id = blob(uri);
    if (!overwrite && call(uri, () -> storage().get(id)) != null) {
      throw FileAccess.exists(uri.toString(), "exists");
    }
    BlobInfo info = BlobInfo.newBuilder(id).setContentType(ObjectName.of(uri, config.buckets()).contentType()).build();
    WriteChannel channel = call(uri, () -> overwrite ? storage().writer(info) : storage().writer(info, Storage.BlobWriteOption.doesNotExist()));
    channel.setChunkSize(CHUNK_BYTES);
    OutputStream out = Channels.newOutputStream(channel);
    writer.write(out);
    return new Pending() {
      @Override
      public void publish() {
        call(uri, () -> {
          out.close();
          return null;
        });
      }

      @Override
      public void discard() {
        // an unfinished resumable upload creates no object; the store forgets it
      }
    };
  }

  private Storage storage() {
    return storage.get();
  }

  private BlobId blob(URI uri) {
    ObjectName name = ObjectName.of(uri, config.buckets());
    return BlobId.of(name.bucket(), name.key());
  }

  @FunctionalInterface
  private interface Call<T> {
    T call() throws Exception;
  }

  private static <T> T call(URI uri, Call<T> call) {
    try {
      return call.call();
    } catch (ProblemException e) {
      throw e;
    } catch (Exception e) {
      throw problem(uri, e);
    }
  }

  static ProblemException problem(URI uri, Throwable e) {
    Throwable cause = e;
    while (cause != null && !(cause instanceof BaseServiceException)) {
      cause = cause.getCause();
    }
    if (cause instanceof BaseServiceException service && service.getCode() > 0) {
      return ObjectName.refused(uri, service.getCode(), service.getMessage());
    }
    return ObjectName.unreachable(uri, e);
  }

  /** Reports a failure in the middle of a read as the problem it is. */
  private static final class ProblemMapping extends java.io.FilterInputStream {
    private final URI uri;

    ProblemMapping(InputStream in, URI uri) {
      super(in);
      this.uri = uri;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
      return call(uri, () -> in.read(buffer, offset, length));
    }

    @Override
    public int read() {
      return call(uri, () -> in.read());
    }
  }
}
