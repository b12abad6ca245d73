package io.tdx.workspace;

import io.tdx.service.Column;
import io.tdx.service.ColumnType;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The SQL an engine speaks where engines differ. The engine-neutral staging, merging, schema
 * and record code builds its statements from these pieces; everything else it writes is SQL
 * both engines accept.
 */
public interface Dialect {

  /** A declared column's SQL type, spelled as the engine's catalog reports it back. */
  String type(Column column);

  /** The type of the transaction records' timestamps. */
  String timestampType();

  /**
   * A query of one parameter (a table name, matched case-insensitively) returning the table's
   * columns in order: name, type (spelled as {@link #type}) and whether it is nullable ({@code YES}).
   */
  String columnsQuery();

  /**
   * An expression: one 64-bit hash of the columns (equal for equal values), or null where the
   * engine has none cheaper to group by than the columns themselves.
   */
  default String hash(String columns) {
    return null;
  }

  /** An expression: an array of the {@code n} smallest values of {@code column} in a group. */
  String smallest(String column, int n);

  /** An expression: the creation time of a transaction record, from its JSON {@code document}, else {@code finished}. */
  String createdOf(String document, String finished);

  /**
   * Whether service tables have real primary keys: an upsert is then one {@code INSERT ... ON
   * CONFLICT} and references are foreign keys; without them rows are merged by deleting the
   * matched ones and inserting their new versions.
   */
  boolean enforcesKeys();

  /**
   * Has {@code statement} planned for the values and table sizes of each run, never from a plan
   * kept from earlier runs. For a statement run once per small group whose best plan changes as
   * its tables grow: a plan kept from when a table was small (or its statistics stale, where
   * nothing analyzes it) reads the whole table on every run.
   */
  /**
   * Serializes the workspace's schema changes across processes (the nodes of a cluster start at
   * once): held until the connection's transaction ends. Nothing to do where one process owns
   * the workspace.
   */
  default void lockSchema(java.sql.Connection connection) throws SQLException {
  }

  default void planEachRun(PreparedStatement statement) throws SQLException {
  }

  /** Reads a column's typed value (null for SQL NULL) as {@link Column#parse} would produce it. */
  default Object read(ResultSet rows, int index, ColumnType type) throws SQLException {
    return Sql.read(rows, index, type);
  }
}
