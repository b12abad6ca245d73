package io.tdx.txn;

import io.tdx.workspace.Workspace;
import io.tdx.workspace.WorkspaceSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At start, before any request: reads the owners' journals and records every transaction they
 * left unfinished (the server stopped or crashed while it was open or committing) as
 * {@code ABORTED} or {@code FAILED} with the reason. Blocking: run it on a worker.
 */
public final class TxnRecovery {
  private static final Logger LOG = LoggerFactory.getLogger(TxnRecovery.class);

  private TxnRecovery() {
  }

  public static int recover(Path spool, Workspace workspace) throws Exception {
    if (!Files.isDirectory(spool)) {
      return 0;
    }
    Map<String, String[]> last = new LinkedHashMap<>();
    Map<String, String[]> opened = new LinkedHashMap<>();
    try (Stream<Path> journals = Files.list(spool)) {
      for (Path journal : journals.filter(p -> p.getFileName().toString().startsWith("journal-")).toList()) {
        for (String line : Files.readAllLines(journal)) {
          String[] fields = line.split(" ");
          if (fields.length >= 2) {
            last.put(fields[1], fields);
            if (fields[0].equals("OPEN")) {
              opened.put(fields[1], fields);
            }
          }
        }
      }
    } catch (IOException e) {
      LOG.warn("cannot read the transaction journals in {}: {}", spool, e.toString());
      return 0;
    }
    try (WorkspaceSession session = workspace.session()) {
      Set<String> recorded = session.recordedTransactions();
      List<String> unfinished = last.keySet().stream().filter(id -> !recorded.contains(id)).toList();
      Instant now = Instant.now();
      session.inTransaction(tx -> {
        for (String id : unfinished) {
          boolean committing = last.get(id)[0].equals("COMMITTING");
          String[] open = opened.get(id);
          TxnDocument document = TxnDocument.unfinished(id, open == null || Boolean.parseBoolean(open[2]),
            open == null || open.length < 4 ? null : created(open[3]), committing, now,
            "the server stopped while the transaction was " + (committing ? "committing" : "open") + "; nothing of it was written",
            open == null || open.length < 5 ? null : java.net.URLDecoder.decode(open[4], java.nio.charset.StandardCharsets.UTF_8));
          tx.record(RecordJobs.record(document));
        }
        return null;
      });
      if (!unfinished.isEmpty()) {
        LOG.info("recorded {} transactions left unfinished by the last stop", unfinished.size());
      }
      return unfinished.size();
    }
  }


  /** A creation time as a journal holds it; null when it holds none readable (a journal from an older version). */
  private static Instant created(String text) {
    try {
      return Instant.parse(text);
    } catch (java.time.format.DateTimeParseException e) {
      return null;
    }
  }
}
