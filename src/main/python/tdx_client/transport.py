"""HTTP with :mod:`http.client`: one connection per request, bodies streamed both ways, every
wait bounded, failures made :class:`TdxTransportError` or :class:`TdxProblem`."""

from __future__ import annotations

import http.client
import json
import ssl
import urllib.parse
import zlib
from typing import Any, Dict, Iterator, Mapping, Optional, Sequence, Tuple, Union

from .bodies import CHUNK, Body, SourceReadError, gunzip_chunks
from .problems import TdxProblem, TdxTransportError, problem_from_answer

__all__ = ["Transport", "Response"]

USER_AGENT = "tdx-python-client/1.0"
_MAX_JSON = 64 * 1024 * 1024
_MAX_PROBLEM = 1024 * 1024

Query = Union[Mapping[str, Any], Sequence[Tuple[str, Any]]]


def _origin(parts: urllib.parse.SplitResult) -> Tuple[str, str, int]:
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), parts.port or (443 if scheme == "https" else 80)


class Response:
    """An answer whose body has not been read yet; read it with :meth:`chunks`, :meth:`json` or
    :meth:`problem`, and :meth:`close` it (or use it as a context manager)."""

    def __init__(self, url: str, connection: http.client.HTTPConnection, response: http.client.HTTPResponse):
        self.url = url
        self._connection = connection
        self._response = response
        self.status: int = response.status
        self.reason: str = response.reason

    def header(self, name: str, default: Optional[str] = None) -> Optional[str]:
        return self._response.getheader(name, default)

    @property
    def content_type(self) -> str:
        """The media type, lower case, without parameters (``text/csv``)."""
        return (self.header("Content-Type") or "").split(";")[0].strip().lower()

    @property
    def location(self) -> Optional[str]:
        """The ``Location`` header resolved against this answer's URL (it may be a path or absolute)."""
        location = self.header("Location")
        return urllib.parse.urljoin(self.url, location) if location else None

    def read(self, size: int = CHUNK) -> bytes:
        try:
            return self._response.read(size)
        except (OSError, http.client.HTTPException) as e:
            raise TdxTransportError(f"reading the answer of {self.url} failed: {e!r}", self.url) from e

    def chunks(self, size: int = CHUNK) -> Iterator[bytes]:
        """The body as it arrives, ``size`` bytes at a time."""
        while True:
            chunk = self.read(size)
            if not chunk:
                return
            yield chunk

    def read_bounded(self, limit: int) -> bytes:
        """The body up to ``limit`` bytes (the rest is not read)."""
        parts = []
        total = 0
        while total < limit:
            chunk = self.read(min(CHUNK, limit - total))
            if not chunk:
                break
            parts.append(chunk)
            total += len(chunk)
        return b"".join(parts)

    def content(self, limit: int) -> bytes:
        """The body up to ``limit`` bytes, gzip-decoded when its ``Content-Encoding`` says so."""
        if (self.header("Content-Encoding") or "").strip().lower() not in ("gzip", "x-gzip"):
            return self.read_bounded(limit)
        decoded = []
        total = 0
        for piece in gunzip_chunks(self.chunks()):
            decoded.append(piece[:limit - total])
            total += len(decoded[-1])
            if total >= limit:
                break
        return b"".join(decoded)

    def json(self) -> Dict[str, Any]:
        """The body as a JSON object (``{}`` when empty)."""
        body = self.content(_MAX_JSON)
        if not body.strip():
            return {}
        try:
            return json.loads(body.decode("utf-8"))
        except ValueError as e:
            raise TdxTransportError(f"the answer of {self.url} is not JSON: {body[:200]!r}", self.url) from e

    def problem(self) -> TdxProblem:
        """This (error) answer as a :class:`TdxProblem`."""
        try:
            body = self.content(_MAX_PROBLEM)
        except zlib.error:
            body = b""
        return problem_from_answer(self.status, self.reason, self.header("Content-Type") or "", body)

    def close(self) -> None:
        try:
            self._response.close()
        finally:
            self._connection.close()

    def __enter__(self) -> "Response":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class Transport:
    """The server's base URL, credentials and timeouts; makes requests.

    ``timeout`` bounds connecting, each send, and each wait for the next bytes of an answer;
    ``wait_timeout`` (``None``: unbounded) bounds the wait for an answer the server holds while it
    works (``held=True``: an import's answer after its body, a synchronous transaction's parts and
    commit), and the whole of a polling loop.
    """

    def __init__(self, url: str, token: Optional[str], timeout: float, wait_timeout: Optional[float],
                 ssl_context: Optional[ssl.SSLContext] = None):
        parts = urllib.parse.urlsplit(url)
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            raise ValueError(f"the server URL needs http:// or https:// and a host: {url!r}")
        self.base = urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), "", ""))
        self._origin = _origin(parts)
        self.token = token
        self.timeout = timeout
        self.wait_timeout = wait_timeout
        self._ssl_context = ssl_context

    def url(self, path: str, query: Optional[Query] = None) -> str:
        """An absolute URL of the server: ``path`` below the base URL, with its query encoded."""
        url = self.base + urllib.parse.quote(path, safe="/")
        if query:
            url += "?" + urllib.parse.urlencode(query, safe="", quote_via=urllib.parse.quote)
        return url

    def request(self, method: str, url: str, headers: Optional[Mapping[str, str]] = None,
                body: Union[None, bytes, Body] = None, held: bool = False) -> Response:
        """Sends a request to an absolute URL and returns its answer, body unread (redirects are not followed)."""
        parts = urllib.parse.urlsplit(url)
        target = urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))
        connection = self._connect(parts)
        try:
            try:
                connection.connect()
            except OSError as e:
                raise TdxTransportError(f"{method} {url}: cannot connect: {e!r}", url) from e
            connection.putrequest(method, target, skip_accept_encoding=True)
            all_headers = {"User-Agent": USER_AGENT, "Connection": "close"}
            if self.token and _origin(parts) == self._origin:
                all_headers["Authorization"] = "Bearer " + self.token
            if isinstance(body, Body):
                all_headers.update(body.headers())
            elif body is not None:
                all_headers["Content-Length"] = str(len(body))
            elif method in ("POST", "PUT"):
                all_headers["Content-Length"] = "0"
            all_headers.update(headers or {})
            for name, value in all_headers.items():
                connection.putheader(name, value)
            early = self._send(connection, method, url, body)
            if early is not None:
                return Response(url, connection, early)
            return self._answer(connection, method, url, held)
        except BaseException:
            connection.close()
            raise

    def _connect(self, parts: urllib.parse.SplitResult) -> http.client.HTTPConnection:
        if parts.scheme.lower() == "https":
            return http.client.HTTPSConnection(parts.hostname, parts.port, timeout=self.timeout,
                                               context=self._ssl_context or ssl.create_default_context(),
                                               blocksize=CHUNK)
        if parts.scheme.lower() == "http":
            return http.client.HTTPConnection(parts.hostname, parts.port, timeout=self.timeout, blocksize=CHUNK)
        raise TdxTransportError(f"not an http(s) URL: {urllib.parse.urlunsplit(parts)}")

    def _send(self, connection: http.client.HTTPConnection, method: str, url: str,
              body: Union[None, bytes, Body]) -> Optional[http.client.HTTPResponse]:
        """Sends the head and body; an error answer the server gave before taking the whole body, if it did."""
        try:
            if isinstance(body, Body):
                connection.endheaders(body.chunks, encode_chunked=body.length is None)
            else:
                connection.endheaders(body)
            return None
        except SourceReadError as e:
            raise e.error from None
        except (OSError, http.client.HTTPException) as e:
            failure = e
        # the server may have answered before reading the whole body (a refused header, say): that answer is the one
        try:
            if connection.sock is not None:
                connection.sock.settimeout(min(5.0, self.timeout))
                early = connection.getresponse()
                if early.status >= 400:
                    return early
        except (OSError, http.client.HTTPException):
            pass
        raise TdxTransportError(f"{method} {url}: sending the request failed: {failure!r}", url) from failure

    def _answer(self, connection: http.client.HTTPConnection, method: str, url: str, held: bool) -> Response:
        sock = connection.sock
        try:
            if held and sock is not None:
                sock.settimeout(self.wait_timeout)
            response = connection.getresponse()
            if held and sock is not None:
                sock.settimeout(self.timeout)
        except (OSError, http.client.HTTPException) as e:
            raise TdxTransportError(f"{method} {url}: no answer: {e!r}", url) from e
        return Response(url, connection, response)

    def exchange_json(self, method: str, url: str, payload: Any = None, accept: str = "application/json",
                      held: bool = False) -> Tuple[Response, Dict[str, Any]]:
        """A small request (``payload`` sent as JSON) whose 2xx answer is read as JSON; other
        answers raise their problem."""
        body = None if payload is None else json.dumps(payload).encode("utf-8")
        headers = {"Accept": accept}
        if body is not None:
            headers["Content-Type"] = "application/json"
        with self.request(method, url, headers, body, held) as response:
            if response.status // 100 != 2:
                raise response.problem()
            return response, response.json()
