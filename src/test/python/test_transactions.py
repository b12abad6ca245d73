"""Transactions through the client, both protocols: an import and an export in one
transaction, a failing part, an abort by exception, results read back."""

import io
import json
import unittest

from tdx_fixture import GOOD_SALES, PRODUCTS, PRODUCTS_HEADER, SALES, SALES_HEADER, ServerTestCase, module_server

from tdx_client import ExportOutcome, TdxError, TransactionFailed, TxnOutcome

SERVER = module_server()


def setUpModule():
    SERVER.start()


def tearDownModule():
    SERVER.stop()


class TransactionTest(ServerTestCase):
    server = SERVER

    def setUp(self):
        self.reset()

    def document(self, txn_id):
        status, _, body = self.http("GET", f"/txn/{txn_id}", headers={"Accept": "application/json"})
        self.assertEqual(200, status, body)
        return json.loads(body)

    def import_and_export(self, async_):
        exported = self.tmp("sales-after.csv")
        products_after = io.BytesIO()
        with self.client.transaction(async_=async_) as txn:
            p1 = txn.import_csv("/products", self.write("products.csv", PRODUCTS))
            p2 = txn.import_csv("/sales", io.BytesIO(SALES.encode()))
            p3 = txn.export_csv("/sales", exported)
            p4 = txn.export_csv("/products", products_after, gzip=True)
            self.assertFalse(exported.exists())
        outcome = txn.outcome
        self.assertIsInstance(outcome, TxnOutcome)
        self.assertEqual((txn.id, "COMMITTED", async_), (outcome.id, outcome.state, outcome.is_async))
        self.assertTrue(outcome.committed)
        self.assertEqual([p1, p2, p3, p4], [p.id for p in outcome.parts])

        products = outcome.part(p1).import_outcome
        self.assertEqual((3, 3, 0), (products.rows_read, products.rows_inserted, products.rows_rejected))
        sales = outcome.part(p2).import_outcome
        self.assertEqual((4, 2, 2), (sales.rows_read, sales.rows_inserted, sales.rows_rejected))
        self.assertEqual({(4, "UNKNOWN_REFERENCE"), (5, "CHECK_FAILED")},
                         {(r.line, r.cause_code) for r in sales.rejected})
        self.assertEqual("ZZ", next(r for r in sales.rejected if r.line == 4).values["SKU"])

        # the export part sees the imports listed before it
        self.assertEqual(GOOD_SALES, exported.read_text())
        self.assertEqual(ExportOutcome("/sales", 2, len(GOOD_SALES), str(exported)), outcome.part(p3).export_outcome)
        self.assertTrue(outcome.part(p3).is_export)
        self.assertEqual(PRODUCTS.encode(), products_after.getvalue())
        self.assertEqual(3, outcome.part(p4).export_outcome.rows)
        self.assertEqual(GOOD_SALES, self.export_text("/sales"))
        self.assertEqual("COMMITTED", self.document(txn.id)["state"])

    def test_asynchronous_import_and_export_in_one_transaction(self):
        self.import_and_export(True)

    def test_synchronous_import_and_export_in_one_transaction(self):
        self.import_and_export(False)

    def fails_and_writes_nothing(self, async_):
        exported = self.tmp("never.csv")
        with self.assertRaises(TransactionFailed) as raised:
            with self.client.transaction(async_=async_) as txn:
                txn.import_csv("/products", self.write("products.csv", PRODUCTS))
                failing = txn.import_csv("/sales", self.write("sales.csv", SALES), abort_on_error=True)
                txn.export_csv("/sales", exported)
        failed = raised.exception
        self.assertIsInstance(failed, TdxError)
        self.assertEqual((txn.id, "FAILED"), (failed.id, failed.state))
        self.assertEqual((failing, "/sales", "POST"), (failed.part.id, failed.part.service, failed.part.method))
        self.assertEqual(422, failed.part.status)
        self.assertIn("abort_on_error", failed.error)
        self.assertEqual("FAILED", failed.document["state"])
        self.assertIn(failing, str(failed))
        self.assertIsNone(txn.outcome)
        self.assertFalse(exported.exists())
        self.assertEqual(SALES_HEADER, self.export_text("/sales"))
        self.assertEqual(PRODUCTS_HEADER, self.export_text("/products"))

    def test_an_asynchronous_transaction_whose_part_fails_raises_and_writes_nothing(self):
        self.fails_and_writes_nothing(True)

    def test_a_synchronous_transaction_whose_part_fails_raises_and_writes_nothing(self):
        self.fails_and_writes_nothing(False)

    def aborts_on_exception(self, async_):
        with self.assertRaises(KeyError):
            with self.client.transaction(async_=async_) as txn:
                txn.import_csv("/products", self.write("products.csv", PRODUCTS))
                txn.export_csv("/products", self.tmp("never.csv"))
                raise KeyError("the caller's own failure")
        self.assertEqual("ABORTED", self.document(txn.id)["state"])
        self.assertFalse(self.tmp("never.csv").exists())
        self.assertEqual(PRODUCTS_HEADER, self.export_text("/products"))
        with self.assertRaises(TdxError):
            txn.import_csv("/products", self.write("late.csv", PRODUCTS))

    def test_an_exception_in_an_asynchronous_block_aborts_the_transaction(self):
        self.aborts_on_exception(True)

    def test_an_exception_in_a_synchronous_block_aborts_the_transaction(self):
        self.aborts_on_exception(False)

    def test_an_abort_inside_the_block_commits_nothing(self):
        for async_ in (True, False):
            with self.client.transaction(async_=async_) as txn:
                txn.import_csv("/products", self.write("products.csv", PRODUCTS))
                aborted = txn.abort()
            self.assertEqual(("ABORTED", "ABORTED"), (aborted.state, txn.outcome.state), async_)
            self.assertEqual("ABORTED", self.document(txn.id)["state"])
        self.assertEqual(PRODUCTS_HEADER, self.export_text("/products"))

    def test_every_rejected_row_of_a_part_is_read_back_not_only_the_summarys(self):
        self.client.import_csv("/products", self.write("products.csv", PRODUCTS))
        rows = "".join(f"A1,S{i},99,1,1.00\n" for i in range(15))
        for async_ in (True, False):
            with self.client.transaction(async_=async_) as txn:
                part = txn.import_csv("/sales", self.write("bad.csv", SALES_HEADER + rows), gzip=True)
            imported = txn.outcome.part(part).import_outcome
            self.assertEqual((15, 15), (imported.rows_rejected, len(imported.rejected)), async_)
            self.assertEqual(list(range(2, 17)), sorted(r.line for r in imported.rejected))

    def export_to_uri(self, async_):
        self.client.import_csv("/products", self.write("products.csv", PRODUCTS))
        name = f"products-{async_}.csv"
        uri = (self.server.files_dir / name).as_uri()
        with self.client.transaction(async_=async_) as txn:
            part = txn.export_csv("/products", uri)
        exported = txn.outcome.part(part).export_outcome
        self.assertEqual((3, len(PRODUCTS), uri), (exported.rows, exported.bytes, exported.target))
        self.assertEqual(PRODUCTS, (self.server.files_dir / name).read_text())

    def test_an_asynchronous_export_part_to_a_uri_is_written_by_the_server(self):
        self.export_to_uri(True)

    def test_a_synchronous_export_part_to_a_uri_is_written_by_the_server(self):
        self.export_to_uri(False)

    def test_a_block_without_parts_aborts_its_transaction(self):
        with self.client.transaction() as txn:
            pass
        self.assertEqual("ABORTED", txn.outcome.state)


if __name__ == "__main__":
    unittest.main()
