"""Bodies that stream: CSV sources (a file on disk, a file object, a URI), gzip on the fly both
ways, export targets (a file written under a temporary name, a file object), and a reader of
text over a stream of byte chunks. Nothing here holds more than a chunk or two in memory."""

from __future__ import annotations

import io
import os
import zlib
from typing import Any, Callable, Dict, Iterable, Iterator, Optional

__all__ = ["CHUNK", "URI_SCHEMES", "is_uri", "Body", "body_of", "gzip_chunks", "gunzip_chunks", "Target",
           "open_target", "counted", "text_reader"]

CHUNK = 256 * 1024
"""Bytes read from a file, or from a response, at a time."""

URI_SCHEMES = ("file://", "http://", "https://", "s3://", "gs://")
"""A source or target string with one of these prefixes names a file the server reads or writes itself."""

GZIP_LEVEL = 6

def is_uri(value: Any) -> bool:
    """Whether a source or target is a URI for the server (``file://``, ``http(s)://``, ``s3://``, ``gs://``)."""
    return isinstance(value, str) and value.lower().startswith(URI_SCHEMES)


def _is_path(value: Any) -> bool:
    return isinstance(value, (str, os.PathLike)) and not is_uri(value)


class SourceReadError(Exception):
    """A local source failed while being read; carries the ``OSError`` to raise unwrapped."""

    def __init__(self, error: OSError):
        super().__init__(str(error))
        self.error = error


def _file_chunks(file: Any) -> Iterator[bytes]:
    while True:
        try:
            chunk = file.read(CHUNK)
        except OSError as e:
            raise SourceReadError(e) from e
        if not chunk:
            return
        if not isinstance(chunk, (bytes, bytearray, memoryview)):
            raise TypeError("a source file object must be opened in binary mode (its read() returned "
                            + type(chunk).__name__ + ")")
        yield bytes(chunk)


def gzip_chunks(chunks: Iterable[bytes], level: int = GZIP_LEVEL) -> Iterator[bytes]:
    """The chunks, gzip-compressed on the fly (one gzip member)."""
    compressor = zlib.compressobj(level, zlib.DEFLATED, 31)
    for chunk in chunks:
        out = compressor.compress(chunk)
        if out:
            yield out
    yield compressor.flush()


def gunzip_chunks(chunks: Iterable[bytes], limit: int = CHUNK) -> Iterator[bytes]:
    """The chunks, gzip-decompressed on the fly (concatenated members too); at most ``limit`` bytes a piece."""
    decompressor = zlib.decompressobj(31)
    fed = False
    for chunk in chunks:
        data = chunk
        while data:
            fed = True
            out = decompressor.decompress(data, limit)
            if out:
                yield out
            if decompressor.eof:
                data = decompressor.unused_data
                decompressor = zlib.decompressobj(31)
                fed = False
            else:
                data = decompressor.unconsumed_tail
    out = decompressor.flush()
    if out:
        yield out
    if fed and not decompressor.eof:
        raise zlib.error("gzip stream ends before its trailer")


class Body:
    """A request body: the chunks to send once, their length (``None``: chunked) and whether they are gzip."""

    def __init__(self, chunks: Iterator[bytes], length: Optional[int], gzip: bool,
                 close: Callable[[], None] = lambda: None):
        self.chunks = chunks
        self.length = length
        self.gzip = gzip
        self._close = close

    def headers(self) -> Dict[str, str]:
        headers = {"Content-Type": "text/csv; charset=utf-8"}
        if self.gzip:
            headers["Content-Encoding"] = "gzip"
        if self.length is not None:
            headers["Content-Length"] = str(self.length)
        else:
            headers["Transfer-Encoding"] = "chunked"
        return headers

    def close(self) -> None:
        self._close()


def body_of(source: Any, gzip: bool = False) -> Body:
    """The body of an import from a path or a binary file object (a URI has none: see :func:`is_uri`).

    A path is opened here (a missing file raises ``OSError`` before anything is sent) and sent
    with its ``Content-Length``; a path ending in ``.gz`` is sent as it is, with
    ``Content-Encoding: gzip``. A file object is sent chunked. ``gzip`` compresses on the fly
    (chunked, ``Content-Encoding: gzip``).
    """
    if _is_path(source):
        path = os.fspath(source)
        file = open(path, "rb")
        try:
            size = os.fstat(file.fileno()).st_size
        except OSError:
            file.close()
            raise
        if path.lower().endswith(".gz"):
            return Body(_file_chunks(file), size, True, file.close)
        if gzip:
            return Body(gzip_chunks(_file_chunks(file)), None, True, file.close)
        return Body(_file_chunks(file), size, False, file.close)
    if hasattr(source, "read"):
        chunks = _file_chunks(source)
        return Body(gzip_chunks(chunks) if gzip else chunks, None, gzip)
    raise TypeError("a source is a path, a binary file object or a URI (file://, http(s)://, s3://, gs://), not "
                    + type(source).__name__)


class Target:
    """Where an export's bytes go: a path (written to ``NAME.part``, renamed at the end, so a
    failed export leaves nothing) or a binary file object (written as the bytes come)."""

    def __init__(self, target: Any):
        self.name: Optional[str] = os.fspath(target) if _is_path(target) else None
        if self.name is None and not hasattr(target, "write"):
            raise TypeError("a target is a path, a binary writable file object or a URI (file://, s3://, gs://), not "
                            + type(target).__name__)
        self._target = target
        self._file: Any = None
        self.bytes = 0

    @property
    def keeps_gzip(self) -> bool:
        """A path ending in ``.gz`` receives the export gzip-compressed, as sent."""
        return self.name is not None and self.name.lower().endswith(".gz")

    def __enter__(self) -> "Target":
        if self.name is not None:
            self._file = open(self.name + ".part", "wb")
        else:
            self._file = self._target
        return self

    def write(self, chunk: bytes) -> None:
        self._file.write(chunk)
        self.bytes += len(chunk)

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if self.name is None:
            return
        self._file.close()
        if exc_type is None:
            os.replace(self.name + ".part", self.name)
        else:
            try:
                os.remove(self.name + ".part")
            except OSError:
                pass


def open_target(target: Any) -> Target:
    """A :class:`Target` for a path or a binary writable file object."""
    return Target(target)


def counted(chunks: Iterable[bytes], sink: Target) -> Iterator[bytes]:
    """The chunks, each also written to ``sink`` as it passes."""
    for chunk in chunks:
        sink.write(chunk)
        yield chunk


class _ChunkStream(io.RawIOBase):
    """A raw binary stream over an iterator of byte chunks."""

    def __init__(self, chunks: Iterable[bytes]):
        self._chunks = iter(chunks)
        self._pending = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._pending:
            try:
                self._pending = memoryview(next(self._chunks))
            except StopIteration:
                return 0
        n = min(len(buffer), len(self._pending))
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n


def text_reader(chunks: Iterable[bytes]) -> io.TextIOWrapper:
    """UTF-8 text over byte chunks, lines left as they are (``newline=''``, as :mod:`csv` wants)."""
    return io.TextIOWrapper(io.BufferedReader(_ChunkStream(chunks), CHUNK), encoding="utf-8", errors="replace",
                            newline="")
