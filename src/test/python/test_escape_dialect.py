"""A service whose dialect has an escape character (``/pipes``: delimiter ``|``, quote ``"``,
escape ``\\``): awkward values survive a round trip, and the error file is read in that dialect."""

import csv
import io
import unittest

from tdx_fixture import ServerTestCase, module_server

SERVER = module_server()

VALUES = {
    "delimiter": "a|b",
    "quote": 'say "hi"',
    "escape": "back\\slash",
    "cr": "one\rtwo",
    "lf": "one\ntwo",
    "crlf": "one\r\ntwo",
    "tab": "a\tb",
    "ends-with-escape": "ends\\",
    "escape-then-quote": '\\"',
    "unicode": "Grüße, 日本語, ✓ 🎉",
    "windows-path": "C:\\temp\\new",
    "everything": '|"\\\r\n\t|x\\',
}

DIALECT = {"delimiter": "|", "quotechar": '"', "escapechar": "\\", "doublequote": False}


def setUpModule():
    SERVER.start()


def tearDownModule():
    SERVER.stop()


def _writer(text):
    return csv.writer(text, lineterminator="\n", quoting=csv.QUOTE_ALL, **DIALECT)


def _writer_escapes_the_escape():
    probe = io.StringIO(newline="")
    _writer(probe).writerow(["\\"])
    return probe.getvalue() == '"\\\\"\n'


WRITER_ESCAPES_THE_ESCAPE = _writer_escapes_the_escape()


def pipes_csv(rows):
    """A /pipes file written by Python's csv module in the service's dialect. Every field is
    quoted: Python's writer leaves a field holding only a CR unquoted when the line terminator is
    LF, which no reader could take back; quoted, a quote or escape inside a value is escaped.
    Python 3.9's writer escapes quotes but not the escape character itself (3.10 does): there it
    is doubled before the values are handed to the writer."""
    if not WRITER_ESCAPES_THE_ESCAPE:
        rows = [[field.replace("\\", "\\\\") for field in row] for row in rows]
    text = io.StringIO(newline="")
    writer = _writer(text)
    writer.writerow(["K", "V"])
    writer.writerows(rows)
    return text.getvalue().encode("utf-8")


def read_pipes(data):
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline=""), **DIALECT))
    return rows[0], rows[1:]


class EscapeDialectTest(ServerTestCase):
    server = SERVER
    maxDiff = None

    def setUp(self):
        self.reset()

    def test_awkward_values_survive_a_round_trip(self):
        source = self.tmp("pipes.csv")
        source.write_bytes(pipes_csv(sorted(VALUES.items())))
        outcome = self.client.import_csv("/pipes", source)
        self.assertEqual((len(VALUES), len(VALUES), 0), (outcome.rows_read, outcome.rows_inserted, outcome.rows_rejected),
                         outcome.rejected)

        target = self.tmp("pipes-out.csv")
        exported = self.client.export_csv("/pipes", target)
        self.assertEqual(len(VALUES), exported.rows)
        header, rows = read_pipes(target.read_bytes())
        self.assertEqual(["K", "V"], header)
        self.assertEqual(sorted([k, v] for k, v in VALUES.items()), rows)

        # the same through a transaction and a file object
        buffer = io.BytesIO()
        with self.client.transaction(async_=False) as txn:
            txn.import_csv("/pipes", io.BytesIO(pipes_csv([(k + "-again", v) for k, v in VALUES.items()])))
            part = txn.export_csv("/pipes", buffer)
        self.assertEqual(2 * len(VALUES), txn.outcome.part(part).export_outcome.rows)
        _, rows = read_pipes(buffer.getvalue())
        both = list(VALUES.items()) + [(k + "-again", v) for k, v in VALUES.items()]
        self.assertEqual(sorted([k, v] for k, v in both), rows)

    def test_the_error_file_is_read_in_the_services_dialect(self):
        rows = [("dup", v) for v in VALUES.values()]
        outcome = self.client.import_csv("/pipes", io.BytesIO(pipes_csv(rows)))
        self.assertEqual((len(VALUES), 0, len(VALUES)), (outcome.rows_read, outcome.rows_inserted, outcome.rows_rejected))
        self.assertEqual({"DUPLICATE_KEY"}, {r.cause_code for r in outcome.rejected})
        self.assertEqual(sorted(VALUES.values()), sorted(str(r.values.get("V")) for r in outcome.rejected),
                         [r.values for r in outcome.rejected])
        self.assertEqual({"dup"}, {r.values.get("K") for r in outcome.rejected})


if __name__ == "__main__":
    unittest.main()
