"""The benchmarks stay runnable (their numbers are measured by hand, not here)."""

from benchmarks import model


def test_model_benchmark_reports_speed_and_memory(capsys):
    result = model.main(["--shoppers", "500", "--days", "5", "--json"])
    assert {"shoppers", "days", "agent_days_per_s", "peak_rss_mb"} <= set(result)
    assert '"agent_days_per_s"' in capsys.readouterr().out
