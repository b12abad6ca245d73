package io.tdx.txn;

import io.tdx.config.TxnConfig;
import io.tdx.worker.LocalCodec;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the part results of all owners ({@link ResultFiles}) under {@code txn.resultBudgetBytes}
 * and {@code txn.resultMaxAgeSeconds}, oldest first. Its bookkeeping is one byte count per
 * minute of commits (at most the minutes of the age limit), not one entry per file; it learns
 * of new results from their owners ({@link Added}), and what it finds at start it scans, so the
 * budget holds across restarts. It answers {@link Removal}: when and why a missing result went.
 */
public final class ResultStore extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ResultStore.class);
  /** Minutes whose removal is remembered, to say when and why a result went. */
  private static final int REMEMBERED = 10_000;
  private final String address;
  private final Path root;
  private final TxnConfig config;
  private final TreeMap<Long, Long> minutes = new TreeMap<>();
  private final TreeMap<Long, Removed> removed = new TreeMap<>();
  private long total;
  private boolean trimming;
  private Instant started;
  private long sweeper;
  private MessageConsumer<Object> consumer;

  /** A new result of {@code bytes} in the minute {@code minute}; sent by an owner when its transaction finishes. */
  public record Added(long minute, long bytes) {
  }

  /** Asks when and why the result {@code file} (named by {@link ResultFiles}) went; replied with {@code {removed, reason}}. */
  public record Removal(Path file) {
  }

  private record Removed(Instant at, String why) {
  }

  /** The result store of a data directory: {@code DATA_DIR/results}, kept across restarts. */
  public static Path root(Path dataDir) {
    return dataDir.resolve("results");
  }

  public ResultStore(String prefix, Path root, TxnConfig config) {
    this.address = TxnAddresses.results(prefix);
    this.root = root;
    this.config = config;
  }

  @Override
  public Future<?> start() {
    started = Instant.now();
    return vertx.executeBlocking(this::scan, false).compose(found -> {
      minutes.putAll(found);
      total = found.values().stream().mapToLong(Long::longValue).sum();
      LOG.info("result store {}: {} bytes in {} minutes of results", root, total, minutes.size());
      consumer = vertx.eventBus().consumer(address, this::handle);
      sweeper = vertx.setPeriodic(config.sweepSeconds() * 1000, id -> sweep());
      sweep();
      return consumer.completion();
    });
  }

  private void handle(Message<Object> message) {
    if (message.body() instanceof Added added) {
      long bytes = Math.max(0, added.bytes());
      minutes.merge(added.minute(), bytes, Long::sum);
      total += bytes;
      sweep();
    } else if (message.body() instanceof Removal removal) {
      message.reply(removal(minute(removal.file())), LocalCodec.options(30_000));
    }
  }

  private static long minute(Path file) {
    try {
      return Long.parseLong(file.getParent().getFileName().toString());
    } catch (RuntimeException notOurs) {
      return -1;
    }
  }

  private JsonObject removal(long minute) {
    if (minute < 0) {
      return new JsonObject().put("removed", null).put("reason", "the result file is no longer in the result store");
    }
    Removed known = removed.get(minute);
    if (known != null) {
      return new JsonObject().put("removed", known.at().toString()).put("reason", known.why());
    }
    Instant expiry = Instant.ofEpochSecond((minute + 1) * 60 + config.resultMaxAgeSeconds());
    if (!expiry.isAfter(Instant.now())) {
      return new JsonObject().put("removed", expiry.toString()).put("reason", ageReason());
    }
    if (minute * 60 < started.getEpochSecond()) {
      return new JsonObject().put("removed", null).put("reason",
        "removed before the server started at " + started + " (by the budget or age limit of an earlier run)");
    }
    return new JsonObject().put("removed", null).put("reason", "the result file is no longer in the result store");
  }

  private String ageReason() {
    return "older than txn.resultMaxAgeSeconds (" + config.resultMaxAgeSeconds() + " s)";
  }

  /** Removes expired minutes, then the oldest results while the store is over its budget: one trim at a time. */
  private void sweep() {
    if (trimming || minutes.isEmpty()) {
      return;
    }
    long oldest = minutes.firstKey();
    boolean expired = (oldest + 1) * 60 + config.resultMaxAgeSeconds() <= Instant.now().getEpochSecond();
    if (!expired && total <= config.resultBudgetBytes()) {
      return;
    }
    String why = expired ? ageReason()
      : "to keep the results under txn.resultBudgetBytes (" + config.resultBudgetBytes() + " bytes), oldest first";
    long excess = expired ? Long.MAX_VALUE : total - config.resultBudgetBytes();
    trimming = true;
    Path dir = root.resolve(Long.toString(oldest));
    vertx.executeBlocking(() -> trim(dir, excess), false).onComplete(done -> {
      trimming = false;
      long before = minutes.getOrDefault(oldest, 0L);
      long left = done.succeeded() ? done.result() : 0;
      total -= before - left;
      if (left == 0) {
        minutes.remove(oldest);
      } else {
        minutes.put(oldest, left);
      }
      remember(oldest, why);
      if (done.failed()) {
        LOG.warn("could not remove results in {}", dir, done.cause());
      }
      sweep();
    });
  }

  private void remember(long minute, String why) {
    removed.put(minute, new Removed(Instant.now(), why));
    while (removed.size() > REMEMBERED) {
      removed.pollFirstEntry();
    }
  }

  /**
   * Blocking: deletes the files of one minute, oldest first, until {@code excess} bytes are gone;
   * returns the bytes left in it. An emptied directory goes too (a commit still writing into it
   * creates it again).
   */
  private static long trim(Path dir, long excess) throws IOException {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    List<Path> files;
    try (Stream<Path> listed = Files.list(dir)) {
      files = listed.sorted(Comparator.comparingLong(ResultStore::modified)).toList();
    }
    long freed = 0;
    long left = 0;
    for (Path file : files) {
      long size = size(file);
      if (freed < excess) {
        Files.deleteIfExists(file);
        freed += size;
      } else {
        left += size;
      }
    }
    if (left == 0) {
      try {
        Files.deleteIfExists(dir);
      } catch (IOException stillWritten) {
        // a result arrived meanwhile: the minute stays, counted when its owner reports it
      }
    }
    return left;
  }

  /** Blocking: the bytes of each minute found on disk. */
  private Map<Long, Long> scan() throws IOException {
    Files.createDirectories(root);
    Map<Long, Long> found = new TreeMap<>();
    try (Stream<Path> dirs = Files.list(root)) {
      for (Path dir : dirs.filter(Files::isDirectory).toList()) {
        long minute;
        try {
          minute = Long.parseLong(dir.getFileName().toString());
        } catch (NumberFormatException notOurs) {
          continue;
        }
        try (Stream<Path> files = Files.list(dir)) {
          found.put(minute, files.mapToLong(ResultStore::size).sum());
        }
      }
    }
    return found;
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException gone) {
      return 0;
    }
  }

  private static long modified(Path file) {
    try {
      return Files.getLastModifiedTime(file).toMillis();
    } catch (IOException gone) {
      return 0;
    }
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(sweeper);
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }
}
