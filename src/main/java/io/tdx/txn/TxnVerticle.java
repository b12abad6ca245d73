package io.tdx.txn;

import io.tdx.config.TxnConfig;
import io.tdx.files.FileAccess;
import io.micrometer.core.instrument.Meter;
import io.tdx.metrics.TdxMetrics;
import io.tdx.problem.ProblemException;
import io.tdx.worker.Jobs;
import io.tdx.service.ServiceDefinition;
import io.tdx.service.Services;
import io.tdx.stream.ContentDecoding;
import io.tdx.worker.LocalCodec;
import io.tdx.workspace.TxnRecord;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns transactions: each one it starts is reached at an address only this verticle consumes,
 * so a part, a commit, a poll or an abort arriving on any event loop reaches the one owner, and
 * its state needs no lock. At commit it hands the listed parts to the workspace workers as one
 * {@link TransactionJob}. Idle open transactions are aborted on a timer. A finished transaction
 * leaves memory once its record is written, but for the {@code txn.recentDocuments} most recent
 * ones; its spool directory goes when it finishes, and its results are handed to the
 * {@link ResultStore}. In a cluster its transactions are reached from every node (their
 * addresses are cluster-wide; {@link TxnCodec} carries the messages), a body received on
 * another node arrives in {@link TxnRequest.BodyChunk}s, and the first owner of each node
 * ends the transactions of nodes that left the cluster ({@link ClusterTransactions}).
 */
