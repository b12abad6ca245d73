"""A transaction of the ``/txn`` service as a ``with`` block, either protocol.

Asynchronous (``async_=True``): each part is sent when it is added and answered ``201`` with its
id; leaving the block commits the parts in the order they were added, long-polls until the
transaction has ended, reads the document and saves the exports.

Synchronous (``async_=False``): the server holds every part's request until the commit, so
each part is sent on a thread of its own (the next one once the server lists the one before, as
the server runs held parts in arrival order); leaving the block sends the commit, which is held
until the transaction has ended; then each part's own answer is its result (summary, error
file, or the export streamed to its target).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any, Dict, List, Optional

from . import answers
from .bodies import is_uri
from .calls import Call, export_call, import_call
from .outcomes import ExportOutcome, ImportOutcome, TxnOutcome
from .polling import Deadline, poll_wait, retry_pause
from .problems import TdxError, TdxTransportError, TransactionFailed

__all__ = ["Transaction"]

_FINISHED = ("COMMITTED", "FAILED", "ABORTED")


@dataclass
class _Part:
    """A part as this client sent it; for the synchronous protocol, the thread that holds it and its answer."""

    service: str
    method: str
    target: Any = None
    gzip: bool = False
    id: str = ""
    thread: Optional[threading.Thread] = None
    outcome: Any = None
    error: Optional[BaseException] = None

    @property
    def is_export(self) -> bool:
        return self.method == "GET"


class Transaction:
    """One transaction: ``with client.transaction() as txn:``, parts added inside the block.

    Leaving the block normally commits and waits for the outcome (``txn.outcome``, a
    :class:`~tdx_client.outcomes.TxnOutcome`); a transaction that does not commit raises
    :class:`~tdx_client.problems.TransactionFailed`. An exception inside the block aborts the
    transaction and is re-raised. A block that added no part, or called :meth:`abort`, commits
    nothing (``txn.outcome`` says ``ABORTED``).
    """

    def __init__(self, client: Any, async_: bool = True):
        self._client = client
        self._transport = client._transport
        self.is_async = async_
        self.id: Optional[str] = None
        """The transaction's id, once started."""
        self.outcome: Optional[TxnOutcome] = None
        """The outcome, once the block has been left and the transaction committed."""
        self._parts: List[_Part] = []
        self._open = False

    # ------------------------------------------------------------------ the block

    def __enter__(self) -> "Transaction":
        query = {"async": "true"} if self.is_async else None
        _, document = self._transport.exchange_json("POST", self._transport.url("/txn/start", query))
        self.id = document["id"]
        self._open = True
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> bool:
        if exc_type is not None:
            self._abandon()
            return False
        if not self._open:  # aborted inside the block
            return False
        try:
            if not self._parts:
                self.outcome = self.abort()
            elif self.is_async:
                self._commit_async()
            else:
                self._commit_sync()
        except TransactionFailed:
            raise
        except BaseException:
            self._abandon()
            raise
        finally:
            self._open = False
        return False

    # ------------------------------------------------------------------ parts

    def import_csv(self, service: str, source: Any, mode: str = "post", abort_on_error: bool = False,
                   gzip: bool = False, ignore_unknown_columns: bool = False) -> str:
        """Adds an import part (arguments as :meth:`TdxClient.import_csv
        <tdx_client.TdxClient.import_csv>`); its part id.

        Asynchronous: returns once the server has received the body. Synchronous: returns once
        the server has listed the part (its request stays open until the commit).
        """
        self._check_open()
        accept = "application/json" if self.is_async else "text/csv"
        call = import_call(self._transport, service, source, mode, abort_on_error, gzip, ignore_unknown_columns,
                           extra=[("txn", self.id)], accept=accept)
        return self._add(_Part(call.service, call.method), call)

    def export_csv(self, service: str, target: Any, gzip: bool = False) -> str:
        """Adds an export part; its part id. ``target`` as for :meth:`TdxClient.export_csv
        <tdx_client.TdxClient.export_csv>`: a path or a file object is written once the
        transaction has committed; a URI is written by the server at the commit."""
        self._check_open()
        call = export_call(self._transport, service, target, gzip, extra=[("txn", self.id)])
        if self.is_async:
            call.headers = {"Accept": "application/json"}  # the part's id now; its CSV after the commit
        return self._add(_Part(call.service, "GET", target, gzip), call)

    def status(self) -> TxnOutcome:
        """The transaction document now (``GET /txn/ID``)."""
        _, document = self._transport.exchange_json("GET", self._url())
        return TxnOutcome.from_document(document)

    def abort(self) -> TxnOutcome:
        """Aborts the transaction while it is open (``POST /txn/ID/abort``) and returns its
        document, also kept as ``outcome``; leaving the block then commits nothing."""
        _, document = self._transport.exchange_json("POST", self._url("/abort"))
        self._open = False
        self.outcome = TxnOutcome.from_document(document)
        self._join_held()
        return self.outcome

    # ------------------------------------------------------------------ internals

    def _url(self, tail: str = "", query: Optional[Dict[str, Any]] = None) -> str:
        return self._transport.url(f"/txn/{self.id}{tail}", query)

    def _check_open(self) -> None:
        if not self._open:
            raise TdxError("parts are added inside the transaction's with block, while it is open")

    def _add(self, part: _Part, call: Call) -> str:
        if self.is_async:
            try:
                with self._transport.request(call.method, call.url, call.headers, call.body, held=True) as answer:
                    if answer.status // 100 != 2:
                        raise answer.problem()
                    part.id = answer.json()["id"]
            finally:
                call.close()
        else:
            self._send_held(part, call)
        self._parts.append(part)
        return part.id

    def _abandon(self) -> None:
        """After an exception: aborts the transaction if still open, lets held parts finish."""
        if self._open:
            try:
                self.abort()
                self.outcome = None  # an outcome is what a commit left; this transaction was abandoned
            except TdxError:
                pass
        self._open = False
        self._join_held()

    def _join_held(self) -> None:
        """Lets the held parts of a synchronous transaction that ended take their answers
        (bounded by ``timeout``)."""
        for part in self._parts:
            if part.thread is not None:
                part.thread.join(self._transport.timeout)

    # ------------------------------------------------------------------ asynchronous protocol

    def _commit_async(self) -> None:
        self._transport.exchange_json("POST", self._url("/commit"), {"parts": [p.id for p in self._parts]})
        self._open = False
        self._await_end()
        _, document = self._transport.exchange_json("GET", self._url())
        outcome = TxnOutcome.from_document(document)
        if not outcome.committed:
            raise TransactionFailed(outcome)
        self.outcome = outcome
        for part in self._parts:
            self._fetch_result(part, outcome)

    def _await_end(self) -> None:
        deadline = Deadline(self._transport.wait_timeout)
        while True:
            wait = poll_wait(self._transport.timeout, deadline)
            asked = time.monotonic()
            poll = self._url("/poll", {"wait": wait})
            with self._transport.request("GET", poll, {"Accept": "application/json"}) as r:
                if r.status == 303:
                    return
                if r.status != 200:
                    raise r.problem()
                state = r.json().get("state")
                if state in _FINISHED:
                    return
                pause = retry_pause(r.header("Retry-After"), time.monotonic() - asked, wait)
            if deadline.expired():
                raise TdxTransportError(f"transaction {self.id} did not end within {self._transport.wait_timeout} s "
                                        "(wait_timeout)", self._url())
            time.sleep(deadline.bound(pause))

    def _fetch_result(self, part: _Part, outcome: TxnOutcome) -> None:
        """An export's CSV saved to its target; an import's error file read when the document
        lists only its first rows."""
        done = outcome.part(part.id)
        if part.is_export:
            if is_uri(part.target):
                done.export_outcome = ExportOutcome(part.service, int(done.result.get("rows") or 0),
                                                    int(done.result.get("bytes") or 0), part.target)
                return
            headers = {"Accept": "text/csv"}
            if part.gzip:
                headers["Accept-Encoding"] = "gzip"
            with self._transport.request("GET", self._url("/" + part.id), headers, held=True) as answer:
                done.export_outcome = answers.export_outcome(answer, part.service, part.target, self._client._dialect)
            return
        imported = done.import_outcome
        if imported is not None and imported.rows_rejected > len(imported.rejected):
            with self._transport.request("GET", self._url("/" + part.id), {"Accept": "text/csv"}, held=True) as answer:
                if answer.status == 200 and answer.content_type == "text/csv":
                    imported.rejected, _ = answers.rejected_rows(answer, self._client._dialect(part.service),
                                                                 self._client.max_rejected)

    # ------------------------------------------------------------------ synchronous protocol

    def _send_held(self, part: _Part, call: Call) -> None:
        count = len(self._parts) + 1
        part.thread = threading.Thread(target=self._hold, args=(part, call), name=f"tdx-txn-{self.id}-part-{count}",
                                       daemon=True)
        part.thread.start()
        deadline = Deadline(self._transport.wait_timeout)
        pause = 0.005
        while True:
            if not part.thread.is_alive():
                part.thread.join()
                if part.error is not None:
                    raise part.error
                raise TdxError(f"part {count} of transaction {self.id} was answered before the commit")
            listed = self.status().parts
            if len(listed) >= count:
                part.id = listed[count - 1].id
                return
            if deadline.expired():
                raise TdxTransportError(f"part {count} of transaction {self.id} was not received in time", call.url)
            time.sleep(pause)
            pause = min(pause * 2, 0.1)

    def _hold(self, part: _Part, call: Call) -> None:
        """A part's request, held by the server until the transaction has run; its answer is its result."""
        try:
            with self._transport.request(call.method, call.url, call.headers, call.body, held=True) as answer:
                if part.is_export:
                    part.outcome = answers.export_outcome(answer, part.service, part.target, self._client._dialect)
                else:
                    part.outcome = answers.import_outcome(answer, part.service, part.method, self._client._dialect,
                                                          self._client.max_rejected)
        except BaseException as e:  # kept for the thread that commits
            part.error = e
        finally:
            call.close()

    def _commit_sync(self) -> None:
        url = self._url("/commit", {"count": len(self._parts)})
        failed: Optional[TxnOutcome] = None
        with self._transport.request("POST", url, {"Accept": "application/json"}, held=True) as answer:
            if answer.status == 200:
                outcome = TxnOutcome.from_document(answer.json())
            else:
                problem = answer.problem()
                document = problem.get("transaction")
                if not isinstance(document, dict):
                    raise problem  # a commit the transaction cannot take: it stays open, and is aborted
                failed = TxnOutcome.from_document(document)
            self._open = False
        for part in self._parts:
            part.thread.join()
        if failed is not None:
            raise TransactionFailed(failed)
        if not outcome.committed:
            raise TransactionFailed(outcome)
        self.outcome = outcome
        errors = []
        for part in self._parts:
            done = outcome.part(part.id)
            if isinstance(part.outcome, ImportOutcome):
                done.import_outcome = part.outcome
            elif isinstance(part.outcome, ExportOutcome):
                done.export_outcome = part.outcome
            if part.error is not None:
                errors.append(part.error)
        if errors:
            # committed, but a part's own answer was lost (an export not saved): say so
            raise errors[0]
