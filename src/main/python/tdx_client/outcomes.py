"""What the server did: an import's counts and rejected rows, an export's rows and bytes, a transaction's parts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

__all__ = ["RejectedRow", "ImportOutcome", "ExportOutcome", "PartOutcome", "TxnOutcome"]


@dataclass(frozen=True)
class RejectedRow:
    """A row the server rejected: the line it starts on (the header is line 1), why (``cause``,
    human text), the stable ``cause_code`` (``CHECK_FAILED``, ``UNKNOWN_REFERENCE``, ...) and its
    fields by column name."""

    line: int
    cause: str
    cause_code: str
    values: Dict[str, str]

    @classmethod
    def from_json(cls, error: Dict[str, Any]) -> "RejectedRow":
        """One entry of a JSON summary's ``errors``."""
        row = error.get("row") or {}
        return cls(int(error.get("line") or 0), error.get("cause") or "", error.get("causeCode") or "",
                   {k: (None if v is None else str(v)) for k, v in row.items()})


@dataclass
class ImportOutcome:
    """What an import did.

    The counts are the answer's ``TDX-Rows-*`` headers (or its JSON summary). ``rejected`` holds
    the rejected rows parsed from the error file, at most the client's ``max_rejected`` of them;
    ``rows_rejected`` counts them all (``rejected_truncated`` says whether some were left out).
    ``aborted`` is true when ``abort_on_error`` rejected the whole import (``422``): nothing was
    written.
    """

    service: str
    method: str
    rows_read: int = 0
    rows_inserted: int = 0
    rows_updated: int = 0
    rows_deleted: int = 0
    rows_rejected: int = 0
    rejected: List[RejectedRow] = field(default_factory=list)
    aborted: bool = False

    @property
    def rejected_truncated(self) -> bool:
        """Whether more rows were rejected than ``rejected`` holds."""
        return self.rows_rejected > len(self.rejected)

    def summary(self) -> str:
        """One line for people."""
        return (f"{self.method} {self.service}: " + ("aborted, nothing written; " if self.aborted else "")
                + f"{self.rows_read} rows read, {self.rows_inserted} inserted, {self.rows_updated} updated, "
                + f"{self.rows_deleted} deleted, {self.rows_rejected} rejected")

    @classmethod
    def from_summary(cls, service: str, method: str, summary: Dict[str, Any]) -> "ImportOutcome":
        """An outcome from the server's JSON summary (``read``, ``inserted``, ..., ``errors``)."""
        return cls(service=summary.get("service") or service, method=summary.get("method") or method,
                   rows_read=int(summary.get("read") or 0), rows_inserted=int(summary.get("inserted") or 0),
                   rows_updated=int(summary.get("updated") or 0), rows_deleted=int(summary.get("deleted") or 0),
                   rows_rejected=int(summary.get("rejected") or 0),
                   rejected=[RejectedRow.from_json(e) for e in summary.get("errors") or []],
                   aborted=bool(summary.get("aborted", False)))


@dataclass
class ExportOutcome:
    """What an export wrote: ``rows`` (records after the header, counted as they passed; ``None``
    if the CSV could not be read in the service's dialect), ``bytes`` written to the target (as
    stored: compressed for a ``.gz`` file; for a URI, as the server stored them) and ``target``
    (the file path or the URI; ``None`` for a file object)."""

    service: str
    rows: Optional[int]
    bytes: int
    target: Optional[str] = None


@dataclass
class PartOutcome:
    """One part of a transaction: its ``id``, ``service``, ``method`` (``GET`` for an export),
    ``state`` (``DONE``, ``FAILED``, ...), ``status`` (what a request of its own would have been
    answered; 424 for a part undone because another failed), ``error``, the server's ``result``
    (JSON), and, once the transaction committed, ``import_outcome`` or ``export_outcome``."""

    id: str
    service: str
    method: str
    state: str
    status: int = 0
    error: Optional[str] = None
    result: Dict[str, Any] = field(default_factory=dict)
    import_outcome: Optional[ImportOutcome] = None
    export_outcome: Optional[ExportOutcome] = None

    @property
    def is_export(self) -> bool:
        return self.method == "GET"

    @classmethod
    def from_json(cls, part: Dict[str, Any]) -> "PartOutcome":
        outcome = cls(id=part.get("id") or "", service=part.get("service") or "", method=part.get("method") or "",
                      state=part.get("state") or "", status=int(part.get("status") or 0), error=part.get("error"),
                      result=part.get("result") or {})
        if "read" in outcome.result:
            outcome.import_outcome = ImportOutcome.from_summary(outcome.service, outcome.method, outcome.result)
        return outcome


@dataclass
class TxnOutcome:
    """A transaction document, typed: ``id``, ``state`` (``COMMITTED``, ``FAILED``, ``ABORTED``,
    ...), ``cause`` (why it did not commit), its ``parts`` in the order the server received (and ran)
    them, and the
    ``document`` as the server sent it."""

    id: str
    state: str
    is_async: bool
    cause: Optional[str]
    parts: List[PartOutcome]
    document: Dict[str, Any]

    @property
    def committed(self) -> bool:
        return self.state == "COMMITTED"

    def part(self, part_id: str) -> PartOutcome:
        """The part with that id (``KeyError`` if none)."""
        for p in self.parts:
            if p.id == part_id:
                return p
        raise KeyError(part_id)

    def failed_part(self) -> Optional[PartOutcome]:
        """The part that failed the transaction (not one undone because of it: status 424)."""
        for p in self.parts:
            if p.state == "FAILED" and p.status != 424:
                return p
        return None

    @classmethod
    def from_document(cls, document: Dict[str, Any]) -> "TxnOutcome":
        parts = [PartOutcome.from_json(p) for p in document.get("parts") or []]
        return cls(id=document.get("id") or "", state=document.get("state") or "", is_async=bool(document.get("async")),
                   cause=document.get("cause"), parts=parts, document=document)
