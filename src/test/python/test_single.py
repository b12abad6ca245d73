"""Single imports and exports through the client: counts, rejected rows, modes, gzip, file
objects, URIs, problem documents, transport failures."""

import gzip
import http.server
import io
import threading
import unittest

from tdx_fixture import GOOD_SALES, PRODUCTS, PRODUCTS_HEADER, SALES, SALES_HEADER, ServerTestCase, module_server

from tdx_client import (ExportOutcome, ImportOutcome, TdxClient, TdxError, TdxProblem, TdxTransportError)

SERVER = module_server()


def setUpModule():
    SERVER.start()


def tearDownModule():
    SERVER.stop()


class SingleRequestTest(ServerTestCase):
    server = SERVER

    def setUp(self):
        self.reset()

    def load_products(self):
        outcome = self.client.import_csv("/products", self.write("products.csv", PRODUCTS))
        self.assertEqual(3, outcome.rows_inserted)

    def test_an_import_reports_its_counts_and_parses_the_rejected_rows(self):
        products = self.client.import_csv("/products", self.write("products.csv", PRODUCTS))
        self.assertIsInstance(products, ImportOutcome)
        self.assertEqual((3, 3, 0, 0, 0), (products.rows_read, products.rows_inserted, products.rows_updated,
                                           products.rows_deleted, products.rows_rejected))
        self.assertEqual([], products.rejected)
        self.assertFalse(products.aborted)

        sales = self.client.import_csv("sales", self.write("sales.csv", SALES))
        self.assertEqual(("/sales", "POST"), (sales.service, sales.method))
        self.assertEqual((4, 2, 0, 0, 2), (sales.rows_read, sales.rows_inserted, sales.rows_updated,
                                           sales.rows_deleted, sales.rows_rejected))
        by_line = {row.line: row for row in sales.rejected}
        self.assertEqual({4, 5}, set(by_line))
        self.assertEqual("UNKNOWN_REFERENCE", by_line[4].cause_code)
        self.assertIn("ZZ", by_line[4].cause)
        self.assertEqual({"SKU": "ZZ", "STORE": "S1", "WEEK": "1", "UNITS": "1", "REVENUE": "1.00"}, by_line[4].values)
        self.assertEqual("CHECK_FAILED", by_line[5].cause_code)
        self.assertEqual("54", by_line[5].values["WEEK"])
        self.assertFalse(sales.rejected_truncated)
        self.assertEqual(GOOD_SALES, self.export_text("/sales"))

        again = self.client.import_csv("/sales", self.write("good.csv", GOOD_SALES))
        self.assertEqual((2, 0, 2, 0), (again.rows_read, again.rows_inserted, again.rows_updated, again.rows_rejected))

    def test_only_the_first_rejected_rows_are_kept_but_all_are_counted(self):
        self.load_products()
        rows = "".join(f"A1,S{i},60,1,1.00\n" for i in range(25))
        client = TdxClient(self.server.url, max_rejected=5)
        outcome = client.import_csv("/sales", self.write("bad.csv", SALES_HEADER + rows))
        self.assertEqual(25, outcome.rows_rejected)
        self.assertEqual(5, len(outcome.rejected))
        self.assertTrue(outcome.rejected_truncated)
        self.assertTrue(all(r.cause_code == "CHECK_FAILED" for r in outcome.rejected))

    def test_abort_on_error_writes_nothing_and_says_so(self):
        self.load_products()
        outcome = self.client.import_csv("/sales", self.write("sales.csv", SALES), abort_on_error=True)
        self.assertTrue(outcome.aborted)
        self.assertEqual((4, 0, 2), (outcome.rows_read, outcome.rows_inserted, outcome.rows_rejected))
        self.assertEqual(2, len(outcome.rejected))
        self.assertEqual(SALES_HEADER, self.export_text("/sales"))

    def test_an_export_streams_to_a_path_and_to_a_file_object(self):
        self.load_products()
        target = self.tmp("out.csv")
        outcome = self.client.export_csv("/products", str(target))
        self.assertIsInstance(outcome, ExportOutcome)
        self.assertEqual(3, outcome.rows)
        expected = PRODUCTS.encode()
        self.assertEqual(expected, target.read_bytes())
        self.assertEqual(len(expected), outcome.bytes)
        self.assertEqual(str(target), outcome.target)
        self.assertFalse(self.tmp("out.csv.part").exists())

        buffer = io.BytesIO()
        outcome = self.client.export_csv("/products", buffer)
        self.assertEqual((3, len(expected), None), (outcome.rows, outcome.bytes, outcome.target))
        self.assertEqual(expected, buffer.getvalue())

        outcome = self.client.export_csv("/sales", self.tmp("empty.csv"))
        self.assertEqual(0, outcome.rows)
        self.assertEqual(SALES_HEADER, self.tmp("empty.csv").read_text())

    def test_put_replaces_the_table_and_delete_removes_keys(self):
        self.load_products()
        replaced = self.client.import_csv("/products", self.write("put.csv", PRODUCTS_HEADER + "D4,Date,9.00\nA1,,2.00\n"),
                                          mode="put")
        self.assertEqual(("PUT", 2, 1, 1, 2), (replaced.method, replaced.rows_read, replaced.rows_inserted,
                                               replaced.rows_updated, replaced.rows_deleted))
        self.assertEqual(PRODUCTS_HEADER + "A1,,2.00\nD4,Date,9.00\n", self.export_text("/products"))
        deleted = self.client.import_csv("/products", io.BytesIO(b"SKU\nD4\nNOPE\n"), mode="delete")
        self.assertEqual(("DELETE", 2, 1), (deleted.method, deleted.rows_read, deleted.rows_deleted))
        self.assertEqual(PRODUCTS_HEADER + "A1,,2.00\n", self.export_text("/products"))
        with self.assertRaises(ValueError):
            self.client.import_csv("/products", io.BytesIO(b"SKU\n"), mode="merge")

    def test_gzip_both_ways(self):
        outcome = self.client.import_csv("/products", self.write("products.csv", PRODUCTS), gzip=True)
        self.assertEqual(3, outcome.rows_inserted)
        outcome = self.client.import_csv("/sales", io.BytesIO(GOOD_SALES.encode()), gzip=True)
        self.assertEqual(2, outcome.rows_inserted)
        packed = self.tmp("more.csv.gz")
        with gzip.open(packed, "wb") as f:
            f.write((PRODUCTS_HEADER + "E5,Elderberry,4.00\n").encode())
        self.assertEqual(1, self.client.import_csv("/products", packed).rows_inserted)

        buffer = io.BytesIO()
        outcome = self.client.export_csv("/sales", buffer, gzip=True)
        self.assertEqual(GOOD_SALES.encode(), buffer.getvalue())
        self.assertEqual((2, len(GOOD_SALES)), (outcome.rows, outcome.bytes))

        stored = self.tmp("sales.csv.gz")
        outcome = self.client.export_csv("/sales", stored, gzip=True)
        self.assertEqual(b"\x1f\x8b", stored.read_bytes()[:2])
        self.assertEqual(GOOD_SALES.encode(), gzip.decompress(stored.read_bytes()))
        self.assertEqual((2, stored.stat().st_size), (outcome.rows, outcome.bytes))

        plain = self.tmp("sales.csv")
        self.client.export_csv("/sales", plain, gzip=True)
        self.assertEqual(GOOD_SALES.encode(), plain.read_bytes())

        with self.assertRaises(TdxProblem) as raised:  # a problem document sent gzip-compressed
            self.client.export_csv("/nowhere", io.BytesIO(), gzip=True)
        self.assertEqual((404, "urn:tdx:problem:not-found"), (raised.exception.status, raised.exception.type))

    def test_files_by_uri_are_read_and_written_by_the_server(self):
        self.load_products()
        uri = (self.server.files_dir / "products-out.csv").as_uri()
        outcome = self.client.export_csv("/products", uri)
        self.assertEqual((3, uri), (outcome.rows, outcome.target))
        self.assertEqual(PRODUCTS.encode(), (self.server.files_dir / "products-out.csv").read_bytes())
        self.assertEqual(outcome.bytes, len(PRODUCTS))
        replaced = self.client.import_csv("/products", uri, mode="put")
        self.assertEqual((3, 0, 3, 0), (replaced.rows_read, replaced.rows_inserted, replaced.rows_updated,
                                        replaced.rows_deleted))

    def test_error_answers_raise_their_problem_documents(self):
        with self.assertRaises(TdxProblem) as raised:
            self.client.import_csv("/products", io.BytesIO(b"SKU,COLOR\nA1,red\n"))
        problem = raised.exception
        self.assertIsInstance(problem, TdxError)
        self.assertEqual(400, problem.status)
        self.assertEqual("urn:tdx:problem:unknown-column", problem.type)
        self.assertEqual("Unknown column", problem.title)
        self.assertIn("COLOR", problem.detail)
        self.assertEqual("COLOR", problem.problem["column"])
        self.assertEqual("COLOR", problem.get("column"))

        with self.assertRaises(TdxProblem) as raised:
            self.client.export_csv("/nowhere", io.BytesIO())
        self.assertEqual((404, "urn:tdx:problem:not-found"), (raised.exception.status, raised.exception.type))

        target = self.tmp("never.csv")
        with self.assertRaises(TdxProblem):
            self.client.export_csv("/nowhere", target)
        self.assertFalse(target.exists())
        self.assertFalse(self.tmp("never.csv.part").exists())

    def test_a_missing_local_file_is_an_os_error_and_an_unreachable_server_a_transport_error(self):
        with self.assertRaises(FileNotFoundError):
            self.client.import_csv("/products", self.tmp("missing.csv"))
        with self.assertRaises(TdxTransportError):
            TdxClient("http://127.0.0.1:9", timeout=5).export_csv("/products", io.BytesIO())
        with self.assertRaises(TypeError):
            self.client.import_csv("/products", io.StringIO(PRODUCTS))

    def test_the_dialect_comes_from_the_service_declarations(self):
        self.assertEqual(",", self.client.dialect("/sales").delimiter)
        pipes = self.client.dialect("/pipes")
        self.assertEqual(("|", '"', "\\"), (pipes.delimiter, pipes.quote, pipes.escape))
        self.assertIn("/products", [s["prefix"] for s in self.client.services()])


