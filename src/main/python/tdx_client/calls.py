"""How an import or an export is asked: method, URL with its query, headers and body."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence, Tuple

from .bodies import Body, body_of, is_uri
from .transport import Transport

__all__ = ["Call", "import_call", "export_call", "service_path", "METHODS"]

METHODS = {"post": "POST", "put": "PUT", "delete": "DELETE"}
"""Import modes: ``post`` inserts or updates by key, ``put`` replaces the table, ``delete`` removes the keys."""


def service_path(service: str) -> str:
    """A service's prefix, with its leading slash (``sales`` is ``/sales``)."""
    return service if service.startswith("/") else "/" + service


@dataclass
class Call:
    """One request to make; :attr:`body` (if any) is opened and must be closed once sent."""

    service: str
    method: str
    url: str
    headers: Dict[str, str] = field(default_factory=dict)
    body: Optional[Body] = None

    def close(self) -> None:
        if self.body is not None:
            self.body.close()


def import_call(transport: Transport, service: str, source: Any, mode: str = "post", abort_on_error: bool = False,
                gzip: bool = False, ignore_unknown_columns: bool = False, extra: Sequence[Tuple[str, str]] = (),
                accept: str = "text/csv") -> Call:
    """An import: ``source`` a path, a binary file object or a URI the server reads (``?uri=``, no body)."""
    method = METHODS.get(str(mode).lower())
    if method is None:
        raise ValueError(f"mode must be one of {sorted(METHODS)}, not {mode!r}")
    service = service_path(service)
    query: List[Tuple[str, str]] = list(extra)
    if abort_on_error:
        query.append(("abort_on_error", "true"))
    if ignore_unknown_columns:
        query.append(("ignore_unknown_columns", "true"))
    if is_uri(source):
        query.append(("uri", source))
        body = None
    else:
        body = body_of(source, gzip)
    return Call(service, method, transport.url(service, query), {"Accept": accept}, body)


def export_call(transport: Transport, service: str, target: Any, gzip: bool = False,
                extra: Sequence[Tuple[str, str]] = ()) -> Call:
    """An export: to a URI the server writes (``?uri=``, answered with JSON), else its CSV in the answer."""
    service = service_path(service)
    query: List[Tuple[str, str]] = list(extra)
    if is_uri(target):
        query.append(("uri", target))
        return Call(service, "GET", transport.url(service, query), {"Accept": "application/json"})
    headers = {"Accept": "text/csv"}
    name = os.fspath(target) if isinstance(target, (str, os.PathLike)) else ""
    if gzip or str(name).lower().endswith(".gz"):
        headers["Accept-Encoding"] = "gzip"
    return Call(service, "GET", transport.url(service, query), headers)
