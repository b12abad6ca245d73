"""Error files and exports read as CSV, streaming, in a service's dialect."""

from __future__ import annotations

import csv
from typing import List, TextIO, Tuple

from .dialect import Dialect
from .outcomes import RejectedRow

__all__ = ["read_rejected", "count_records"]

_FIELD_LIMIT = 2 ** 31 - 1


def _reader(text: TextIO, dialect: Dialect):
    # a record may be as long as the server's limits.maxLineChars (1 MiB by default), past csv's
    # default of 128 KiB a field: the limit is the csv module's (process-wide), raised once
    if csv.field_size_limit() < _FIELD_LIMIT:
        csv.field_size_limit(_FIELD_LIMIT)
    return csv.reader(text, **dialect.csv_params())


def read_rejected(text: TextIO, dialect: Dialect, keep: int) -> Tuple[List[RejectedRow], int]:
    """The first ``keep`` rejected rows of an error file and how many it holds in all.

    An error file is the imported file's header columns, then ``LINE``, ``CAUSE`` and
    ``CAUSE_CODE``; it is read to its end, one record at a time.
    """
    reader = _reader(text, dialect)
    header = next(reader, None)
    if header is None:
        return [], 0
    names = header[:-3]
    rows: List[RejectedRow] = []
    count = 0
    for fields in reader:
        count += 1
        if len(rows) >= keep or len(fields) < 3:
            continue
        try:
            line = int(fields[-3])
        except ValueError:
            line = 0
        rows.append(RejectedRow(line, fields[-2], fields[-1], dict(zip(names, fields[:-3]))))
    return rows, count


def count_records(text: TextIO, dialect: Dialect) -> int:
    """The records after the header of a CSV, read to its end."""
    count = -1
    for count, _ in enumerate(_reader(text, dialect)):
        pass
    return max(count, 0)