class _Recorder(http.server.BaseHTTPRequestHandler):
    seen = []

    def do_POST(self):
        self.seen.append((self.command, self.path, dict(self.headers), self._body()))
        self.send_response(200)
        for name, value in (("TDX-Rows-Read", "1"), ("TDX-Rows-Inserted", "1"), ("Content-Type", "text/plain")):
            self.send_header(name, value)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def _body(self):
        if self.headers.get("Content-Length") is not None:
            return self.rfile.read(int(self.headers["Content-Length"]))
        body = b""
        while True:
            size = int(self.rfile.readline().split(b";")[0], 16)
            chunk = self.rfile.read(size + 2)[:size]
            if size == 0:
                return body
            body += chunk

    def log_message(self, *args):
        pass


class TokenTest(unittest.TestCase):
    def test_the_token_is_sent_as_a_bearer_authorization(self):
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            client = TdxClient(f"http://127.0.0.1:{server.server_address[1]}/base/", token="s3cret")
            outcome = client.import_csv("/products", io.BytesIO(b"SKU\nA1\n"), abort_on_error=True)
            self.assertEqual((1, 1), (outcome.rows_read, outcome.rows_inserted))
        finally:
            server.shutdown()
            server.server_close()
        method, path, headers, body = _Recorder.seen[-1]
        self.assertEqual(("POST", "/base/products?abort_on_error=true"), (method, path))
        self.assertEqual("Bearer s3cret", headers["Authorization"])
        self.assertEqual(b"SKU\nA1\n", body)


if __name__ == "__main__":
    unittest.main()
