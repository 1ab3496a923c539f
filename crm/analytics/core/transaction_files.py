"""Transactions from a CSV file (the analytics CLI's `--transactions FILE.csv`), read by DuckDB's CSV reader:
parallel, a few seconds for ten million rows, the delimiter (comma, semicolon, tab, pipe) sniffed.

    tx = transactions_from_file(path, customer_col="customer", date_col="date", amount_col="amount")
    tx.customer, tx.day, tx.amount      # as transactions_load(); tx.labels[code] is the file's customer id

Dates are ISO (`2026-03-01`, with or without a time). Customer ids that are all integers are kept as they are;
otherwise each distinct id gets an integer code and `labels` maps the code back. Every problem is reported as a
TransactionFileError naming it: a missing or empty file, an unknown column (with the columns there are), an
unparseable date or a non-numeric or negative amount (with its line and value), a missing customer id.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.utils.translation import gettext as _

from crm.analytics.core.errors import AnalyticsError
from crm.analytics.core.transactions import EPOCH, Transactions


class TransactionFileError(AnalyticsError):
    code = "transaction_file"


@dataclass(frozen=True)
class FileTransactions(Transactions):
    labels: np.ndarray | None = None  # the file's customer id of each code, when the ids are not integers

    def label_of(self, codes: np.ndarray) -> np.ndarray:
        return self.labels[codes] if self.labels is not None else codes


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _read_typed(
    con: Any, path: str, customer_col: str, date_col: str, amount_col: str
) -> FileTransactions | None:
    """The fast path: DuckDB parses integer ids, ISO dates and numbers itself (in parallel, no text copies).
    None when any cell does not parse or is empty, or an amount is negative or not finite: the caller's text
    path then finds the first such cell and names it."""
    import duckdb

    c, d, a = _quote(customer_col), _quote(date_col), _quote(amount_col)
    types = (
        "{"
        + ", ".join(
            f"{_literal(n)}: '{t}'"
            for n, t in ((customer_col, "BIGINT"), (date_col, "DATE"), (amount_col, "DOUBLE"))
        )
        + "}"
    )
    epoch = _literal(EPOCH.isoformat())
    try:
        arrays = con.execute(
            f"SELECT {c} AS customer, ({d} - DATE {epoch})::INTEGER AS day, {a} AS amount "  # noqa: S608 - quoted
            f"FROM read_csv({_literal(path)}, header=true, types={types})"
        ).fetchnumpy()
    except duckdb.Error:
        return None
    if any(np.ma.is_masked(arrays[k]) for k in ("customer", "day", "amount")):
        return None
    amount = np.asarray(arrays["amount"], dtype=np.float64)
    if amount.size == 0 or not np.all(np.isfinite(amount)) or np.any(amount < 0):
        return None
    return FileTransactions(
        customer=np.asarray(arrays["customer"], dtype=np.int64),
        day=np.asarray(arrays["day"], dtype=np.int32),
        amount=amount,
    )


def transactions_from_file(
    path: str | os.PathLike[str], *, customer_col: str, date_col: str, amount_col: str
) -> FileTransactions:
    import duckdb

    path = os.fspath(path)
    if not os.path.isfile(path):
        raise TransactionFileError(_("The file %(path)s does not exist.") % {"path": path})
    if os.path.getsize(path) == 0:
        raise TransactionFileError(_("The file %(path)s is empty.") % {"path": path})
    con = duckdb.connect(config={"preserve_insertion_order": True})
    con.execute("SET enable_progress_bar = false")
    try:
        try:
            con.execute(
                f"CREATE TEMP VIEW raw AS SELECT * FROM read_csv({_literal(path)}, header=true, all_varchar=true)"  # noqa: S608 - the path is a quoted literal
            )
            columns = [row[0] for row in con.execute("DESCRIBE raw").fetchall()]
        except duckdb.Error as exc:
            raise TransactionFileError(
                _("The file %(path)s cannot be read as CSV: %(reason)s")
                % {"path": path, "reason": str(exc).splitlines()[0]}
            ) from exc
        wanted = {"--customer-col": customer_col, "--date-col": date_col, "--amount-col": amount_col}
        for option, name in wanted.items():
            if name not in columns:
                raise TransactionFileError(
                    _("The file has no column “%(name)s” (%(option)s). Its columns are: %(columns)s.")
                    % {"name": name, "option": option, "columns": ", ".join(columns)}
                )
        c, d, a = _quote(customer_col), _quote(date_col), _quote(amount_col)
        fast = _read_typed(con, path, customer_col, date_col, amount_col)
        if fast is not None:
            return fast
        # something in the file is not a clean integer id, ISO date or number: read every cell as text to
        # find and name it (or to map text ids to codes)
        con.execute(
            f"""CREATE TEMP TABLE parsed AS SELECT
                  {c} AS c_raw, {d} AS d_raw, {a} AS a_raw,
                  TRY_CAST(trim({c}) AS BIGINT) AS cid,
                  COALESCE(TRY_CAST(trim({d}) AS DATE), TRY_CAST(TRY_CAST(trim({d}) AS TIMESTAMP) AS DATE)) AS day,
                  TRY_CAST(trim({a}) AS DOUBLE) AS amount
                FROM raw"""  # noqa: S608 - column names quoted by _quote
        )
        counts = con.execute(
            """SELECT count(*),
                      count(*) FILTER (WHERE c_raw IS NULL OR trim(c_raw) = ''),
                      count(*) FILTER (WHERE day IS NULL),
                      count(*) FILTER (WHERE amount IS NULL OR NOT isfinite(amount)),
                      count(*) FILTER (WHERE amount < 0),
                      count(*) FILTER (WHERE cid IS NULL)
               FROM parsed"""
        ).fetchone()
        assert counts is not None
        rows, no_customer, bad_day, bad_amount, negative, text_ids = counts
        if rows == 0:
            raise TransactionFileError(
                _("The file %(path)s has no transactions, only a header.") % {"path": path}
            )
        problems = (
            (
                no_customer,
                "c_raw IS NULL OR trim(c_raw) = ''",
                "c_raw",
                _("Line %(line)s has no customer id (column “%(column)s”)."),
            ),
            (
                bad_day,
                "day IS NULL",
                "d_raw",
                _("Line %(line)s: “%(value)s” in column “%(column)s” is not a date (write YYYY-MM-DD)."),
            ),
            (
                bad_amount,
                "amount IS NULL OR NOT isfinite(amount)",
                "a_raw",
                _("Line %(line)s: “%(value)s” in column “%(column)s” is not a number."),
            ),
            (
                negative,
                "amount < 0",
                "a_raw",
                _(
                    "Line %(line)s: the amount %(value)s in column “%(column)s” is negative; leave refunds out or net them into their order."
                ),
            ),
        )
        column_of = {"c_raw": customer_col, "d_raw": date_col, "a_raw": amount_col}
        for count, condition, raw, message in problems:
            if count:
                first_bad = con.execute(
                    f"SELECT rowid, {raw} FROM parsed WHERE {condition} ORDER BY rowid LIMIT 1"  # noqa: S608 - constant SQL fragments
                ).fetchone()
                assert first_bad is not None
                rowid, value = first_bad
                text = message % {
                    "line": rowid + 2,
                    "value": value if value is not None else "",
                    "column": column_of[raw],
                }
                if count > 1:
                    text += " " + _("(%(count)s lines have this problem.)") % {"count": count}
                raise TransactionFileError(text)
        labels = None
        if text_ids:
            con.execute(
                """CREATE TEMP TABLE codes AS
                   SELECT c, (row_number() OVER (ORDER BY c)) - 1 AS code
                   FROM (SELECT DISTINCT trim(c_raw) AS c FROM parsed)"""
            )
            labels = np.asarray(
                [row[0] for row in con.execute("SELECT c FROM codes ORDER BY code").fetchall()], dtype=object
            )
            query = (
                "SELECT codes.code AS customer, p.day, p.amount FROM parsed p "
                "JOIN codes ON codes.c = trim(p.c_raw) ORDER BY p.rowid"
            )
        else:
            query = "SELECT cid AS customer, day, amount FROM parsed"
        epoch = _literal(EPOCH.isoformat())
        arrays = con.execute(
            f"SELECT customer::BIGINT AS customer, (day - DATE {epoch})::INTEGER AS day, amount FROM ({query})"  # noqa: S608 - constant SQL fragments
        ).fetchnumpy()
    finally:
        con.close()
    return FileTransactions(
        customer=np.asarray(arrays["customer"], dtype=np.int64),
        day=np.asarray(arrays["day"], dtype=np.int32),
        amount=np.asarray(arrays["amount"], dtype=np.float64),
        labels=labels,
    )
