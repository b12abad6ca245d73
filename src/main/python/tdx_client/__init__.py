"""A Python client of the TDX server: CSV imports and exports, one at a time or in transactions.

Standard library only. Files stream from and to disk (never whole in memory), gzip both ways
on the fly; errors are typed::

    from tdx_client import TdxClient

    client = TdxClient("http://localhost:8080")
    outcome = client.import_csv("/sales", "sales.csv")
    for row in outcome.rejected:
        print(row.line, row.cause_code, row.values)
    client.export_csv("/sales", "sales-out.csv")

    with client.transaction() as txn:
        txn.import_csv("/products", "products.csv")
        txn.export_csv("/products", "products-after.csv")
    print(txn.outcome.state)
"""

from .client import TdxClient
from .dialect import Dialect
from .outcomes import ExportOutcome, ImportOutcome, PartOutcome, RejectedRow, TxnOutcome
from .problems import TdxError, TdxProblem, TdxTransportError, TransactionFailed
from .transaction import Transaction

__all__ = [
    "TdxClient",
    "Transaction",
    "ImportOutcome",
    "ExportOutcome",
    "RejectedRow",
    "TxnOutcome",
    "PartOutcome",
    "Dialect",
    "TdxError",
    "TdxProblem",
    "TdxTransportError",
    "TransactionFailed",
]

__version__ = "1.0.0"
