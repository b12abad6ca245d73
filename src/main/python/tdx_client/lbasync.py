"""LogicBlox-style ``lb_async`` requests: a ``202`` with the polling URL, long polls until
``303``, the response URL's answer (the one the synchronous request would have had), then that
result freed with ``DELETE``."""

from __future__ import annotations

import time
from typing import Dict, Optional, Tuple

from .polling import Deadline, poll_wait, retry_pause
from .problems import TdxError, TdxTransportError
from .transport import Response, Transport

__all__ = ["follow", "release"]


def follow(transport: Transport, accepted: Response, headers: Dict[str, str]) -> Tuple[Response, str]:
    """From the ``202`` of an ``lb_async`` request to the answer of its response URL (body unread)
    and that URL, to :func:`release` once the answer is read.

    Polls the ``Location`` of the ``202`` (resolved against the request's URL) with
    ``wait=SECONDS`` until it answers ``303``, within the client's ``wait_timeout``; a wait that
    runs out, or an interrupt, aborts the request (``DELETE`` of the polling URL) and raises.
    """
    with accepted:
        polling = accepted.location
        accepted.read_bounded(1 << 20)
    if polling is None:
        raise TdxError(f"{accepted.url}: 202 without a Location to poll")
    deadline = Deadline(transport.wait_timeout)
    try:
        result = _poll(transport, polling, deadline)
    except BaseException:
        _delete_quietly(transport, polling)
        raise
    try:
        return transport.request("GET", result, headers, held=True), result
    except BaseException:
        release(transport, result)
        raise


def _poll(transport: Transport, polling: str, deadline: Deadline) -> str:
    separator = "&" if "?" in polling else "?"
    while True:
        wait = poll_wait(transport.timeout, deadline)
        asked = time.monotonic()
        with transport.request("GET", f"{polling}{separator}wait={wait}", {"Accept": "application/json"}) as answer:
            if answer.status == 303 and answer.location:
                return answer.location
            if answer.status != 200:
                raise answer.problem()
            answer.read_bounded(1 << 20)
            pause = retry_pause(answer.header("Retry-After"), time.monotonic() - asked, wait)
        if deadline.expired():
            raise TdxTransportError(f"{polling}: not finished within {transport.wait_timeout} s (wait_timeout)",
                                    polling)
        time.sleep(deadline.bound(pause))


def release(transport: Transport, response_url: str) -> None:
    """Frees the result at its response URL (best effort: it expires on the server anyway)."""
    _delete_quietly(transport, response_url)


def _delete_quietly(transport: Transport, url: str) -> Optional[int]:
    try:
        with transport.request("DELETE", url, {"Accept": "application/json"}) as answer:
            answer.read_bounded(1 << 20)
            return answer.status
    except TdxError:
        return None
