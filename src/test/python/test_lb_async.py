"""``lb_async``: the server answers ``202`` at once, the client polls until ``303`` and reads the
response URL, which answers what the synchronous request would have; the outcome is the same."""

import io
import json
import time
import unittest
import urllib.parse

from tdx_fixture import GOOD_SALES, PRODUCTS, SALES, SALES_HEADER, ServerTestCase, module_server

SERVER = module_server()

COUNTS = ("TDX-Rows-Read", "TDX-Rows-Inserted", "TDX-Rows-Updated", "TDX-Rows-Deleted", "TDX-Rows-Rejected")


def setUpModule():
    SERVER.start()


def tearDownModule():
    SERVER.stop()


class LbAsyncTest(ServerTestCase):
    server = SERVER
    maxDiff = None

    def setUp(self):
        self.reset()
        self.client.import_csv("/products", io.BytesIO(PRODUCTS.encode()))

    def empty_sales(self):
        status, _, body = self.http("PUT", "/sales", SALES_HEADER.encode())
        self.assertEqual(200, status, body)

    def test_an_lb_async_import_has_the_outcome_of_a_synchronous_one(self):
        source = self.write("sales.csv", SALES)
        synchronous = self.client.import_csv("/sales", source)
        self.empty_sales()
        asynchronous = self.client.import_csv("/sales", source, lb_async=True)
        self.assertEqual(synchronous, asynchronous)
        self.assertEqual((2, 2), (asynchronous.rows_inserted, len(asynchronous.rejected)))
        self.assertEqual(GOOD_SALES, self.export_text("/sales"))

        self.empty_sales()
        aborted = self.client.import_csv("/sales", io.BytesIO(SALES.encode()), abort_on_error=True, gzip=True,
                                         lb_async=True)
        self.assertTrue(aborted.aborted)
        self.assertEqual(2, aborted.rows_rejected)
        self.assertEqual(SALES_HEADER, self.export_text("/sales"))

    def test_an_lb_async_export_writes_what_a_synchronous_one_does(self):
        target = self.tmp("products.csv")
        outcome = self.client.export_csv("/products", target, lb_async=True)
        self.assertEqual((3, len(PRODUCTS)), (outcome.rows, outcome.bytes))
        self.assertEqual(PRODUCTS, target.read_text())
        buffer = io.BytesIO()
        self.assertEqual(3, self.client.export_csv("/products", buffer, gzip=True, lb_async=True).rows)
        self.assertEqual(PRODUCTS.encode(), buffer.getvalue())

    def test_the_raw_protocol(self):
        status, headers, body = self.http("POST", "/sales", SALES.encode())
        synchronous = (status, headers["Content-Type"], [headers[h] for h in COUNTS], body)
        self.assertEqual(200, status)
        self.empty_sales()

        status, headers, body = self.http("POST", "/sales?lb_async=true", SALES.encode())
        self.assertEqual(202, status, body)
        polling = headers["Location"]
        self.assertTrue(polling.startswith(self.server.url + "/"), polling)
        ident = urllib.parse.parse_qs(urllib.parse.urlsplit(polling).query)["lb_async_id"][0]
        self.assertEqual(ident, json.loads(body)["lb_async_id"])

        deadline = time.monotonic() + 60
        while True:
            status, headers, body = self.http("GET", polling + "&wait=30")
            self.assertIn(status, (200, 303), body)
            if status == 303:
                break
            self.assertIn("state", json.loads(body))
            self.assertLess(time.monotonic(), deadline)
        response = headers["Location"]
        self.assertTrue(response.startswith(self.server.url + "/"), response)
        self.assertIn("lb_async_id=" + ident, response)

        status, headers, body = self.http("GET", response)
        self.assertEqual(synchronous, (status, headers["Content-Type"], [headers[h] for h in COUNTS], body))

        status, _, body = self.http("DELETE", response + "&X-HTTP-Method-Override=GET")
        self.assertEqual(200, status, body)
        status, headers, body = self.http("GET", response)
        self.assertEqual(404, status, body)
        self.assertTrue(headers["Content-Type"].startswith("application/problem+json"))

        status, _, body = self.http("GET", polling + "&wait=1")
        self.assertEqual(404, status, body)


if __name__ == "__main__":
    unittest.main()
