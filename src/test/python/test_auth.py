"""Bearer tokens: the client sends its token to the server's own origin; rights and transactions per principal."""

import hashlib
import json
import unittest

from tdx_fixture import PRODUCTS, ServerTestCase, module_server

from tdx_client import TdxClient, TdxProblem


def _declared(principal, token, *permissions):
    return {"principal": principal, "sha256": hashlib.sha256(token.encode()).hexdigest(), "permissions": list(permissions)}


LOADER = "py-loader-6b1f"
READER = "py-reader-0c3d"
SERVER = module_server(auth={"tokens": [_declared("loader", LOADER, "write:*", "read:*"),
                                         _declared("reader", READER, "read:*")]})


def setUpModule():
    SERVER.start()


def tearDownModule():
    SERVER.stop()


class TokenTest(ServerTestCase):
    server = SERVER

    def test_a_token_authenticates_every_call(self):
        loader = TdxClient(self.server.url, token=LOADER)
        outcome = loader.import_csv("/products", self.write("products.csv", PRODUCTS))
        self.assertEqual(3, outcome.rows_read)
        with loader.transaction(async_=True) as txn:
            txn.import_csv("/products", self.write("more.csv", "SKU,PRICE\nZ9,9.00\n"))
        self.assertEqual("COMMITTED", txn.outcome.state)
        exported = TdxClient(self.server.url, token=READER).export_csv("/products", self.tmp("out.csv"))
        self.assertEqual(4, exported.rows)

    def test_no_token_and_too_few_rights_are_problems(self):
        with self.assertRaises(TdxProblem) as none:
            TdxClient(self.server.url).export_csv("/products", self.tmp("none.csv"))
        self.assertEqual(401, none.exception.status)
        self.assertEqual("unauthenticated", none.exception.type.rsplit(":", 1)[-1])
        with self.assertRaises(TdxProblem) as reader:
            TdxClient(self.server.url, token=READER).import_csv("/products", self.write("p.csv", PRODUCTS))
        self.assertEqual(403, reader.exception.status)
        self.assertIn("write:/products", reader.exception.detail)

    def test_another_principals_transaction_is_unknown(self):
        status, _, body = self.http("POST", "/txn/start?async=true", b"", {"Authorization": "Bearer " + LOADER})
        self.assertEqual(201, status, body)
        txn = json.loads(body)["id"]
        status, _, _ = self.http("GET", "/txn/" + txn, None, {"Authorization": "Bearer " + READER})
        self.assertEqual(404, status)
        status, _, _ = self.http("GET", "/txn/" + txn, None, {"Authorization": "Bearer " + LOADER})
        self.assertEqual(200, status)


if __name__ == "__main__":
    unittest.main()
