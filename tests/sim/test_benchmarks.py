"""The benchmarks stay runnable (their numbers are measured by hand, not here)."""

from benchmarks import mesa_agents, model


def test_model_benchmark_reports_speed_and_memory(capsys):
    result = model.main(["--shoppers", "500", "--days", "5", "--json"])
    assert {"shoppers", "days", "agent_days_per_s", "peak_rss_mb"} <= set(result)
    assert '"agent_days_per_s"' in capsys.readouterr().out


def test_mesa_agent_benchmark_runs_both_versions():
    result = mesa_agents.main(["--shoppers", "300", "--days", "3", "--json"])
    assert result["speedup"] > 0
