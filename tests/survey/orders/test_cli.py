"""shoplab orders analyze: the CDNOW example end to end; bad logs give one line and exit 2."""

import json

import pandas as pd
import pytest

from experiments.cli import main

GOOD = "customer_id,date,amount\n1,2024-01-02,10\n1,2024-02-03,5\n2,2024-01-05,7\n2,2024-03-01,3\n"


def _run(capsys, *args):
    status = main(["orders", "analyze", *map(str, args)])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def _one_line_error(status, err, *fragments):
    assert status == 2
    assert err.count("\n") == 1 and err.startswith("shoplab: error: "), err
    for fragment in fragments:
        assert fragment in err
    assert "Traceback" not in err


def test_example_cdnow_writes_every_output_and_a_self_contained_report(capsys, tmp_path):
    status, out, err = _run(capsys, "--example", "cdnow", "--out", tmp_path, "--bootstrap", "20")
    assert status == 0, err
    assert "read 6919 rows" in out and "exact duplicate rows: 21 rows" in out
    for name in [
        "summary.csv", "cohorts.csv", "bgnbd.csv", "gammagamma.csv", "customers.parquet",
        "targets.json", "cleaning_log.csv", "holdout.csv", "tracking.csv", "report.html",
    ]:  # fmt: skip
        assert (tmp_path / name).is_file(), name
    plots = sorted(p.name for p in (tmp_path / "plots").iterdir())
    assert plots == [
        "cohort_curves.png", "holdout_by_frequency.png", "holdout_tracking.png", "lorenz.png",
        "p_alive_matrix.png",
    ]  # fmt: skip
    report = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert report.count("data:image/png;base64,") == 5 and "src='plots/" not in report
    assert "r = 0.243, alpha = 4.414, a = 0.793, b = 2.426, log-likelihood -9582.4" in report
    targets = json.loads((tmp_path / "targets.json").read_text())
    assert targets["schema"] == "shoplab.market.targets/1" and len(targets["targets"]) == 5
    customers = pd.read_parquet(tmp_path / "customers.parquet")
    # no personal data beyond the customer id
    assert not {"name", "email", "phone", "address"} & set(customers.columns)


def test_mapping_from_the_command_line_and_unparsable_dates_logged(capsys, tmp_path):
    log = tmp_path / "log.csv"
    log.write_text(
        "client;day;total\n1;02.01.2024;10\n1;03.02.2024;5\n2;05.01.2024;7\n2;31.02.2024;3\n"
    )
    status, out, err = _run(
        capsys, log, "--customer", "client", "--date", "day", "--amount", "total",
        "--date-format", "%d.%m.%Y", "--calibration-end", "2024-01-31", "--out", tmp_path / "o",
        "--no-plots", "--bootstrap", "0",
    )  # fmt: skip
    assert status == 0, err
    assert "unparsable date: 1 rows" in out
    entry = pd.read_csv(tmp_path / "o" / "cleaning_log.csv").iloc[0]
    assert (entry["what"], str(entry["rows"]), entry["example"]) == (
        "unparsable date",
        "5",
        "31.02.2024",
    )


def test_negative_amounts_are_refunds_in_the_cleaning_log(capsys, tmp_path):
    log = tmp_path / "log.csv"
    log.write_text(GOOD + "1,2024-02-10,-5\n3,2024-02-10,-1\n")
    status, out, err = _run(
        capsys, log, "--calibration-end", "2024-01-31", "--out", tmp_path / "o", "--no-plots"
    )
    assert status == 0, err
    assert "refund matched: 1 rows" in out and "unmatched refund: 1 rows" in out
    assert "fully refunded order removed: 1 rows" in out


def test_mixed_type_ids_from_xlsx_are_normalised_and_logged(capsys, tmp_path):
    log = tmp_path / "log.xlsx"
    pd.DataFrame(
        {
            "customer_id": [12, "12", 12.5, "7"],
            "date": ["2024-01-02", "2024-02-02", "2024-01-03", "2024-01-04"],
            "amount": [1, 2, 3, 4],
        }
    ).to_excel(log, index=False)
    status, _, err = _run(capsys, log, "--calibration-end", "2024-01-31", "--out", tmp_path / "o")
    _one_line_error(status, err, "log.xlsx", "customer_id", "12.5 is not a whole number")


@pytest.mark.parametrize(
    ("content", "args", "fragments"),
    [
        ("", [], ["empty.csv", "the file is empty"]),
        ("client,date,amount\n1,2024-01-01,3\n", [], ["no column 'customer_id' for customer_id"]),
        (GOOD, ["--amount", "total"], ["no column 'total' for amount", "columns: ['customer_id'"]),
        (
            "customer_id,date,amount\n1,x,3\n",
            [],
            ["no order left after cleaning", "unparsable date: 1"],
        ),
        (GOOD, ["--churn-window", "0"], ["churn window 0 days; allowed: 1 or more"]),
        (GOOD, ["--period", "W", "--margin", "2"], ["margin 2.0"]),
        (
            # fuzz finding: 1e300 amounts gave exit 0 and an AOV standard error of inf
            "customer_id,date,amount\n1,2024-01-01,3\n2,2024-01-02,1e300\n3,2024-01-03,1e300\n",
            [],
            ["empty.csv: column amount: 2 amount(s) not finite", "first in row 3 ('1e300')"],
        ),
    ],
)
def test_bad_logs_and_options_are_one_line_errors(capsys, tmp_path, content, args, fragments):
    log = tmp_path / "empty.csv"
    log.write_text(content)
    status, _, err = _run(
        capsys, log, "--calibration-end", "2024-01-31", "--out", tmp_path / "o", *args
    )
    _one_line_error(status, err, *fragments)


def test_unknown_mapping_key_names_the_file(capsys, tmp_path):
    log = tmp_path / "log.csv"
    log.write_text(GOOD)
    mapping = tmp_path / "map.yaml"
    mapping.write_text("customer: id\n")
    status, _, err = _run(
        capsys, log, "--mapping", mapping, "--calibration-end", "2024-01-31", "--out", tmp_path
    )
    _one_line_error(status, err, "map.yaml: unknown key(s) ['customer']; allowed: ")


def test_log_without_calibration_end_is_refused(capsys, tmp_path):
    log = tmp_path / "log.csv"
    log.write_text(GOOD)
    status, _, err = _run(capsys, log, "--out", tmp_path)
    _one_line_error(status, err, "need LOG and --calibration-end DATE")


def test_max_amount_of_a_mapping_file_survives_the_command_line_options(tmp_path):
    import argparse

    from survey.orders.cli import mapping_from_args

    path = tmp_path / "map.yaml"
    path.write_text("amount: total\nmax_amount: 5.0e+10\n")
    options = dict.fromkeys(
        ["customer", "date", "order_id", "channel", "segment", "group_order", "quantity"]
    )
    args = argparse.Namespace(mapping=path, amount=None, date_format=None, **options)
    mapping = mapping_from_args(args)
    assert mapping.max_amount == 5e10 and mapping.amount == "total"
