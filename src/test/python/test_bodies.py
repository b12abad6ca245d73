"""The client's streaming pieces on their own, without a server: gzip both ways, CSV read from
chunks, error files, dialects, problem documents."""

import gzip
import io
import unittest
import zlib

import tdx_fixture  # noqa: F401  (puts the client on the path)

from tdx_client import Dialect, TdxProblem
from tdx_client.bodies import CHUNK, body_of, gunzip_chunks, gzip_chunks, text_reader
from tdx_client.errorfile import count_records, read_rejected
from tdx_client.problems import problem_from_answer


def pieces(data, size):
    return [data[i:i + size] for i in range(0, len(data), size)]


class BodiesTest(unittest.TestCase):
    def test_gzip_on_the_fly_round_trips_and_reads_concatenated_members(self):
        data = b"".join(b"row %d,some text\n" % i for i in range(100000))
        packed = b"".join(gzip_chunks(pieces(data, 10000)))
        self.assertEqual(data, gzip.decompress(packed))
        self.assertEqual(data, b"".join(gunzip_chunks(pieces(packed, 777))))
        twice = gzip.compress(b"first\n") + gzip.compress(b"second\n")
        self.assertEqual(b"first\nsecond\n", b"".join(gunzip_chunks(pieces(twice, 5))))
        self.assertTrue(all(len(p) <= CHUNK for p in gunzip_chunks([gzip.compress(b"x" * (10 * CHUNK))])))
        with self.assertRaises(zlib.error):
            b"".join(gunzip_chunks([packed[:-10]]))

    def test_a_file_object_is_sent_chunked_and_a_gz_path_as_it_is(self):
        body = body_of(io.BytesIO(b"A\n1\n"), gzip=True)
        self.assertEqual({"Content-Type": "text/csv; charset=utf-8", "Content-Encoding": "gzip",
                          "Transfer-Encoding": "chunked"}, body.headers())
        self.assertEqual(b"A\n1\n", gzip.decompress(b"".join(body.chunks)))
        with self.assertRaises(TypeError):
            body_of(42)

    def test_records_are_counted_across_chunks_with_line_breaks_inside_quotes(self):
        csv_text = 'K,V\n1,"a\r\nb"\n2,"c\rd"\n3,plain\n4,"e\nf"\n'.encode()
        for size in (1, 2, 3, 7, 1000):
            self.assertEqual(4, count_records(text_reader(pieces(csv_text, size)), Dialect()), size)
        self.assertEqual(0, count_records(text_reader([b"K,V\n"]), Dialect()))
        self.assertEqual(0, count_records(text_reader([]), Dialect()))

    def test_an_error_file_in_the_escape_dialect(self):
        dialect = Dialect("|", '"', "\\")
        self.assertEqual({"delimiter": "|", "quotechar": '"', "escapechar": "\\", "doublequote": False, "strict": False},
                         dialect.csv_params())
        self.assertTrue(Dialect(",", '"', '"').csv_params()["doublequote"])
        data = ('K|V|LINE|CAUSE|CAUSE_CODE\n'
                'k1|"a|b"|2|key (K) appears on lines 2, 3|DUPLICATE_KEY\n'
                'k1|C:\\\\temp\\\\new \\"q\\"|3|key (K) appears on lines 2, 3|DUPLICATE_KEY\n'
                'k2|"two\nlines\\\\"|4|bad|CHECK_FAILED\n').encode()
        rows, count = read_rejected(text_reader(pieces(data, 3)), dialect, 2)
        self.assertEqual(3, count)
        self.assertEqual([(2, "DUPLICATE_KEY", {"K": "k1", "V": "a|b"}),
                          (3, "DUPLICATE_KEY", {"K": "k1", "V": 'C:\\temp\\new "q"'})],
                         [(r.line, r.cause_code, r.values) for r in rows])
        rows, _ = read_rejected(text_reader([data]), dialect, 10)
        self.assertEqual("two\nlines\\", rows[2].values["V"])

    def test_an_answer_that_is_not_a_problem_document_still_makes_one(self):
        problem = problem_from_answer(502, "Bad Gateway", "text/html", b"<html>proxy down</html>")
        self.assertIsInstance(problem, TdxProblem)
        self.assertEqual((502, "Bad Gateway", "<html>proxy down</html>", "about:blank"),
                         (problem.status, problem.title, problem.detail, problem.type))
        problem = problem_from_answer(400, "Bad Request", "application/problem+json",
                                      b'{"type": "urn:tdx:problem:x", "title": "X", "status": 400, "detail": "d", "line": 3}')
        self.assertEqual(("urn:tdx:problem:x", 3, "400 X: d"), (problem.type, problem.get("line"), str(problem)))


if __name__ == "__main__":
    unittest.main()
