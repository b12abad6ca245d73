"""A 100 MB file streams both ways with the client's memory bounded."""

import os
import time
import tracemalloc
import unittest

from tdx_fixture import PRODUCTS_HEADER, ServerTestCase, module_server

SERVER = module_server()

SIZE = 100 * 1024 * 1024
PEAK_LIMIT = 16 * 1024 * 1024


def setUpModule():
    SERVER.start()


def tearDownModule():
    SERVER.stop()


def write_products(path, size):
    """About ``size`` bytes of /products rows, written in batches; the number of rows."""
    rows = 0
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(PRODUCTS_HEADER)
        while f.tell() < size:
            f.write("".join(f"SKU{i:010d},Product {i} of the streaming test with some padding,{i % 100000 / 100:.2f}\n"
                            for i in range(rows, rows + 20000)))
            rows += 20000
    return rows


class LargeFileTest(ServerTestCase):
    server = SERVER

    def test_a_100_mb_file_is_imported_and_exported_with_bounded_memory(self):
        source = self.tmp("big.csv")
        rows = write_products(source, SIZE)
        self.assertGreaterEqual(os.path.getsize(source), SIZE)

        started = time.monotonic()
        tracemalloc.start()
        try:
            outcome = self.client.import_csv("/products", source, mode="put")
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        self.assertEqual((rows, rows, 0), (outcome.rows_read, outcome.rows_inserted, outcome.rows_rejected))
        self.assertLess(peak, PEAK_LIMIT, f"import peak {peak} bytes")
        print(f"\n100 MB import: {rows} rows in {time.monotonic() - started:.1f} s, Python peak {peak / 1e6:.1f} MB")

        target = self.tmp("big-out.csv")
        started = time.monotonic()
        tracemalloc.start()
        try:
            exported = self.client.export_csv("/products", target)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        self.assertEqual(rows, exported.rows)
        self.assertEqual(os.path.getsize(target), exported.bytes)
        self.assertLess(peak, PEAK_LIMIT, f"export peak {peak} bytes")
        print(f"100 MB export: {exported.rows} rows in {time.monotonic() - started:.1f} s, Python peak {peak / 1e6:.1f} MB")
        with open(target, "rb") as f:
            self.assertEqual(rows + 1, sum(1 for _ in f))
        self.assertEqual(os.path.getsize(source), os.path.getsize(target))


if __name__ == "__main__":
    unittest.main()
