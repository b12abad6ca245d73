package io.tdx.load;

/** Why a row was rejected: the stable {@code CAUSE_CODE} column of an error file. */
public enum CauseCode {
  /** A required column has an empty value. */
  MISSING_VALUE,
  /** The value does not parse as the column's type (or does not fit its precision). */
  INVALID_VALUE,
  /** The value fails one of the column's declared checks. */
  CHECK_FAILED,
  /** The value of a referencing column is not a key of the referenced service. */
  UNKNOWN_REFERENCE,
  /** The row's key appears more than once in the file; every such row is rejected. */
  DUPLICATE_KEY,
  /** The record has a different number of fields than the header. */
  WRONG_FIELD_COUNT,
  /** A delete of a key that rows of another service still reference. */
  STILL_REFERENCED
}
