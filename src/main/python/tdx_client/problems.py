"""The client's exceptions: one base class, a problem document, a transport failure, a failed transaction."""

from __future__ import annotations

import json
from typing import Any, Dict, Optional

__all__ = ["TdxError", "TdxProblem", "TdxTransportError", "TransactionFailed", "problem_from_answer"]


class TdxError(Exception):
    """Base class of every error this client raises (local file errors stay ``OSError``)."""


class TdxTransportError(TdxError):
    """The server could not be reached, the connection failed, or a wait ran past its bound."""

    def __init__(self, message: str, url: Optional[str] = None):
        super().__init__(message)
        self.url = url


class TdxProblem(TdxError):
    """A non-2xx answer: its RFC 9457 problem document.

    ``status``, ``type``, ``title`` and ``detail`` are the document's members; ``problem`` is the
    whole document (members such as ``column``, ``line``, ``parameter``, ``rule``, ``transaction``).
    An answer whose body is not a problem document gets one made of its status and text.
    """

    def __init__(self, problem: Dict[str, Any], status: Optional[int] = None):
        self.problem = problem
        self.status = int(status if status is not None else problem.get("status") or 0)
        self.type = problem.get("type", "about:blank")
        self.title = problem.get("title") or ""
        self.detail = problem.get("detail") or ""
        super().__init__(f"{self.status} {self.title}: {self.detail}" if self.detail else f"{self.status} {self.title}")

    def get(self, member: str, default: Any = None) -> Any:
        """A member of the problem document (``problem.get("column")``)."""
        return self.problem.get(member, default)


class TransactionFailed(TdxError):
    """A transaction ended ``FAILED`` or ``ABORTED``.

    ``document`` is the transaction document as the server sent it, ``outcome`` its typed view
    (a :class:`~tdx_client.outcomes.TxnOutcome`), ``part`` the part that failed it (a
    :class:`~tdx_client.outcomes.PartOutcome` with ``id``, ``service``, ``method``, ``status``;
    ``None`` when no part did, e.g. an abort) and ``error`` its error text (else the document's
    ``cause``).
    """

    def __init__(self, outcome: Any):
        self.outcome = outcome
        self.document: Dict[str, Any] = outcome.document
        self.id: str = outcome.id
        self.state: str = outcome.state
        self.part = outcome.failed_part()
        self.error: Optional[str] = self.part.error if self.part is not None and self.part.error else outcome.cause
        where = f": part {self.part.id} ({self.part.method} {self.part.service})" if self.part is not None else ""
        super().__init__(f"transaction {self.id} {self.state}{where}: {self.error}")


def problem_from_answer(status: int, reason: str, content_type: str, body: bytes) -> TdxProblem:
    """The problem document of an error answer; one made of the status and text when the body is not JSON."""
    if body and "json" in (content_type or ""):
        try:
            document = json.loads(body.decode("utf-8", errors="replace"))
            if isinstance(document, dict):
                return TdxProblem(document, status)
        except ValueError:
            pass
    text = body.decode("utf-8", errors="replace").strip() if body else ""
    detail = text[:500] + ("..." if len(text) > 500 else "")
    return TdxProblem({"title": reason, "status": status, "detail": detail}, status)
