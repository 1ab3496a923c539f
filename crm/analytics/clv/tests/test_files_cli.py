"""`crm analytics clv` and the CSV reader: the JSON it prints, per-customer output, and a clear message (never a
traceback) for every bad input."""

from __future__ import annotations

import csv
import json
from io import StringIO
from pathlib import Path

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from crm.analytics.clv.simulation import simulate_transactions
from crm.analytics.core.transaction_files import TransactionFileError, transactions_from_file
from crm.analytics.core.transactions import day_date


@pytest.fixture(scope="module")
def sim_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tx = simulate_transactions(
        customers=3_000, days=730, seed=3, r=0.8, alpha=6, a=1.2, b=3.5, p=6, q=4, v=15
    )
    path = tmp_path_factory.mktemp("clv") / "tx.csv"
    with path.open("w") as f:
        f.write("client;fecha;importe\n")  # semicolons: the delimiter is sniffed
        for c, d, a in zip(tx.customer.tolist(), tx.day.tolist(), tx.amount.tolist(), strict=True):
            f.write(f"C-{c};{day_date(d)};{a:.2f}\n")
    return path


def _run(*args: str) -> tuple[dict, str]:
    out, err = StringIO(), StringIO()
    call_command("analytics", "clv", *args, stdout=out, stderr=err)
    return json.loads(out.getvalue()), err.getvalue()


def test_cli_fits_a_file_and_prints_the_parameters(sim_csv: Path, tmp_path: Path) -> None:
    per_customer = tmp_path / "out.csv"
    result, _err = _run(
        "--transactions",
        str(sim_csv),
        "--customer-col",
        "client",
        "--date-col",
        "fecha",
        "--amount-col",
        "importe",
        "--calibration-end",
        "2022-12-31",
        "--horizon",
        "26",
        "--per-customer",
        str(per_customer),
    )
    assert set(result["bgnbd"]) == {"r", "alpha", "a", "b", "log_likelihood"}
    assert set(result["gamma_gamma"]) == {"p", "q", "v"}
    assert result["customers"] > 1000 and result["bgnbd"]["log_likelihood"] < 0
    assert 0.4 < result["bgnbd"]["r"] < 1.6 and 3 < result["gamma_gamma"]["p"] < 12
    assert result["holdout"]["buckets"][0]["frequency"] == "0"
    with per_customer.open() as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == result["customers"]
    assert rows[0]["customer"].startswith("C-")  # the file's own ids, not the internal codes
    assert all(float(r["clv"]) >= 0 and 0 <= float(r["p_alive"]) <= 1 for r in rows)


def test_file_reader_keeps_integer_ids_and_maps_text_ids(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("c\td\ta\n17\t2026-01-02\t5\n4\t2026-01-03 10:30:00\t6.5\n")  # tab-separated, a datetime
    tx = transactions_from_file(path, customer_col="c", date_col="d", amount_col="a")
    assert tx.customer.tolist() == [17, 4] and tx.labels is None
    assert [str(day_date(d)) for d in tx.day] == ["2026-01-02", "2026-01-03"]
    assert tx.amount.tolist() == [5.0, 6.5]
    path.write_text("c,d,a\nzed,2026-01-02,5\nann,2026-01-03,6\nzed,2026-01-04,1\n")
    tx = transactions_from_file(path, customer_col="c", date_col="d", amount_col="a")
    assert tx.labels is not None and tx.labels[tx.customer].tolist() == ["zed", "ann", "zed"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "does not exist"),
        ("", "is empty"),
        ("c,d,a\n", "no transactions"),
        ("c,date,a\n1,2026-01-01,5\n", "no column “d” (--date-col). Its columns are: c, date, a"),
        ("c,d,a\n1,2026-01-01,5\n2,01/13/2026,5\n", "Line 3: “01/13/2026” in column “d” is not a date"),
        ("c,d,a\n1,2026-01-01,5\n2,2026-01-02,-4\n", "Line 3: the amount -4 in column “a” is negative"),
        ("c,d,a\n1,2026-01-01,five\n", "Line 2: “five” in column “a” is not a number"),
        ("c,d,a\n1,2026-01-01,\n", "Line 2: “” in column “a” is not a number"),
        ("c,d,a\n,2026-01-01,4\n", "Line 2 has no customer id"),
    ],
)
def test_file_reader_names_each_problem(tmp_path: Path, content: str | None, message: str) -> None:
    path = tmp_path / "bad.csv"
    if content is not None:
        path.write_text(content)
    with pytest.raises(TransactionFileError) as caught:
        transactions_from_file(path, customer_col="c", date_col="d", amount_col="a")
    assert message in caught.value.message


@pytest.mark.parametrize(
    ("content", "extra", "message"),
    [
        ("c,d,a\n", [], "no transactions"),
        ("c,d,a\n1,2026-01-01,5\n", ["--amount-col", "amount"], "no column “amount” (--amount-col)"),
        ("c,d,a\n1,2026-01-01,5\n1,2026-02-01,5\n", [], "at least 2 customers"),
        ("c,d,a\n1,2026-01-01,5\n", ["--calibration-end", "31/12/2026"], "YYYY-MM-DD"),
        (
            "c,d,a\n1,2026-01-01,5\n2,2026-02-01,5\n",
            ["--calibration-end", "2020-01-01"],
            "at least 2 customers",
        ),
        (
            "c,d,a\n1,2026-01-01,5\n2,2026-02-01,5\n3,2026-02-03,1\n1,2026-03-01,2\n2,2026-03-02,2\n",
            ["--horizon", "-3"],
            "horizon",
        ),
    ],
)
def test_cli_bad_input_is_a_clear_command_error(
    tmp_path: Path, content: str, extra: list[str], message: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content)
    args = [
        "--transactions",
        str(path),
        "--customer-col",
        "c",
        "--date-col",
        "d",
        "--amount-col",
        "a",
        *extra,
    ]
    if "--amount-col" in extra:
        args = ["--transactions", str(path), "--customer-col", "c", "--date-col", "d", *extra]
    with pytest.raises(CommandError) as caught:
        call_command("analytics", "clv", *args, stdout=StringIO(), stderr=StringIO())
    assert message in str(caught.value)
    assert "Traceback" not in str(caught.value)


def test_integer_ids_survive_large_values(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("c,d,a\n9007199254740993,2026-01-02,5\n")
    tx = transactions_from_file(path, customer_col="c", date_col="d", amount_col="a")
    assert tx.customer.dtype == np.int64 and tx.customer.tolist() == [9007199254740993]
