package io.tdx.workspace;

import io.tdx.service.Column;
import io.tdx.service.ServiceDefinition;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The keys of a group commit's rows, seen in Java as they are staged, so that the set-based key
 * checks run only where a key repeats: duplicates within a part (marked in SQL, with their lines)
 * and keys written by two parts (which refuse the group). Up to {@link #MAX_KEYS} keys; past
 * them it stops looking and says that every check must run, as if keys repeated everywhere.
 */
final class GroupKeys {
  static final int MAX_KEYS = 100_000;
  /** For each service, each key and the first part (shape index, part index) that holds it. */
  private final Map<ServiceDefinition, Map<List<Object>, Long>> owners = new HashMap<>();
  private final Set<Integer> repeatedInShape = new HashSet<>();
  private boolean shared;
  private int count;
  private boolean overflow;

  /** What sees the valid rows (their values in the order of {@code staged}) of part {@code part} of staging table {@code shape}. */
  Consumer<Object[]> of(ServiceDefinition service, List<Column> staged, int shape, int part) {
    int[] columns = service.keys().stream().mapToInt(staged::indexOf).toArray();
    if (Arrays.stream(columns).anyMatch(c -> c < 0)) {
      overflow = true; // a key column not staged: not for this class to judge
    }
    return values -> {
      if (overflow) {
        return;
      }
      add(service, shape, part, key(values, columns));
    };
  }

  /**
   * A value as a key compares in the database: -0.0 is 0, and decimals of one value but another
   * scale are one key.
   */
  static Object comparable(Object value) {
    if (value instanceof Double d && d == 0.0) {
      return 0.0d;
    }
    if (value instanceof BigDecimal decimal) {
      return decimal.signum() == 0 ? BigDecimal.ZERO : decimal.stripTrailingZeros();
    }
    return value;
  }

  /** The key of a row's values: the comparable values at {@code columns}. */
  static List<Object> key(Object[] values, int[] columns) {
    Object[] key = new Object[columns.length];
    for (int i = 0; i < columns.length; i++) {
      key[i] = comparable(values[columns[i]]);
    }
    return Arrays.asList(key);
  }

  private void add(ServiceDefinition service, int shape, int part, List<Object> key) {
    if (++count > MAX_KEYS) {
      overflow = true;
      owners.clear();
      return;
    }
    long owner = (long) shape << 32 | part;
    Long first = owners.computeIfAbsent(service, s -> new HashMap<>()).putIfAbsent(key, owner);
    if (first == null) {
      return;
    }
    if (first == owner) {
      repeatedInShape.add(shape);
    } else {
      shared = true;
    }
  }

  /** Whether a part staged in this table may hold a key twice. */
  boolean repeatsWithinPart(int shape) {
    return overflow || repeatedInShape.contains(shape);
  }

  /** Whether two parts (of one table or of two tables of a service) may hold the same key. */
  boolean sharedAcrossParts() {
    return overflow || shared;
  }
}
