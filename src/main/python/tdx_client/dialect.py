"""A service's CSV dialect (delimiter, quote, escape), as ``GET /tdx/services`` declares it."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional

__all__ = ["Dialect", "ServiceCatalog"]


@dataclass(frozen=True)
class Dialect:
    """Delimiter and quote (``,`` and ``"`` by default) and an optional escape character.

    Without an escape (or with the quote as its escape), quotes inside a value are doubled (RFC
    4180); with one, the escape makes the next character literal and quotes are never doubled.
    """

    delimiter: str = ","
    quote: str = '"'
    escape: Optional[str] = None

    def csv_params(self) -> Dict[str, Any]:
        """Keyword arguments for :func:`csv.reader` and :func:`csv.writer` in this dialect."""
        params: Dict[str, Any] = {"delimiter": self.delimiter, "quotechar": self.quote, "strict": False}
        if self.escape and self.escape != self.quote:
            params.update(escapechar=self.escape, doublequote=False)
        else:
            params.update(doublequote=True)
        return params

    @classmethod
    def of(cls, declaration: Dict[str, Any]) -> "Dialect":
        """The dialect of one service declaration."""
        return cls(declaration.get("delimiter") or ",", declaration.get("quote") or '"',
                   declaration.get("escape") or None)


class ServiceCatalog:
    """The services of one server, read once (again when a service is not among them: it may have been loaded since)."""

    def __init__(self, fetch: Callable[[], List[Dict[str, Any]]]):
        self._fetch = fetch
        self._lock = threading.Lock()
        self._services: Optional[Dict[str, Dict[str, Any]]] = None

    def declarations(self, refresh: bool = False) -> Dict[str, Dict[str, Any]]:
        """The declarations by prefix."""
        with self._lock:
            if self._services is None or refresh:
                self._services = {s.get("prefix"): s for s in self._fetch()}
            return self._services

    def dialect(self, service: str) -> Dialect:
        """The dialect of ``service`` (a prefix such as ``/sales``); the default one for a service not declared."""
        declared = self.declarations().get(service)
        if declared is None:
            declared = self.declarations(refresh=True).get(service)
        return Dialect.of(declared) if declared is not None else Dialect()
