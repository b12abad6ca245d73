"""A real TDX server for the Python client's tests: the jar (``TDX_JAR``, else
``<repo>/target/tdx.jar``) run with ``serve`` on a free port, its configuration and data
directory in a temporary directory; the shipped services of ``conf/tdx.json`` plus ``/pipes``,
a service in an escape dialect. One server per test module (``setUpModule``/``tearDownModule``);
its log is printed when a test of the module failed or it did not start."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Dict, Optional

REPO = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(REPO / "src" / "main" / "python"))

from tdx_client import TdxClient  # noqa: E402

PIPES = {"prefix": "/pipes", "table": "pipes", "delimiter": "|", "quote": "\"", "escape": "\\",
         "columns": [{"name": "K", "type": "string", "key": True},
                     {"name": "V", "type": "string", "optional": True}]}

PRODUCTS_HEADER = "SKU,DESCRIPTION,PRICE\n"
SALES_HEADER = "SKU,STORE,WEEK,UNITS,REVENUE\n"

# the walk-through's files: three products; four sales of which two are rejected (an unknown SKU, week 54)
PRODUCTS = PRODUCTS_HEADER + 'A1,"Apple, red",1.50\nB2,Banana,0.25\nC3,Cherry,3.00\n'
SALES = SALES_HEADER + "A1,S1,1,10,15.00\nB2,S1,1,4,1.00\nZZ,S1,1,1,1.00\nC3,S1,54,1,3.00\n"
GOOD_SALES = SALES_HEADER + "A1,S1,1,10,15.00\nB2,S1,1,4,1.00\n"
START_SECONDS = 120


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def jar_path() -> Path:
    return Path(os.environ.get("TDX_JAR") or REPO / "target" / "tdx.jar")


class Server:
    """One server process; :meth:`start` and :meth:`stop` (SIGTERM, then wait)."""

    def __init__(self, auth: Optional[Dict[str, Any]] = None) -> None:
        self.auth = auth
        self.directory: Optional[Path] = None
        self.url = ""
        self.process: Optional[subprocess.Popen] = None
        self.failed = False

    @property
    def data_dir(self) -> Path:
        assert self.directory is not None
        return self.directory / "data"

    @property
    def files_dir(self) -> Path:
        """The server's ``files.roots`` (``file://`` URIs must be below it)."""
        return self.data_dir / "files"

    def start(self) -> None:
        jar = jar_path()
        if not jar.is_file():
            raise RuntimeError(f"the TDX server jar is missing: {jar} (build it with `mvn -B package -DskipTests`, "
                               "or point TDX_JAR at one)")
        java = shutil.which("java")
        if java is None:
            raise RuntimeError("java is not on the PATH: the tests run the real server (Java 17)")
        self.directory = Path(tempfile.mkdtemp(prefix="tdx-py-test-"))
        port = _free_port()
        config = json.loads((REPO / "conf" / "tdx.json").read_text())
        config["http"] = {"host": "127.0.0.1", "port": port}
        config["dataDir"] = str(self.data_dir)
        config["shutdownGraceSeconds"] = 5
        config.setdefault("workspace", {})["memoryLimit"] = "512MB"
        config["services"] = config["services"] + [PIPES]
        if self.auth is not None:
            config["auth"] = self.auth
        (self.directory / "tdx.json").write_text(json.dumps(config, indent=2))
        env = {k: v for k, v in os.environ.items() if not k.startswith("TDX_")}
        env["TDX_CONF"] = str(self.directory / "tdx.json")
        with open(self.directory / "server.log", "wb") as log:
            self.process = subprocess.Popen([java, "-XX:+ExitOnOutOfMemoryError", "-Xmx1g", "-jar", str(jar), "serve"],
                                            cwd=self.directory, env=env, stdout=log, stderr=subprocess.STDOUT)
        self.url = f"http://127.0.0.1:{port}"
        self._await_ready()

    def _await_ready(self) -> None:
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self._fail_start(f"the server exited with {self.process.returncode} before it was ready")
            try:
                with urllib.request.urlopen(self.url + "/health", timeout=5) as answer:
                    if answer.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.2)
        self._fail_start(f"the server did not answer GET /health within {START_SECONDS} s")

    def _fail_start(self, message: str) -> None:
        log = self.log()
        self.stop()
        raise RuntimeError(f"{message}; its log:\n{log}")

    def log(self, last: int = 200) -> str:
        if self.directory is None or not (self.directory / "server.log").exists():
            return ""
        lines = (self.directory / "server.log").read_text(errors="replace").splitlines()
        return "\n".join(lines[-last:])

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.failed:
            sys.stderr.write(f"\n----- TDX server log ({self.url}) -----\n{self.log()}\n----- end of log -----\n")
        if self.directory is not None:
            shutil.rmtree(self.directory, ignore_errors=True)
            self.directory = None


class ServerTestCase(unittest.TestCase):
    """A test against the module's server (the class attribute ``server``), marking it failed
    when the test fails, so that its log is printed at the end of the module."""

    server: Server

    def run(self, result: Any = None) -> Any:
        before = (len(result.failures), len(result.errors)) if result is not None else (0, 0)
        outcome = super().run(result)
        if result is not None and (len(result.failures), len(result.errors)) != before:
            self.server.failed = True
        return outcome

    @property
    def client(self) -> TdxClient:
        return TdxClient(self.server.url)

    def tmp(self, name: str) -> Path:
        """A path in a temporary directory of this test."""
        if not hasattr(self, "_tmp"):
            self._tmp = Path(tempfile.mkdtemp(prefix="tdx-py-case-"))
            self.addCleanup(shutil.rmtree, self._tmp, True)
        return self._tmp / name

    def write(self, name: str, text: str) -> Path:
        path = self.tmp(name)
        path.write_bytes(text.encode("utf-8"))
        return path

    # ------------------------------------------------------------------ raw HTTP, independent of the client

    def http(self, method: str, path_or_url: str, body: Optional[bytes] = None,
             headers: Optional[Dict[str, str]] = None):
        """(status, headers, body) of a request made with urllib; redirects not followed."""
        url = path_or_url if path_or_url.startswith("http") else self.server.url + path_or_url
        request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(request, timeout=60) as answer:
                return answer.status, answer.headers, answer.read()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read()

    def export_text(self, service: str) -> str:
        status, _, body = self.http("GET", service)
        self.assertEqual(200, status, body)
        return body.decode("utf-8")

    def reset(self) -> None:
        """Empties /sales, /products and /pipes."""
        for service, header in (("/sales", SALES_HEADER), ("/products", PRODUCTS_HEADER), ("/pipes", "K|V\n")):
            status, _, body = self.http("PUT", service, header.encode())
            self.assertEqual(200, status, body)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def module_server(auth: Optional[Dict[str, Any]] = None) -> Server:
    """The server of a test module: ``SERVER = module_server()``, then start/stop it in setUpModule/tearDownModule."""
    return Server(auth)