public final class TxnVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(TxnVerticle.class);
  /** Records written by one job at most. */
  private static final int RECORD_BATCH = 500;
  private final String prefix;
  private final TxnAddresses addresses;
  private final Supplier<Services> services;
  private final long drainMillis;
  private final long maxBodyBytes;
  private ClusterTransactions registry;
  private final int index;
  private final int owners;
  private final TxnConfig config;
  private final Jobs jobs;
  private final Path spool;
  private final Path results;
  private final FileAccess files;
  private final Map<String, Transaction> transactions = new HashMap<>();
  private final Map<String, MessageConsumer<TxnRequest>> consumers = new HashMap<>();
  /** Long polls waiting for their transaction to finish, each with the timer that answers it when its wait is over. */
  private final Map<String, List<Waiting>> pollers = new HashMap<>();
  /** Ended transactions whose records are waiting to be written, in order. */
  private final List<Transaction> toRecord = new ArrayList<>();
  private boolean recording;
  /** Finished and recorded transactions still held for quick answers, oldest first. */
  private final LinkedHashMap<String, Transaction> recent = new LinkedHashMap<>();
  private int open;
  private long spooledBytes;
  /** Bytes of part bodies held in memory, under this owner's share of txn.maxMemoryBytes. */
  private long memoryBytes;
  private long sweeper;
  private long lastPurge;
  private long orphanScan;
  private boolean adopting;
  /** The members when the map of unfinished transactions was last looked at for a departed node's. */
  private List<String> lastMembers = List.of();
  private final List<Long> nextScans = new ArrayList<>();
  private long lastScan;
  private TxnJournal journal;
  private final TdxMetrics metrics;
  private final List<Meter> gauges = new ArrayList<>();

  /**
   * @param prefix     this server's prefix for the node's own addresses (the jobs, the result store)
   * @param addresses  the transaction service's addresses (cluster-wide in a cluster)
   * @param services   the services served now, by which a part names its service
   * @param drainMillis in a cluster, how long a stop waits for the transactions this owner holds to finish
   */
  public TxnVerticle(String prefix, TxnAddresses addresses, Supplier<Services> services, int index, int owners, TxnConfig config,
                     Jobs jobs, Path spool, Path results, FileAccess files, long maxBodyBytes, long drainMillis, TdxMetrics metrics) {
    this.maxBodyBytes = maxBodyBytes;
    this.metrics = metrics;
    this.addresses = addresses;
    this.services = services;
    this.drainMillis = drainMillis;
    this.files = files;
    this.results = results;
    this.prefix = prefix;
    this.index = index;
    this.owners = owners;
    this.config = config;
    this.jobs = jobs;
    this.spool = spool;
  }

  @Override
  public Future<?> start() {
    registry = new ClusterTransactions(vertx, addresses.node());
    // a transaction is started by an owner of the node its client reached: the requests that follow it may come there too
    MessageConsumer<TxnRequest> starts = vertx.eventBus().localConsumer(addresses.start(), this::begin);
    MessageConsumer<TxnRequest> listing = vertx.eventBus().localConsumer(addresses.owner(index), this::ownerRequest);
    consumers.put("", starts);
    consumers.put("#list", listing);
    List<Future<Void>> registered = new ArrayList<>(List.of(starts.completion(), listing.completion()));
    if (index == 0) {
      MessageConsumer<TxnRequest> node = vertx.eventBus().consumer(addresses.owners(addresses.node()), this::nodeRequest);
      consumers.put("#node", node);
      registered.add(node.completion());
      if (registry.clustered()) {
        orphanScan = vertx.setPeriodic(1000, id -> adoptOrphans());
      }
    }
    sweeper = vertx.setPeriodic(config.sweepSeconds() * 1000, id -> sweep());
    // read when scraped, from another thread: a value a moment old is what a gauge shows anyway
    String owner = String.valueOf(index);
    gauges.add(metrics.gauge("tdx.transactions.open", "transactions open or committing", () -> open, "owner", owner));
    gauges.add(metrics.gauge("tdx.spool.bytes", "bytes of transaction part bodies spooled to disk", () -> spooledBytes,
      "owner", owner));
    gauges.add(metrics.gauge("tdx.spool.memory.bytes", "bytes of small transaction part bodies held in memory", () -> memoryBytes,
      "owner", owner));
    return TxnJournal.open(vertx, spool.resolve("journal-" + index + ".log"))
      .onSuccess(opened -> journal = opened)
      .compose(v -> Future.all(registered));
  }

  private void begin(Message<TxnRequest> message) {
    if (open >= Math.max(1, config.maxOpen() / owners)) {
      reply(message, TxnReply.refused(new ProblemException(503, "too-many-transactions", "Too many open transactions",
        "the server holds " + config.maxOpen() + " open transactions (txn.maxOpen); commit or abort some, or retry later")
        .with("retryAfter", 1)));
      return;
    }
    TxnRequest.Begin begin = (TxnRequest.Begin) message.body();
    Transaction txn = new Transaction(UUID.randomUUID().toString(), begin.async(), registry.clustered() ? addresses.node() : null,
      begin.lbAsync(), begin.principal());
    transactions.put(txn.id, txn);
    open++;
    journal.started(txn);
    MessageConsumer<TxnRequest> consumer = vertx.eventBus().consumer(addresses.of(txn.id), m -> handle(txn, m));
    consumers.put(txn.id, consumer);
    // its spool directory is made by the first part spooled to a file: small transactions need none
    Future.all(consumer.completion(), registry.opened(txn)).onComplete(done -> {
      if (done.failed()) {
        LOG.warn("transaction {} could not be made known to the cluster", txn.id, done.cause());
        abort(txn, "the server could not make the transaction known to the cluster: " + done.cause().getMessage());
        reply(message, TxnReply.refused(new ProblemException(503, "cluster-unavailable", "Cluster unavailable",
          "the transaction could not be registered in the cluster: " + done.cause().getMessage()).with("retryAfter", 1)));
        return;
      }
      reply(message, TxnReply.of(txn.toJson()));
    });
  }

  private void handle(Transaction txn, Message<TxnRequest> message) {
    String caller = message.headers().get(TxnCodec.CALLER);
    if (caller != null && !caller.equals(txn.principal)) {
      reply(message, TxnReply.refused(TxnRequest.unknownTransaction(txn.id))); // another principal's: as if it were not there
      return;
    }
    txn.lastActivity = Instant.now();
    TxnReply reply;
    try {
      reply = dispatch(txn, message);
    } catch (ProblemException e) {
      reply = TxnReply.refused(e);
    }
    if (reply != null) {
      reply(message, reply);
    }
  }

  private TxnReply dispatch(Transaction txn, Message<TxnRequest> message) {
    TxnRequest request = message.body();
    if (request instanceof TxnRequest.AddPart add) {
      return addPart(txn, add);
    } else if (request instanceof TxnRequest.PartReceived received) {
      return received(txn, received);
    } else if (request instanceof TxnRequest.BodyChunk chunk) {
      return chunk(txn, chunk, message);
    } else if (request instanceof TxnRequest.Fetch fetch) {
      return fetch(txn, fetch, message);
    } else if (request instanceof TxnRequest.Commit commit) {
      return commit(txn, commit);
    } else if (request instanceof TxnRequest.Abort abort) {
      return abort(txn, abort);
    } else if (request instanceof TxnRequest.Cancel cancel) {
      return cancel(txn, cancel);
    } else if (request instanceof TxnRequest.Forget) {
      return forgotten(txn);
    } else if (request instanceof TxnRequest.GetPart get) {
      return part(txn, get.part());
    } else if (request instanceof TxnRequest.PartProgress progress) {
      Part part = existingPart(txn, progress.part());
      if (part.state.arriving()) {
        part.received = Math.max(part.received, progress.bytes());
      }
      return TxnReply.of(new JsonObject().put("bytes", part.received));
    } else if (request instanceof TxnRequest.Poll poll) {
      return poll(txn, poll, message);
    }
    return TxnReply.of(txn.toJson());
  }

  private TxnReply addPart(Transaction txn, TxnRequest.AddPart add) {
    requireOpen(txn, "add a part to");
    if (txn.parts.size() >= config.maxParts()) {
      throw new ProblemException(503, "too-many-parts", "Too many parts",
        "transaction " + txn.id + " already has " + config.maxParts() + " parts (txn.maxParts)").with("retryAfter", 1);
    }
    // a small plain body is held in memory while this owner's share of txn.maxMemoryBytes has room; any other is spooled
    boolean inMemory = add.uri() == null && add.plain() && add.contentLength() >= 0 && !add.method().equals("GET")
      && add.contentLength() <= config.memoryPartBytes()
      && memoryBytes + add.contentLength() <= Math.max(1, config.maxMemoryBytes() / owners);
    long share = Math.max(1, config.maxSpoolBytes() / owners);
    long reserve = Math.max(0, add.contentLength());
    if (!inMemory && !add.method().equals("GET") && spooledBytes + reserve > share) {
      throw new ProblemException(503, "spool-full", "Spool full",
        "the parts waiting for their commits hold " + spooledBytes + " bytes; " + (add.contentLength() < 0 ? "another" : "this "
          + add.contentLength() + "-byte") + " body does not fit under txn.maxSpoolBytes (" + config.maxSpoolBytes()
          + " in all); retry after some transactions finish").with("retryAfter", 5);
    }
    ServiceDefinition service = services.get().byPrefix(add.service()).orElseThrow(() -> new ProblemException(404,
      "unknown-service", "Unknown service", "this node serves no service at " + add.service()).with("service", add.service()));
    String id = txn.nextPartId();
    boolean spooled = !inMemory && !add.method().equals("GET") && (add.uri() == null || files.remote(add.uri()));
    Path body = spooled ? directory(txn).resolve(id + ".csv") : null;
    Part part = new Part(id, service, add.method(), add.options(), body, add.uri());
    part.spooled = body == null ? 0 : reserve;
    spooledBytes += part.spooled;
    part.inMemory = inMemory ? add.contentLength() : 0;
    memoryBytes += part.inMemory;
    txn.spooling |= spooled;
    txn.parts.put(id, part);
    return TxnReply.withFile(part.toJson(txn.id).put("async", txn.async), addresses.node(), body);
  }

  /**
   * A chunk of a body received on another node: appended to the part's spool file (opened by the
   * first chunk) and answered once written; the last one closes the file and checks a coded body.
   */
  private TxnReply chunk(Transaction txn, TxnRequest.BodyChunk chunk, Message<TxnRequest> message) {
    Part part = existingPart(txn, chunk.part());
    if (part.body == null || part.state != PartState.RECEIVING) {
      throw new ProblemException(409, "part-not-receiving", "Part not receiving",
        "part " + part.id + " of transaction " + txn.id + " takes no body now: it is " + part.state);
    }
    if (part.upload == null) {
      part.upload = vertx.fileSystem().mkdirs(part.body.getParent().toString())
        .compose(v -> vertx.fileSystem().open(part.body.toString(), new OpenOptions().setWrite(true).setCreateNew(true)));
    }
    Future<AsyncFile> upload = part.upload;
    part.received += chunk.bytes() == null ? 0 : chunk.bytes().length();
    Future<Void> written = upload.compose(file -> chunk.bytes() == null ? Future.succeededFuture() : file.write(chunk.bytes()));
    if (chunk.last()) {
      written = written.compose(v -> upload.compose(AsyncFile::close))
        .compose(v -> vertx.executeBlocking(() -> {
          ContentDecoding.of(chunk.coding()).verify(part.body, maxBodyBytes);
          return null;
        }, false));
    }
    written.onComplete(done -> reply(message, done.succeeded() ? TxnReply.of(part.toJson(txn.id))
      : TxnReply.refused(spoolFailure(done.cause()))));
    return null;
  }

  /** Why a body from another node could not be spooled, as the node that received it would have said it. */
  private static ProblemException spoolFailure(Throwable failure) {
    ProblemException known = io.tdx.problem.Failures.known(failure);
    return known != null ? known : new ProblemException(500, "spool-failed", "Spool failed",
      "the body could not be written to the spool: " + failure.getMessage());
  }

  /**
   * Checks (a file of this node) or fetches into the spool (a remote file) the URI of a part, on
   * a worker; answers with the part's document once it is READY, or FAILED with why.
   */
  private TxnReply fetch(Transaction txn, TxnRequest.Fetch fetch, Message<TxnRequest> message) {
    Part part = existingPart(txn, fetch.part());
    vertx.executeBlocking(() -> {
      if (part.body != null) {
        java.nio.file.Files.createDirectories(part.body.getParent()); // its transaction's spool directory
      }
      return files.fetch(part.uri, part.body);
    }, false).onComplete(checked -> {
      TxnReply reply;
      try {
        reply = received(txn, new TxnRequest.PartReceived(part.id, checked.succeeded() ? checked.result() : 0,
          checked.succeeded() ? null : checked.cause().getMessage(),
          checked.succeeded() ? 0 : io.tdx.problem.Failures.status(checked.cause())));
      } catch (ProblemException e) {
        reply = TxnReply.refused(e);
      }
      reply(message, reply);
    });
    return null;
  }

  private TxnReply received(Transaction txn, TxnRequest.PartReceived received) {
    Part part = existingPart(txn, received.part());
    if (part.state.arriving()) {
      part.state = received.error() == null ? PartState.READY : PartState.FAILED;
      part.received = received.bytes();
      part.error = received.error();
      part.status = received.error() == null ? part.status : received.status();
      if (part.body != null) {
        spooledBytes += received.bytes() - part.spooled;
        part.spooled = received.bytes();
      }
      part.memory = received.memory();
      if (part.inMemory > 0 && received.memory() == null) {
        unreserve(part); // it never arrived
      }
    }
    if (txn.state == TxnState.COMMITTING && txn.commitList != null) {
      runWhenReady(txn);
    } else if (txn.expected != null) {
      commitWhenAllArrived(txn);
    }
    return TxnReply.of(part.toJson(txn.id).put("async", txn.async));
  }

  private TxnReply commit(Transaction txn, TxnRequest.Commit commit) {
    if (txn.commitList != null) {
      if (commit.sameParts(txn.commitList)) {
        return TxnReply.of(txn.toJson());
      }
      throw new ProblemException(409, "commit-conflict", "Different commit",
        "transaction " + txn.id + " was committed with parts " + txn.commitList + ", not " + commit.parts())
        .with("state", txn.state.name());
    }
    requireOpen(txn, "commit");
    if (commit.parts() == null && !txn.async) {
      return commitCount(txn, commit.count());
    }
    // LogicBlox's client counts every part request it made, refused ones too: an asynchronous list is not counted
    CommitCheck.check(txn, commit.parts(), txn.async ? null : commit.count());
    startCommit(txn, commit.parts());
    return TxnReply.of(txn.toJson());
  }

  /**
   * Synchronous protocol: {@code commit?count=N} runs once N parts have arrived, all of them in
   * the order they were started; parts that do not arrive within the idle timeout abort it.
   */
  private TxnReply commitCount(Transaction txn, Integer count) {
    if (count == null) {
      throw ProblemException.badRequest("bad-commit", "Bad commit",
        "a commit without a list of parts needs ?count=N, the number of parts (synchronous protocol)");
    }
    if (count < 1) {
      throw ProblemException.badRequest("bad-count", "Bad count", "count=" + count
        + ": a synchronous commit runs once count parts have arrived, so count must be at least 1;"
        + " transaction " + txn.id + " has " + txn.parts.size() + " parts so far and stays open").with("count", count);
    }
    if (txn.expected != null && !txn.expected.equals(count)) {
      throw new ProblemException(409, "commit-conflict", "Different commit",
        "transaction " + txn.id + " is already waiting for " + txn.expected + " parts, not " + count);
    }
    txn.expected = count;
    txn.committed = Instant.now();
    commitWhenAllArrived(txn);
    return TxnReply.of(txn.toJson());
  }

  private void commitWhenAllArrived(Transaction txn) {
    if (txn.state != TxnState.OPEN || txn.parts.size() < txn.expected
      || txn.parts.values().stream().anyMatch(p -> p.state.arriving())) {
      return;
    }
    startCommit(txn, txn.parts.keySet().stream().limit(txn.expected).toList());
  }

  private void startCommit(Transaction txn, List<String> parts) {
    txn.commitList = List.copyOf(parts);
    txn.state = TxnState.COMMITTING;
    journal.committing(txn.id);
    if (txn.committed == null) {
      txn.committed = Instant.now();
    }
    for (Part part : txn.parts.values()) {
      if (!txn.commitList.contains(part.id)) {
        part.state = PartState.DISCARDED;
        release(part);
      }
    }
    runWhenReady(txn);
  }

  /** Starts the workspace transaction once every listed part is received; a part that failed fails it. */
  private void runWhenReady(Transaction txn) {
    // parts run in the order the server received them, whatever the order of the list: the list says which
    Set<String> chosen = Set.copyOf(txn.commitList);
    List<Part> listed = txn.parts.values().stream().filter(p -> chosen.contains(p.id)).toList();
    Part failed = listed.stream().filter(p -> p.state == PartState.FAILED).findFirst().orElse(null);
    if (failed != null) {
      finish(txn, TxnState.FAILED, "part " + failed.id + " could not be received: " + failed.error);
      return;
    }
    if (listed.stream().anyMatch(p -> p.state.arriving())) {
      return;
    }
    txn.running = true;
    // in a cluster, the survivors of this node must know it was committing: FAILED, not ABORTED, if it leaves now
    registry.committing(txn).onComplete(marked -> run(txn, listed));
  }

  private void run(Transaction txn, List<Part> listed) {
    listed.forEach(p -> p.resultFile = ResultFiles.of(results, txn.committed, txn.id, p.id));
    List<TransactionJob.Work> work = listed.stream()
      .map(p -> new TransactionJob.Work(p.id, p.service, p.method, p.options, p.body, p.memory, p.uri, p.resultFile,
        p.body != null ? p.spooled : p.inMemory)).toList();
    txn.parts.values().forEach(p -> p.state = p.state == PartState.DISCARDED ? p.state : PartState.READY);
    txn.progress = new CommitProgress();
    jobs.run(new TransactionJob(txn.id, txn.document(), work, files, txn.cancelled, txn.progress)).onComplete(done -> {
      if (done.failed() && txn.cancelled.get()) {
        listed.forEach(p -> {
          p.state = PartState.DISCARDED;
          p.error = "not applied: " + txn.cancelCause;
        });
        finish(txn, TxnState.ABORTED, txn.cancelCause + "; it stopped while it ran and nothing was written");
        return;
      }
      if (done.failed()) {
        LOG.warn("transaction {} failed", txn.id, done.cause());
        int status = done.cause() instanceof ProblemException problem ? problem.status() : 500;
        listed.forEach(p -> {
          p.state = PartState.FAILED;
          p.status = status; // 503 when the database went away, as a request of its own would have had
          p.error = "not applied: " + done.cause().getMessage();
        });
        finish(txn, TxnState.FAILED, "the workspace transaction failed: " + done.cause().getMessage());
        return;
      }
      TransactionJob.Outcome outcome = done.result();
      txn.finished = outcome.finished();
      for (TransactionJob.PartOutcome result : outcome.parts()) {
        Part part = txn.parts.get(result.id());
        part.state = result.state();
        part.status = result.status();
        part.result = result.result();
        part.error = result.error();
      }
      finish(txn, outcome.committed() ? TxnState.COMMITTED : TxnState.FAILED, outcome.cause());
    });
  }

  /** Counts a transaction's end and, when it committed, the rows and bytes its parts moved. */
  private void measure(Transaction txn, TxnState state) {
    metrics.transactionEnded(state.name(), txn.committed == null ? null : java.time.Duration.between(txn.committed, txn.finished));
    if (state != TxnState.COMMITTED) {
      return;
    }
    for (Part part : txn.parts.values()) {
      if (part.result == null) {
        continue;
      }
      if (part.method.equals("GET")) {
        metrics.exported(part.service.prefix(), part.result.getLong("rows", 0L), part.result.getLong("bytes", 0L));
      } else {
        metrics.imported(part.result, part.spooled + part.inMemory);
      }
    }
  }

  /**
   * Ends a transaction. A commit's job has written its record already (with the data, or after
   * the rollback); any other end (an abort, a part that could not be received, a job that
   * failed outright) is recorded here.
   */
  private void finish(Transaction txn, TxnState state, String cause) {
    if (txn.state.finished()) {
      return;
    }
    boolean recorded = txn.finished != null;
    txn.state = state;
    txn.cause = cause;
    if (txn.finished == null) {
      txn.finished = Instant.now();
    }
    open--;
    txn.progress = null;
    measure(txn, state);
    txn.parts.values().forEach(this::unreserve);
    txn.parts.values().stream().filter(part -> part.upload != null).forEach(this::closeUpload);
    removeSpool(txn, 1);
    txn.parts.values().forEach(p -> keepResult(txn, p));
    if (recorded) {
      journal.finished(txn.id);
      retire(txn);
    } else {
      record(txn); // its journal says FINISHED once the record is written: a stop before leaves it to the recovery
    }
    List<Waiting> waiting = pollers.remove(txn.id);
    if (waiting != null) {
      // the timers go too: each would keep the transaction reachable until its wait was over
      waiting.forEach(w -> {
        vertx.cancelTimer(w.timer());
        reply(w.message(), TxnReply.of(txn.toJson()));
      });
    }
  }

  /**
   * Queues the record of a transaction that ended without a commit job (an abort, a part that
   * could not be received); the queue is written in batches, one job at a time. The transaction
   * stays in memory until its record is written, so that no request in between finds nothing.
   */
  private void record(Transaction txn) {
    toRecord.add(txn);
    recordQueued();
  }

  private void recordQueued() {
    if (recording || toRecord.isEmpty()) {
      return;
    }
    List<Transaction> batch = List.copyOf(toRecord.subList(0, Math.min(RECORD_BATCH, toRecord.size())));
    toRecord.subList(0, batch.size()).clear();
    recording = true;
    List<TxnRecord> records = batch.stream()
      .map(t -> RecordJobs.record(t.document())).toList();
    jobs.run(RecordJobs.recordAll(records)).onComplete(done -> {
      recording = false;
      if (done.failed() && done.cause() instanceof ProblemException refused && refused.status() == 503) {
        toRecord.addAll(0, batch); // the workers are saturated: the records wait for them, not lost
        vertx.setTimer(1000, t -> recordQueued());
        return;
      }
      if (done.failed()) {
        LOG.warn("could not record {} finished transactions (first {})", batch.size(), batch.get(0).id, done.cause());
      } else {
        batch.forEach(t -> journal.finished(t.id));
      }
      batch.forEach(this::retire);
      recordQueued();
    });
  }

  /** The bodies were read or are not wanted: the transaction's spool directory goes (once more if a body was still arriving). */
  private void removeSpool(Transaction txn, int retries) {
    if (!txn.spooling) {
      return;
    }
    vertx.fileSystem().deleteRecursive(directory(txn).toString()).onFailure(e -> {
      if (retries > 0) {
        removeSpool(txn, retries - 1);
      } else {
        LOG.warn("could not remove the spool directory of transaction {}", txn.id, e);
      }
    });
  }

  /** A result worth serving is counted by the result store; any other file the commit wrote goes. */
  private void keepResult(Transaction txn, Part part) {
    if (part.resultFile == null) {
      return;
    }
    String file = part.resultFile.toString();
    JsonObject json = part.toJson(txn.id);
    if (!ResultFiles.kept(json)) {
      if (!ResultFiles.headerOnly(json)) { // an import that rejected no row wrote no file
        vertx.fileSystem().delete(file);
      }
      return;
    }
    long minute = ResultFiles.minute(txn.committed);
    vertx.fileSystem().props(file)
      .onSuccess(props -> vertx.eventBus().send(ResultStore.localAddress(prefix), new ResultStore.Added(minute, props.size()),
        LocalCodec.options(30_000)))
      .onFailure(e -> LOG.debug("result of part {} of transaction {} is gone: {}", part.id, txn.id, e.toString()));
  }

  /**
   * The transaction's record is written: it is answered from the workspace from now on, and from
   * memory only while it is among the most recent finished ones.
   */
  private void retire(Transaction txn) {
    txn.recorded = true;
    registry.ended(txn.id);
    recent.put(txn.id, txn);
    int keep = Math.max(1, config.recentDocuments() / owners);
    while (recent.size() > keep) {
      forget(recent.values().iterator().next());
    }
  }

  private void forget(Transaction txn) {
    recent.remove(txn.id);
    transactions.remove(txn.id);
    List<Waiting> waiting = pollers.remove(txn.id);
    if (waiting != null) {
      waiting.forEach(w -> vertx.cancelTimer(w.timer()));
    }
    MessageConsumer<TxnRequest> consumer = consumers.remove(txn.id);
    if (consumer != null) {
      consumer.unregister();
    }
  }

  private TxnReply abort(Transaction txn, TxnRequest.Abort request) {
    if (txn.state == TxnState.ABORTED) {
      return TxnReply.of(txn.toJson());
    }
    if (txn.state == TxnState.COMMITTING && !txn.running && request.reason() != null) {
      abort(txn, request.reason()); // a synchronous part's client left while its siblings were still arriving
      return TxnReply.of(txn.toJson());
    }
    requireOpen(txn, "abort");
    abort(txn, request.reason() == null ? "aborted by the client" : request.reason());
    return TxnReply.of(txn.toJson());
  }

  /**
   * An lb_async request's client gave up on it: aborted at once when it has not started to run,
   * else its job stops at its next read or write of a body or result and rolls back.
   */
  private TxnReply cancel(Transaction txn, TxnRequest.Cancel cancel) {
    String reason = cancel.reason() == null ? "aborted by the client" : cancel.reason();
    if (txn.state == TxnState.OPEN || txn.state == TxnState.COMMITTING && !txn.running) {
      abort(txn, reason);
    } else if (txn.state == TxnState.COMMITTING) {
      txn.cancelCause = reason;
      txn.cancelled.set(true);
    }
    return TxnReply.of(txn.toJson());
  }

  /** A finished transaction's client is done with it: it leaves memory now, its record and results go next. */
  private TxnReply forgotten(Transaction txn) {
    if (!txn.state.finished()) {
      throw new ProblemException(409, "still-running", "Still running", "transaction " + txn.id + " is "
        + txn.state + "; it can be deleted once it has finished").with("state", txn.state.name());
    }
    if (!txn.recorded) {
      throw new ProblemException(503, "not-yet-recorded", "Not yet recorded",
        "transaction " + txn.id + " has finished and its record is being written; retry").with("retryAfter", 1);
    }
    JsonObject document = txn.toJson();
    forget(txn);
    return TxnReply.of(document);
  }

  private void abort(Transaction txn, String cause) {
    txn.parts.values().forEach(p -> p.state = PartState.DISCARDED);
    finish(txn, TxnState.ABORTED, cause); // its spool directory goes with the bodies
  }

  private TxnReply part(Transaction txn, String id) {
    Part part = existingPart(txn, id);
    JsonObject json = part.toJson(txn.id);
    return TxnReply.withFile(json, addresses.node(), ResultFiles.hasCsv(json) ? part.resultFile : null);
  }

  private TxnReply poll(Transaction txn, TxnRequest.Poll poll, Message<TxnRequest> message) {
    if (txn.state.finished() || poll.waitMillis() <= 0) {
      return TxnReply.of(txn.toJson());
    }
    long timer = vertx.setTimer(poll.waitMillis(), t -> {
      List<Waiting> waiting = pollers.get(txn.id);
      if (waiting != null && waiting.removeIf(w -> w.message() == message)) {
        reply(message, TxnReply.of(txn.toJson()));
      }
    });
    pollers.computeIfAbsent(txn.id, k -> new ArrayList<>()).add(new Waiting(message, timer));
    return null;
  }

  private record Waiting(Message<TxnRequest> message, long timer) {
  }

  private void ownerRequest(Message<TxnRequest> message) {
    if (message.body() instanceof TxnRequest.ListAll listing) {
      list(message, listing);
    } else {
      reply(message, TxnReply.of(new JsonObject().put("held", transactions.size()).put("open", open).put("recent", recent.size())));
    }
  }

  private void list(Message<TxnRequest> message, TxnRequest.ListAll listing) {
    Comparator<Transaction> oldest = Comparator.<Transaction, Instant>comparing(t -> t.created).thenComparing(t -> t.id);
    Comparator<Transaction> order = listing.newest() ? oldest.reversed() : oldest;
    JsonArray documents = new JsonArray();
    transactions.values().stream()
      .filter(t -> !t.recorded)
      .filter(t -> listing.state() == null || t.state.name().equals(listing.state()))
      .filter(t -> listing.principal() == null || listing.principal().equals(t.principal))
      .filter(t -> listing.afterCreated() == null || (listing.newest()
        ? t.created.isBefore(listing.afterCreated()) || t.created.equals(listing.afterCreated()) && t.id.compareTo(listing.afterId()) < 0
        : t.created.isAfter(listing.afterCreated()) || t.created.equals(listing.afterCreated()) && t.id.compareTo(listing.afterId()) > 0))
      .sorted(order)
      .limit(listing.limit())
      .forEach(t -> documents.add(t.toJson()));
    reply(message, TxnReply.of(new JsonObject().put("transactions", documents)));
  }

  /** Aborts idle open transactions and purges finished ones (and, now and then, their records) past their retention. */
  private void sweep() {
    Instant now = Instant.now();
    boolean purged = false;
    for (Transaction txn : List.copyOf(transactions.values())) {
      if (txn.state == TxnState.OPEN && txn.lastActivity.plusSeconds(config.idleTimeoutSeconds()).isBefore(now)) {
        abort(txn, "aborted by the server: idle for more than " + config.idleTimeoutSeconds() + " s (txn.idleTimeoutSeconds)");
      } else if (txn.recorded && txn.finished.plusSeconds(config.retentionSeconds()).isBefore(now)) {
        forget(txn);
        purged = true;
      }
    }
    if (purged || (index == 0 && now.toEpochMilli() - lastPurge > 60_000)) {
      purgeRecords(now);
    }
  }

  /** Deletes the workspace records of transactions finished before the retention time (those of earlier runs too). */
  private void purgeRecords(Instant now) {
    lastPurge = now.toEpochMilli();
    Instant before = now.minusSeconds(config.retentionSeconds());
    jobs.run(RecordJobs.purge(before)).onFailure(e -> LOG.warn("could not purge transaction records", e));
  }

  private void requireOpen(Transaction txn, String action) {
    if (txn.state != TxnState.OPEN) {
      throw new ProblemException(409, "transaction-not-open", "Transaction not open",
        "cannot " + action + " transaction " + txn.id + ": it is " + txn.state).with("state", txn.state.name());
    }
  }

  private static Part existingPart(Transaction txn, String id) {
    Part part = txn.parts.get(id);
    if (part == null) {
      throw new ProblemException(404, "unknown-part", "Unknown part", "transaction " + txn.id + " has no part " + id);
    }
    return part;
  }

  private Path directory(Transaction txn) {
    return spool.resolve(txn.id);
  }

  private void deleteQuietly(Path file) {
    if (file != null) {
      vertx.fileSystem().delete(file.toString());
    }
  }

  /** The part's body leaves the spool: its bytes no longer count against txn.maxSpoolBytes. */
  private void release(Part part) {
    deleteQuietly(part.body);
    unreserve(part);
  }

  /** The spool file of a body that came from another node is closed, if its last chunk did not close it (it was cut off). */
  private void closeUpload(Part part) {
    part.upload.onSuccess(file -> {
      try {
        file.close();
      } catch (IllegalStateException closed) {
        // the last chunk closed it
      }
    });
  }

  private void unreserve(Part part) {
    spooledBytes -= part.spooled;
    part.spooled = 0;
    memoryBytes -= part.inMemory;
    part.inMemory = 0;
    part.memory = null;
  }

  private static void reply(Message<TxnRequest> message, TxnReply reply) {
    message.reply(reply, TxnCodec.options(30_000));
  }

  /**
   * A node's owners as one: the first owner of each node asks its siblings (listings, memory) on
   * behalf of any node of the cluster, and merges their answers.
   */
  private void nodeRequest(Message<TxnRequest> message) {
    List<Future<TxnReply>> replies = new ArrayList<>();
    for (int i = 0; i < owners; i++) {
      replies.add(vertx.eventBus().<TxnReply>request(addresses.owner(i), message.body(), TxnCodec.options(30_000))
        .map(Message::body));
    }
    Future.all(new ArrayList<>(replies)).onComplete(all -> {
      if (all.failed()) {
        message.fail(500, "the owners of node " + addresses.node() + " did not all answer: " + all.cause().getMessage());
        return;
      }
      List<JsonObject> answers = replies.stream().map(r -> r.result().document()).toList();
      reply(message, TxnReply.of(message.body() instanceof TxnRequest.ListAll ? joinListings(answers)
        : sumCounts(answers).put("owners", owners)));
    });
  }

  /** The owners' listings as one; the asking node orders, merges with the records and pages them (TxnClient). */
  private static JsonObject joinListings(List<JsonObject> listings) {
    JsonArray documents = new JsonArray();
    listings.forEach(l -> documents.addAll(l.getJsonArray("transactions")));
    return new JsonObject().put("transactions", documents);
  }

  private static JsonObject sumCounts(List<JsonObject> counts) {
    JsonObject sum = new JsonObject().put("held", 0).put("open", 0).put("recent", 0);
    counts.forEach(c -> c.forEach(e -> sum.put(e.getKey(), sum.getInteger(e.getKey()) + (Integer) e.getValue())));
    return sum;
  }

  /**
   * Ends the transactions of nodes that left the cluster: recorded ABORTED (open) or FAILED
   * (committing: the database rolled back the transaction of the connection that dropped),
   * unless their commit's record made it; the first survivor to get there does it, and any
   * other finds them recorded.
   */
  private void adoptOrphans() {
    // the map is read when the members change (once more a few seconds later, as Hazelcast settles), and now and then
    List<String> members = ClusterTransactions.members(vertx);
    long now = System.currentTimeMillis();
    if (!members.equals(lastMembers)) {
      lastMembers = members;
      nextScans.add(now);
      nextScans.add(now + 5_000);
    }
    if (adopting || (nextScans.isEmpty() || nextScans.get(0) > now) && now - lastScan < 30_000) {
      return;
    }
    nextScans.removeIf(at -> at <= now);
    lastScan = now;
    adopting = true;
    registry.orphans().compose(orphans -> {
      if (orphans.isEmpty()) {
        return Future.succeededFuture();
      }
      Instant ended = Instant.now();
      List<TxnRecord> records = orphans.stream().map(o -> {
        String cause = "node " + o.node() + ", which owned the transaction, left the cluster while it was "
          + (o.committing() ? "committing; the database rolled back its work" : "open") + "; nothing of it was written";
        return RecordJobs.record(TxnDocument.unfinished(o.id(), o.async(), o.created(), o.committing(), ended, cause,
          o.principal()));
      }).toList();
      return jobs.run(RecordJobs.recordUnlessRecorded(records)).onSuccess(v -> {
        LOG.warn("ended {} transactions of nodes that left the cluster: {}", orphans.size(),
          orphans.stream().map(o -> o.id() + " (node " + o.node() + ")").toList());
        orphans.forEach(o -> registry.ended(o.id()));
      });
    }).onComplete(done -> {
      adopting = false;
      if (done.failed()) {
        LOG.warn("could not end the transactions of nodes that left the cluster; trying again", done.cause());
        nextScans.add(System.currentTimeMillis() + 1_000);
      }
    });
  }

  /**
   * Leaves: in a cluster, the transactions this owner holds are finished first, within the
   * drain time (their parts and commits still reach it from the other nodes); those still open
   * after it are aborted. A server on its own leaves them to the recovery of its next start.
   */
  @Override
  public Future<?> stop() {
    gauges.forEach(metrics::remove);
    vertx.cancelTimer(sweeper);
    vertx.cancelTimer(orphanScan);
    Future<Void> drained = registry != null && registry.clustered() ? drain(System.currentTimeMillis() + drainMillis)
      : Future.succeededFuture();
    return drained.eventually(() -> Future.all(consumers.values().stream().map(MessageConsumer::unregister).toList()))
      .eventually(() -> journal == null ? Future.succeededFuture() : journal.close());
  }

  private Future<Void> drain(long deadline) {
    boolean busy = transactions.values().stream().anyMatch(t -> !t.state.finished() || !t.recorded);
    if (!busy) {
      return Future.succeededFuture();
    }
    if (System.currentTimeMillis() >= deadline) {
      List.copyOf(transactions.values()).stream().filter(t -> t.state == TxnState.OPEN)
        .forEach(t -> abort(t, "aborted by the server: its node left the cluster and the transaction was not committed in "
          + drainMillis / 1000 + " s"));
      boolean committing = transactions.values().stream().anyMatch(t -> t.state == TxnState.COMMITTING);
      if (!committing && toRecord.isEmpty() && !recording) {
        return Future.succeededFuture();
      }
      if (System.currentTimeMillis() >= deadline + drainMillis) {
        return Future.succeededFuture(); // what still runs is rolled back with the connection; the survivors record it
      }
    }
    Promise<Void> later = Promise.promise();
    vertx.setTimer(100, t -> drain(deadline).onComplete(later));
    return later.future();
  }
}
