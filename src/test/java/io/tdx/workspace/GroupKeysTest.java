package io.tdx.workspace;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tdx.service.Column;
import io.tdx.service.ServiceDefinition;
import io.tdx.service.ServiceParser;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("GroupKeys: where a group commit's key checks must run")
class GroupKeysTest {
  static final ServiceDefinition SALES = ServiceParser.parse(new JsonArray().add(new JsonObject()
    .put("prefix", "/sales").put("table", "sales")
    .put("columns", new JsonArray()
      .add(new JsonObject().put("name", "SKU").put("type", "string").put("key", true))
      .add(new JsonObject().put("name", "WEEK").put("type", "float").put("key", true))
      .add(new JsonObject().put("name", "UNITS").put("type", "int"))))).get("/sales");
  static final List<Column> STAGED = SALES.columns();

  @Test
  @DisplayName("distinct keys: no check runs; a key twice in one part marks that table only; in two parts, the group")
  void repeats() {
    GroupKeys keys = new GroupKeys();
    Consumer<Object[]> first = keys.of(SALES, STAGED, 0, 0);
    Consumer<Object[]> second = keys.of(SALES, STAGED, 0, 1);
    first.accept(new Object[] {"A", 1.0, 5L});
    second.accept(new Object[] {"A", 2.0, 5L});
    assertFalse(keys.repeatsWithinPart(0));
    assertFalse(keys.sharedAcrossParts());
    first.accept(new Object[] {"B", 1.0, 5L});
    first.accept(new Object[] {"B", 1.0, 6L});
    assertTrue(keys.repeatsWithinPart(0));
    assertFalse(keys.repeatsWithinPart(1));
    assertFalse(keys.sharedAcrossParts());
    keys.of(SALES, STAGED, 1, 0).accept(new Object[] {"A", 2.0, 7L}); // another table of the same service
    assertTrue(keys.sharedAcrossParts());
    assertFalse(keys.repeatsWithinPart(1));
  }

  @Test
  @DisplayName("-0.0 and 0.0 are one key, as the database sees them")
  void negativeZero() {
    GroupKeys keys = new GroupKeys();
    Consumer<Object[]> part = keys.of(SALES, STAGED, 0, 0);
    part.accept(new Object[] {"A", 0.0, 1L});
    part.accept(new Object[] {"A", -0.0, 1L});
    assertTrue(keys.repeatsWithinPart(0));
  }

  @Test
  @DisplayName("past MAX_KEYS keys, or a key column not staged, every check runs")
  void bounded() {
    GroupKeys keys = new GroupKeys();
    Consumer<Object[]> part = keys.of(SALES, STAGED, 0, 0);
    for (int i = 0; i <= GroupKeys.MAX_KEYS; i++) {
      part.accept(new Object[] {"K" + i, 1.0, 1L});
    }
    assertTrue(keys.repeatsWithinPart(0));
    assertTrue(keys.sharedAcrossParts());
    GroupKeys unstaged = new GroupKeys();
    unstaged.of(SALES, List.of(STAGED.get(0), STAGED.get(2)), 0, 0).accept(new Object[] {"A", 1L});
    assertTrue(unstaged.repeatsWithinPart(0));
    assertTrue(unstaged.sharedAcrossParts());
  }
}
