package io.tdx.files;

import io.tdx.config.FilesConfig.S3Config;
import io.tdx.problem.ProblemException;
import java.io.InputStream;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClientBuilder;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * {@code s3://bucket/key} through the AWS SDK's asynchronous client. Imports stream the object
 * (the SDK hands it over chunk by chunk as it is read); exports are multipart uploads
 * ({@link S3Upload}) completed only when published, aborted otherwise, so the object appears
 * whole or not at all. Without {@code files.overwrite}, an existing object is a {@code 409}, and
 * the completion is conditional on there being none.
 */
final class S3Files implements FileStore {
  private final S3Config config;
  private final boolean overwrite;
  private final Supplier<S3AsyncClient> client;
  private final java.time.Duration connectTimeout;
  private final java.time.Duration idleTimeout;

  /** @param client the embedder's client, or null to build one from the configuration when first needed */
  S3Files(S3Config config, boolean overwrite, S3AsyncClient client, Lazy.Closer closer, java.time.Duration connectTimeout,
          java.time.Duration idleTimeout) {
    this.connectTimeout = connectTimeout;
    this.idleTimeout = idleTimeout;
    this.config = config;
    this.overwrite = overwrite;
    this.client = client != null ? () -> client : closer.lazy(this::build);
  }

  private S3AsyncClient build() {
    S3AsyncClientBuilder builder = S3AsyncClient.builder()
      // bounded waits: connecting (files.httpConnectTimeoutSeconds), and each next byte (files.httpIdleTimeoutSeconds)
      .httpClientBuilder(software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient.builder()
        .connectionTimeout(connectTimeout).readTimeout(idleTimeout).writeTimeout(idleTimeout))
      .region(region())
      .forcePathStyle(config.pathStyle());
    if ("when_required".equals(config.checksums())) {
      builder.requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
    } else if ("when_supported".equals(config.checksums())) {
      builder.requestChecksumCalculation(RequestChecksumCalculation.WHEN_SUPPORTED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_SUPPORTED);
    }
    if (config.endpoint() != null) {
      builder.endpointOverride(URI.create(config.endpoint()));
    }
    if (config.accessKeyId() != null) {
      builder.credentialsProvider(StaticCredentialsProvider.create(
        AwsBasicCredentials.create(config.accessKeyId(), config.secretAccessKey())));
    }
    return builder.build();
  }

  private Region region() {
    if (config.region() != null) {
      return Region.of(config.region());
    }
    try {
      return DefaultAwsRegionProviderChain.builder().build().getRegion();
    } catch (SdkClientException e) {
      return Region.US_EAST_1;
    }
  }

  @Override
  public InputStream open(URI uri) {
    ObjectName name = ObjectName.of(uri, config.buckets());
    return await(uri, client.get().getObject(request -> request.bucket(name.bucket()).key(name.key()),
      AsyncResponseTransformer.toBlockingInputStream()));
  }

  @Override
  public Pending stage(URI uri, Writer writer) throws Exception {
    ObjectName name = ObjectName.of(uri, config.buckets());
    if (!overwrite && exists(uri, name)) {
      throw FileAccess.exists(uri.toString(), "exists");
    }
    S3Upload upload = new S3Upload(client.get(), uri, name, overwrite, (int) config.partSizeBytes());
    try {
      writer.write(upload);
      upload.close();
    } catch (Exception | Error e) {
      upload.discard();
      throw e;
    }
    return upload;
  }

  private boolean exists(URI uri, ObjectName name) {
    try {
      await(uri, client.get().headObject(request -> request.bucket(name.bucket()).key(name.key())));
      return true;
    } catch (ProblemException e) {
      if (e.status() == 404) {
        return false;
      }
      throw e;
    }
  }

  /** The SDK's outcome, or a problem naming what went wrong. */
  static <T> T await(URI uri, CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      throw problem(uri, e.getCause() == null ? e : e.getCause());
    }
  }

  private static ProblemException problem(URI uri, Throwable e) {
    if (e instanceof ProblemException problem) {
      return problem;
    }
    if (e instanceof NoSuchKeyException) {
      return ObjectName.notFound(uri);
    }
    if (e instanceof SdkServiceException service) {
      return ObjectName.refused(uri, service.statusCode(), service.getMessage());
    }
    return ObjectName.unreachable(uri, e);
  }
}
