"""The answers of imports and exports made outcomes, in one place: for single requests, their
``lb_async`` responses, and a transaction's parts and results."""

from __future__ import annotations

import csv
from typing import Any, Callable, Iterator, Optional

from .bodies import counted, gunzip_chunks, gzip_chunks, open_target, text_reader
from .dialect import Dialect
from .errorfile import count_records, read_rejected
from .outcomes import ExportOutcome, ImportOutcome
from .problems import TdxProblem
from .transport import Response

__all__ = ["import_outcome", "export_outcome", "rejected_rows"]

_COUNTS = ("Read", "Inserted", "Updated", "Deleted", "Rejected")

DialectOf = Callable[[str], Dialect]


def _count(response: Response, name: str) -> int:
    value = response.header("TDX-Rows-" + name)
    try:
        return int(value) if value is not None else 0
    except ValueError:
        return 0


def _is_gzip(response: Response) -> bool:
    return (response.header("Content-Encoding") or "").strip().lower() in ("gzip", "x-gzip")


def _decoded(response: Response) -> Iterator[bytes]:
    chunks = response.chunks()
    return gunzip_chunks(chunks) if _is_gzip(response) else chunks


def rejected_rows(response: Response, dialect: Dialect, keep: int):
    """The first ``keep`` rows of an error file answered as CSV, and how many it holds, read streaming."""
    text = text_reader(_decoded(response))
    try:
        return read_rejected(text, dialect, keep)
    finally:
        text.detach()


def import_outcome(response: Response, service: str, method: str, dialect_of: DialectOf, keep: int) -> ImportOutcome:
    """An import's answer made an outcome: counts from the ``TDX-Rows-*`` headers, rejected rows
    from the error file (or a JSON summary); a ``422`` of ``abort_on_error`` is an outcome with
    ``aborted``; any other error answer raises its :class:`~tdx_client.problems.TdxProblem`."""
    status = response.status
    kind = response.content_type
    if status // 100 == 2 or status == 422:
        if kind == "text/csv":
            counts = [_count(response, name) for name in _COUNTS]
            rows, parsed = rejected_rows(response, dialect_of(service), keep)
            outcome = ImportOutcome(service, method, *counts, rejected=rows, aborted=status == 422)
            if response.header("TDX-Rows-Rejected") is None:
                outcome.rows_rejected = parsed
            return outcome
        if kind in ("application/json", "application/problem+json"):
            document = response.json()
            summary = document.get("summary") if status == 422 else document
            if isinstance(summary, dict) and "read" in summary:
                outcome = ImportOutcome.from_summary(service, method, summary)
                outcome.aborted = outcome.aborted or status == 422
                return outcome
            if status == 422:
                raise TdxProblem(document, status)
        if status // 100 == 2:
            response.read_bounded(1 << 20)  # the one-line text summary
            return ImportOutcome(service, method, *[_count(response, name) for name in _COUNTS])
    raise response.problem()


def export_outcome(response: Response, service: str, target: Any, dialect_of: DialectOf) -> ExportOutcome:
    """An export's answer written to its target: a ``200`` CSV streamed to a path or file object
    (decompressed on the fly, unless the target is a ``.gz`` path: then stored compressed), its
    records counted as they pass; the JSON of an export the server stored at a URI; any other
    answer raises its problem."""
    if response.status != 200:
        raise response.problem()
    if isinstance(target, str) and response.content_type == "application/json":
        stored = response.json()
        return ExportOutcome(service, int(stored.get("rows") or 0), int(stored.get("bytes") or 0),
                             stored.get("uri") or target)
    dialect = dialect_of(service)
    sink = open_target(target)
    with sink:
        chunks: Iterator[bytes] = response.chunks()
        if sink.keeps_gzip:
            chunks = counted(chunks if _is_gzip(response) else gzip_chunks(chunks), sink)
            chunks = gunzip_chunks(chunks)
        else:
            chunks = counted(gunzip_chunks(chunks) if _is_gzip(response) else chunks, sink)
        text = text_reader(chunks)
        try:
            rows: Optional[int] = count_records(text, dialect)
        except csv.Error:
            rows = None  # not CSV in the service's dialect: stored all the same, rows unknown
        finally:
            text.detach()
        for _ in chunks:  # whatever the CSV reader left (nothing, normally)
            pass
    return ExportOutcome(service, rows, sink.bytes, sink.name)
