"""The order-log benchmark stays runnable (its numbers are measured by hand, not here)."""

from benchmarks import orders


def test_generated_log_has_exactly_the_orders_and_customers_asked_for():
    log = orders.synthetic_orders(5_000, 500)
    assert len(log) == 5_000 and log["customer_id"].nunique() == 500
    assert (log["amount"] > 0).all()
    assert log["date"].between("2024-01-01", "2025-12-31").all()


def test_benchmark_reports_each_format_by_step(capsys):
    result = orders.main(["--orders", "3000", "--customers", "300", "--json"])
    for kind in ("csv", "parquet"):
        steps = [
            result[f"{kind}_{step}_seconds"] for step in ("read", "clean", "analysis", "write")
        ]
        assert result[f"{kind}_seconds"] == round(sum(steps), 3)
    assert '"peak_rss_mb"' in capsys.readouterr().out
