package io.tdx;

import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import io.tdx.files.CloudClients;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;

/**
 * Files by {@code gs://} URI, against the Google client's own local test storage
 * (LocalStorageHelper), handed to the server as an embedder hands its own client.
 */
@DisplayName("Files by gs:// URI, against the Google client's local test storage")
class GcsUriTest extends ObjectStoreUriTest {
  final Storage storage = LocalStorageHelper.getOptions().getService();

  @Override
  CloudClients clients() {
    return new CloudClients(null, storage);
  }

  @Override
  JsonObject configure(JsonObject config) {
    return config.put("files", new JsonObject().put("gcs", new JsonObject().put("buckets", new JsonArray().add(BUCKET))));
  }

  @Override
  String scheme() {
    return "gs";
  }

  @Override
  void put(String bucket, String name, byte[] content) {
    storage.create(BlobInfo.newBuilder(bucket, name).build(), content);
  }

  @Override
  byte[] get(String bucket, String name) {
    Blob blob = storage.get(BlobId.of(bucket, name));
    // the local storage lists an upload in progress as a blob with no generation; a real object always has one
    return blob == null || blob.getGeneration() == null ? null : blob.getContent();
  }
}
