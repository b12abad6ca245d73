package io.tdx.txn;

import io.tdx.config.TxnConfig;
import io.tdx.problem.ProblemException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.OpenOptions;
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
 * budget holds across restarts. It answers {@link TxnRequest.ResultRemoval} (when and why a
 * missing result went) and {@link TxnRequest.ReadResult} (a chunk of a result), from this node
 * or another node of the cluster.
 */
public final class ResultStore extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ResultStore.class);
  /** Minutes whose removal is remembered, to say when and why a result went. */
  private static final int REMEMBERED = 10_000;
  private final String address;
  private final String nodeAddress;
  private final TxnAddresses addresses;
  private final long handOverMillis;
  private final Path root;
  private final TxnConfig config;
  private final TreeMap<Long, Long> minutes = new TreeMap<>();
  private final TreeMap<Long, Removed> removed = new TreeMap<>();
  private long total;
  private boolean trimming;
  private Instant started;
  private long sweeper;
  private MessageConsumer<Object> consumer;
  private MessageConsumer<TxnRequest> reads;

  /** A new result of {@code bytes} in the minute {@code minute}; sent by an owner when its transaction finishes. */
  public record Added(long minute, long bytes) {
  }

  private record Removed(Instant at, String why) {
  }

  /** The result store of a data directory: {@code DATA_DIR/results}, kept across restarts. */
  public static Path root(Path dataDir) {
    return dataDir.resolve("results");
  }

  /** Where this node's owners tell it of new results ({@link Added}). */
  public static String localAddress(String prefix) {
    return prefix + ".txn.results";
  }

  /**
   * @param handOverMillis in a cluster, how long a stop may take to hand the results over to another member
   */
  public ResultStore(String prefix, TxnAddresses addresses, Path root, TxnConfig config, long handOverMillis) {
    this.addresses = addresses;
    this.handOverMillis = handOverMillis;
    this.address = localAddress(prefix);
    this.nodeAddress = addresses.results(addresses.node());
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
      consumer = vertx.eventBus().localConsumer(address, this::handle);
      reads = vertx.eventBus().consumer(nodeAddress, this::serve);
      sweeper = vertx.setPeriodic(config.sweepSeconds() * 1000, id -> sweep());
      sweep();
      return Future.all(consumer.completion(), reads.completion());
    });
  }

  private void handle(Message<Object> message) {
    if (message.body() instanceof Added added) {
      long bytes = Math.max(0, added.bytes());
      minutes.merge(added.minute(), bytes, Long::sum);
      total += bytes;
      sweep();
    }
  }

  /** A result's removal, or a chunk of it, for this node or another one. */
  private void serve(Message<TxnRequest> message) {
    if (message.body() instanceof TxnRequest.ResultRemoval removal) {
      message.reply(TxnReply.of(removal(minute(Path.of(removal.file())))), TxnCodec.options(30_000));
    } else if (message.body() instanceof TxnRequest.StoreResult store) {
      store(store).onComplete(done -> message.reply(done.succeeded() ? TxnReply.of(new JsonObject())
        : TxnReply.refused(new ProblemException(500, "result-not-stored", "Result not stored", "result " + store.file()
          + " could not be stored: " + done.cause().getMessage())), TxnCodec.options(30_000)));
    } else if (message.body() instanceof TxnRequest.DeleteResult delete) {
      delete(delete.file()).onComplete(done -> message.reply(done.succeeded() ? TxnReply.of(new JsonObject().put("deleted", done.result()))
        : TxnReply.refused(new ProblemException(500, "result-not-deleted", "Result not deleted", "result " + delete.file()
          + " could not be deleted: " + done.cause().getMessage())), TxnCodec.options(30_000)));
    } else if (message.body() instanceof TxnRequest.ReadResult read) {
      read(read).onComplete(done -> message.reply(done.succeeded() ? done.result() : TxnReply.refused(
        new ProblemException(404, "result-missing", "Result missing", "result " + read.file() + " cannot be read: "
          + done.cause().getMessage())), TxnCodec.options(30_000)));
    }
  }

  /** A result file named {@code MINUTE/NAME} (or a full path, of which those are the last two names) in this store. */
  private Path local(String name) {
    Path given = Path.of(name);
    if (given.getParent() == null || given.getParent().getFileName() == null) {
      throw new IllegalArgumentException("not a file of the result store: " + name);
    }
    String minute = given.getParent().getFileName().toString();
    Long.parseLong(minute); // a minute, nothing else
    return root.resolve(minute).resolve(given.getFileName().toString());
  }

  /** Up to one chunk of a file of this store, with the file's size. */
  private Future<TxnReply> read(TxnRequest.ReadResult read) {
    Path file;
    try {
      file = local(read.file());
    } catch (IllegalArgumentException notOurs) {
      return Future.failedFuture(notOurs);
    }
    if (read.offset() < 0) {
      return Future.failedFuture(new IllegalArgumentException("offset " + read.offset()));
    }
    return vertx.fileSystem().open(file.toString(), new OpenOptions().setRead(true).setWrite(false).setCreate(false))
      .compose(opened -> opened.size()
        .compose(size -> opened.read(Buffer.buffer(), 0, read.offset(),
            (int) Math.max(0, Math.min(TxnRequest.ReadResult.CHUNK, size - read.offset())))
          .map(bytes -> new TxnReply(new JsonObject().put("size", size), null, null, bytes, null)))
        .eventually(opened::close));
  }

  /** Deletes a result file its client is done with; its bytes leave the budget. True when there was one. */
  private Future<Boolean> delete(String name) {
    Path file;
    try {
      file = local(name);
    } catch (IllegalArgumentException notOurs) {
      return Future.failedFuture(notOurs);
    }
    return vertx.fileSystem().props(file.toString())
      .compose(props -> vertx.fileSystem().delete(file.toString()).map(v -> {
        long minute = minute(file);
        long counted = minutes.getOrDefault(minute, 0L);
        long freed = Math.min(props.size(), counted); // never more than its minute counted
        if (counted - freed > 0) {
          minutes.put(minute, counted - freed);
        } else {
          minutes.remove(minute);
        }
        total -= freed;
        return true;
      }), absent -> Future.succeededFuture(false));
  }

  /** Writes a chunk of a result handed over by a node that leaves; the last one counts it against this store's budget. */
  private Future<Void> store(TxnRequest.StoreResult store) {
    Path file = local(store.file());
    Future<Void> written = vertx.fileSystem().mkdirs(file.getParent().toString())
      .compose(v -> vertx.fileSystem().open(file.toString(), new OpenOptions().setWrite(true).setCreate(true)
        .setTruncateExisting(store.offset() == 0)))
      .compose(opened -> opened.write(store.bytes() == null ? Buffer.buffer() : store.bytes(), store.offset())
        .eventually(opened::close));
    return !store.last() ? written : written.compose(v -> vertx.fileSystem().props(file.toString())).map(props -> {
      minutes.merge(minute(file), props.size(), Long::sum);
      total += props.size();
      sweep();
      return null;
    });
  }

  /**
   * In a cluster, a node that leaves hands its result files over to another member, within the
   * time given, so that they are still served once it is gone; the cluster notes where they went.
   */
  private Future<Void> handOver() {
    List<String> others = ClusterTransactions.members(vertx).stream().filter(n -> !n.equals(addresses.node())).sorted().toList();
    if (others.isEmpty()) {
      return Future.succeededFuture();
    }
    String target = others.get(0);
    long deadline = System.currentTimeMillis() + handOverMillis;
    return vertx.executeBlocking(this::files, false).compose(files -> {
      Future<Void> chain = Future.succeededFuture();
      for (Path file : files) {
        chain = chain.compose(v -> System.currentTimeMillis() > deadline ? Future.succeededFuture() : send(file, 0, target));
      }
      return chain.compose(v -> new ClusterTransactions(vertx, addresses.node()).resultsMoved(addresses.node(), target))
        .onSuccess(v -> LOG.info("handed {} result files over to node {}", files.size(), target));
    });
  }

  private Future<Void> send(Path file, long offset, String target) {
    String name = file.getParent().getFileName() + "/" + file.getFileName();
    return read(new TxnRequest.ReadResult(name, offset)).compose(chunk -> {
      long size = chunk.document().getLong("size");
      long next = offset + chunk.data().length();
      boolean last = next >= size || chunk.data().length() == 0;
      return vertx.eventBus().request(addresses.results(target), new TxnRequest.StoreResult(name, offset, chunk.data(), last),
          TxnCodec.options(10_000)) // a target that does not answer ends the hand-over, not the stop's bound
        .compose(v -> last ? Future.succeededFuture() : send(file, next, target));
    });
  }

  /** Blocking: every result file of this store. */
  private List<Path> files() throws IOException {
    try (Stream<Path> tree = Files.walk(root, 2)) {
      return tree.filter(Files::isRegularFile).filter(f -> !f.getParent().equals(root)).toList();
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
    Future<Void> handedOver = vertx.isClustered() ? handOver().recover(e -> {
      LOG.warn("could not hand the result files over to another node", e);
      return Future.succeededFuture();
    }) : Future.succeededFuture();
    return handedOver.eventually(() -> Future.all(consumer == null ? Future.succeededFuture() : consumer.unregister(),
      reads == null ? Future.succeededFuture() : reads.unregister()));
  }
}
