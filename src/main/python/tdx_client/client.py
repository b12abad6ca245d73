"""The client: single imports and exports, ``lb_async`` ones, and transactions."""

from __future__ import annotations

import ssl
from typing import Any, Dict, List, Optional, Tuple

from . import answers, lbasync
from .calls import Call, export_call, import_call
from .dialect import Dialect, ServiceCatalog
from .outcomes import ExportOutcome, ImportOutcome
from .transaction import Transaction
from .transport import Response, Transport

__all__ = ["TdxClient"]


class TdxClient:
    """A client of a TDX server at ``url`` (``http://`` or ``https://``, a base path allowed).

    ``token`` is sent as ``Authorization: Bearer TOKEN`` to the server's own origin. Each call
    makes its own connections (a client may be shared by threads).

    Timeouts: ``timeout`` (seconds) bounds connecting, each send and each wait for the next bytes
    of an answer, and every small request; long polls ask the server to hold them at most 30 s
    (less with a short ``timeout``). ``wait_timeout`` (seconds, ``None`` for no bound) bounds what
    may rightly take long: the wait for the answer of an import or export the server is working
    on, a synchronous transaction's held parts and commit, and all the polls of one ``lb_async``
    request or one asynchronous transaction.

    ``max_rejected`` rejected rows of an import are kept in memory (:attr:`ImportOutcome.rejected`);
    all of them are counted.
    """

    def __init__(self, url: str, token: Optional[str] = None, timeout: float = 60.0,
                 wait_timeout: Optional[float] = 3600.0, max_rejected: int = 1000,
                 ssl_context: Optional[ssl.SSLContext] = None):
        self._transport = Transport(url, token, timeout, wait_timeout, ssl_context)
        self._catalog = ServiceCatalog(self._fetch_services)
        self.max_rejected = max_rejected

    @property
    def url(self) -> str:
        """The server's base URL."""
        return self._transport.base

    # ------------------------------------------------------------------ services

    def services(self) -> List[Dict[str, Any]]:
        """The service declarations the server serves (``GET /tdx/services``), read afresh."""
        return list(self._catalog.declarations(refresh=True).values())

    def dialect(self, service: str) -> Dialect:
        """The CSV dialect of a service (delimiter, quote, escape), read once per client."""
        return self._dialect(service)

    def _dialect(self, service: str) -> Dialect:
        return self._catalog.dialect(service if service.startswith("/") else "/" + service)

    def _fetch_services(self) -> List[Dict[str, Any]]:
        _, document = self._transport.exchange_json("GET", self._transport.url("/tdx/services"))
        return document.get("services") or []

    # ------------------------------------------------------------------ single requests

    def import_csv(self, service: str, source: Any, mode: str = "post", abort_on_error: bool = False,
                   gzip: bool = False, lb_async: bool = False, ignore_unknown_columns: bool = False) -> ImportOutcome:
        """Imports a CSV into ``service`` (``/sales``) and returns what the server did.

        ``source``: a path (``str`` or ``os.PathLike``; streamed with its ``Content-Length``; a
        name ending in ``.gz`` is sent as gzip), a binary file object (streamed chunked), or a URI
        string the server reads itself (``file://``, ``http(s)://``, ``s3://``, ``gs://``).
        ``mode``: ``"post"`` (insert or update by key), ``"put"`` (replace the table) or
        ``"delete"`` (remove the keys). ``abort_on_error``: any rejected row writes nothing (the
        outcome says ``aborted``). ``gzip``: compress on the fly. ``lb_async``: the server answers
        at once and the client polls for the result (same outcome).

        Raises :class:`TdxProblem` for an error answer, :class:`TdxTransportError` when the
        server cannot be reached; a local file that cannot be read raises its ``OSError``.
        """
        call = import_call(self._transport, service, source, mode, abort_on_error, gzip, ignore_unknown_columns,
                           extra=[("lb_async", "true")] if lb_async else ())
        answer, result_url = self._exchange(call, lb_async)
        try:
            return answers.import_outcome(answer, call.service, call.method, self._dialect, self.max_rejected)
        finally:
            self._done(answer, result_url)

    def export_csv(self, service: str, target: Any, gzip: bool = False, lb_async: bool = False) -> ExportOutcome:
        """Exports ``service`` into ``target`` and returns the rows and bytes written.

        ``target``: a path (written to ``NAME.part``, renamed once complete: a failed export
        leaves nothing), a binary writable file object, or a URI string the server writes itself
        (``file://``, ``s3://``, ``gs://``). ``gzip``: the transfer is gzip-compressed and
        decompressed on the fly. A path ending in ``.gz`` always receives the gzip bytes as they
        come (compressed transfer, stored as is). ``lb_async`` as for :meth:`import_csv`.
        """
        call = export_call(self._transport, service, target, gzip, extra=[("lb_async", "true")] if lb_async else ())
        answer, result_url = self._exchange(call, lb_async)
        try:
            return answers.export_outcome(answer, call.service, target, self._dialect)
        finally:
            self._done(answer, result_url)

    def _exchange(self, call: Call, lb_async: bool) -> Tuple[Response, Optional[str]]:
        """The answer of a call; for ``lb_async``, the answer at its response URL, and that URL to free."""
        try:
            answer = self._transport.request(call.method, call.url, call.headers, call.body, held=True)
        finally:
            call.close()
        if not lb_async or answer.status != 202:
            return answer, None
        return lbasync.follow(self._transport, answer, call.headers)

    def _done(self, answer: Response, result_url: Optional[str]) -> None:
        answer.close()
        if result_url is not None:
            lbasync.release(self._transport, result_url)

    # ------------------------------------------------------------------ transactions

    def transaction(self, async_: bool = True) -> Transaction:
        """A transaction, for a ``with`` block: ``with client.transaction() as txn: txn.import_csv(...)``.

        ``async_`` chooses the asynchronous protocol (parts sent one by one, commit, long polls)
        or the synchronous one (parts and commit held open by the server until it has run).
        """
        return Transaction(self, async_)
