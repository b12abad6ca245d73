package io.tdx.workspace;

import io.tdx.config.Limits;
import io.tdx.csv.CsvRowReader;
import io.tdx.load.ErrorSink;
import io.tdx.load.HeaderMapping;
import io.tdx.load.ImportMode;
import io.tdx.problem.ProblemException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Stages the imports of several transactions at once: each part is parsed and validated as a
 * single import's would be, its rows appended to the staging table of its service and header
 * (one row sink for all the parts that share it), duplicate keys marked within each part.
 */
final class GroupStager {
  private final Stager stager;
  private final Limits limits;
  private final Supplier<String> tableNames;

  GroupStager(Stager stager, Limits limits, Supplier<String> tableNames) {
    this.stager = stager;
    this.limits = limits;
    this.tableNames = tableNames;
  }

  /**
   * The staged group, or null when a part's header or body is refused (that part fails on its
   * own). {@code held}: its rows stay in memory ({@link HeldRows}), with no staging table.
   */
  StagedGroup stage(List<List<GroupPart>> transactions, boolean held) throws Exception {
    StagedGroup group = new StagedGroup(held);
    GroupKeys keys = new GroupKeys();
    Map<List<Object>, StagedGroup.Shape> shapes = new HashMap<>();
    List<RowSink> sinks = new ArrayList<>(); // one for each shape, at its index
    try {
      for (int txn = 0; txn < transactions.size(); txn++) {
        List<StagedGroup.Member> members = new ArrayList<>();
        group.transactions.add(members);
        for (GroupPart part : transactions.get(txn)) {
          if (part.request().mode() != ImportMode.UPSERT) {
            group.closeQuietly();
            return null;
          }
          try (CsvRowReader reader = new CsvRowReader(part.csv(), part.request().service().dialect(), limits.maxLineChars(),
            limits.maxFields())) {
            HeaderMapping mapping = HeaderMapping.of(reader.next(), part.request(), limits.maxHeaderChars());
            List<Object> key = List.of(part.request().service().prefix(), mapping.header(),
              part.request().options().ignoreUnknownColumns());
            StagedGroup.Shape shape = shapes.get(key);
            if (shape == null) {
              HeldRows rows = held ? new HeldRows() : null;
              shape = new StagedGroup.Shape(group.shapes.size(), part.request().service(), mapping,
                held ? null : tableNames.get(), rows, new ArrayList<>());
              shapes.put(key, shape);
              group.shapes.add(shape);
              if (held) {
                sinks.add(rows);
              } else {
                stager.create(shape.table(), mapping.staged());
                sinks.add(stager.smallRows(shape.table(), mapping.staged()));
              }
            }
            ErrorSink errors = new ErrorSink(part.errorFile(), part.request().service().dialect(), mapping.header(),
              limits.summaryErrors());
            int index = shape.members().size();
            long read;
            try {
              read = stager.load(sinks.get(shape.index()), reader, shape.mapping(), errors, txn, index,
                keys.of(shape.service(), shape.mapping().staged(), shape.index(), index), part.request().rowsRead());
            } catch (Exception e) {
              errors.close();
              throw e;
            }
            StagedGroup.Member member = new StagedGroup.Member(txn, shape.index(), index, part.request(), read, errors);
            members.add(member);
            shape.members().add(member);
          }
        }
      }
      for (RowSink sink : sinks) {
        sink.finish();
      }
      for (StagedGroup.Shape shape : group.shapes) {
        if (!held) {
          stager.staged(shape.table(), shape.members().stream().mapToLong(StagedGroup.Member::read).sum());
        }
        if (!keys.repeatsWithinPart(shape.index())) {
          continue;
        }
        long marked = held ? shape.held().markDuplicateKeys(shape.mapping().staged(), shape.service().keys())
          : stager.markDuplicateKeys(shape.table(), shape.service().keys());
        if (marked > 0) {
          group.marked.add(shape.index());
        }
      }
      group.keysMayBeShared = keys.sharedAcrossParts();
      for (StagedGroup.Shape shape : group.shapes) {
        for (StagedGroup.Member member : shape.members()) {
          member.errors().markStaged();
        }
      }
      return group;
    } catch (ProblemException e) {
      group.closeQuietly();
      return null;
    } catch (Exception | Error e) {
      group.closeQuietly();
      throw e;
    } finally {
      for (RowSink sink : sinks) {
        sink.close();
      }
    }
  }
}
