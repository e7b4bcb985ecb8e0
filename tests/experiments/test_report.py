import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

from experiments.cli import main
from experiments.report import REPORT, load_report_data, write_report
from experiments.report.answer import scenario_rows
from experiments.report.formats import format_cny
from experiments.report.sections import SECTIONS
from sim.params import ModelParams

#: Segment names a user may type: markup (must be shown, never run) and Chinese.
HOSTILE, CHINESE = "<script>alert(1)</script>", "农村"


def _config(tmp_path: Path, **changes) -> Path:
    segments = ModelParams().model_dump(mode="json")["population"]["segments"]
    segments[0]["name"], segments[1]["name"] = HOSTILE, CHINESE
    config = {
        "name": "tiny",
        "horizon": 12,
        "replications": 2,
        "seed": 11,
        "model": {"population": {"size": 300, "segments": segments}},
        "scenarios": {"base": {}, "price_war": {"platforms.assortment_leader.price_index": 0.8}},
        "strategies": {
            "baseline": [],
            "points": [{"kind": "loyalty_points", "earn_rate": 2}],
            "reco": [{"kind": "recommendation"}],
        },
        **changes,
    }
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """A tiny experiment run by ``shoplab run`` with its plots: 3 arms, 2 scenarios, 2 reps."""
    tmp = tmp_path_factory.mktemp("report")
    out = tmp / "out"
    assert main(["run", str(_config(tmp)), "--out", str(out), "--quiet"]) == 0
    return out


@pytest.fixture(scope="module")
def page(folder) -> str:
    return (folder / REPORT).read_text(encoding="utf-8")


def test_run_writes_the_report_and_says_where(folder, capsys):
    # the fixture's own output is gone; run the report command for the message
    assert main(["report", str(folder)]) == 0
    assert capsys.readouterr().out.strip() == f"Report: {folder / REPORT}"


def test_sections_are_all_there_in_page_order(page):
    anchors = re.findall(r"<section id='([a-z]+)'>", page)
    assert anchors == [anchor for anchor, _ in SECTIONS]
    assert "<h1>Experiment report: tiny</h1>" in page
    headings = re.findall(r"<section id='[a-z]+'><h2>([^<]+)</h2>", page)
    assert headings == [title for _, title in SECTIONS]


def test_every_plot_of_the_run_is_embedded_once(folder, page):
    data = load_report_data(folder)
    drawn = sorted(p.stem for p in (folder / "plots").glob("*.png"))
    assert sorted(data.plots) == drawn and len(drawn) >= 8
    sources = re.findall(r"<img alt='[^']*' src='([^']*)'>", page)
    assert len(sources) == len(drawn)
    assert all(s.startswith("data:image/png;base64,") for s in sources)


def test_answer_sentence_agrees_with_ranking_csv(folder, page):
    ranking = pd.read_csv(folder / "ranking.csv", dtype={"scenario": str, "strategy": str})
    headlines = re.findall(r"<p class='headline'>([^<]+)</p>", page)
    assert len(headlines) == 2  # one per named scenario
    for scenario, line in zip(["base", "price_war"], headlines, strict=True):
        rows = scenario_rows(ranking, scenario)
        top = rows[rows["strategy"] != "baseline"].iloc[0]
        assert line.startswith(f"In the {scenario} scenario")
        assert f"{top['strategy']}" in line
        for column in ("profit_uplift", "profit_uplift_ci_low", "profit_uplift_ci_high"):
            assert format_cny(top[column]) in line
        if top["profit_uplift_ci_low"] > 0:
            assert "pays most" in line and f"{top['p_best']:.0%}" in line
        elif top["profit_uplift_ci_high"] < 0:
            assert "no strategy pays" in line
        else:  # the CI spans 0: never a claim that it pays
            assert "no strategy clearly pays" in line and "spans 0" in line


def test_text_from_data_is_escaped_and_chinese_kept(page):
    assert HOSTILE not in page and "alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.count("<script>") == 1  # the table sorter, nothing from the data
    assert CHINESE in page


def test_page_fetches_nothing_from_the_network(page):
    assert not re.search(r"(src|href)\s*=\s*['\"]?\s*(https?:)?//", page, re.IGNORECASE)
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", page, re.IGNORECASE)
    assert all(s.startswith("data:") for s in re.findall(r"src='([^']*)'", page))
    assert all(h.startswith("#") for h in re.findall(r"href='([^']*)'", page))


def test_report_command_rebuilds_the_same_bytes(folder, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(folder, copy)
    first = (copy / REPORT).read_bytes()
    (copy / REPORT).unlink()
    assert main(["report", str(copy)]) == 0
    assert (copy / REPORT).read_bytes() == first


def _one_line_error(capsys) -> str:
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    return err


def test_report_of_an_unfinished_experiment_is_refused(folder, tmp_path, capsys):
    copy = tmp_path / "copy"
    shutil.copytree(folder, copy)
    manifest = json.loads((copy / "manifest.json").read_text())
    (copy / "manifest.json").write_text(json.dumps({**manifest, "finished": None}))
    assert main(["report", str(copy)]) == 2
    assert "did not finish" in _one_line_error(capsys)


def test_report_of_tables_from_another_config_is_refused(folder, tmp_path, capsys):
    copy = tmp_path / "copy"
    shutil.copytree(folder, copy)
    manifest = json.loads((copy / "manifest.json").read_text())
    (copy / "manifest.json").write_text(json.dumps({**manifest, "config_sha256": "0" * 64}))
    assert main(["report", str(copy)]) == 2
    assert "merged from another config" in _one_line_error(capsys)


def test_report_without_ranking_csv_is_refused(folder, tmp_path, capsys):
    copy = tmp_path / "copy"
    shutil.copytree(folder, copy)
    (copy / "ranking.csv").unlink()
    assert main(["report", str(copy)]) == 2
    assert "ranking.csv: missing" in _one_line_error(capsys)


def test_report_of_an_empty_folder_is_refused(tmp_path, capsys):
    assert main(["report", str(tmp_path)]) == 2
    assert "no finished experiment here" in _one_line_error(capsys)


def test_a_plot_deleted_from_the_folder_is_drawn_again_in_memory(folder, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(folder, copy)
    (copy / "plots" / "frontier.png").unlink()
    data = load_report_data(copy)
    assert data.plots["frontier"].startswith("iVBORw0KGgo")  # a PNG, drawn again
    assert not (copy / "plots" / "frontier.png").exists()  # and not written


def test_without_plots_the_report_says_how_to_draw_them_and_plot_adds_them(tmp_path):
    out = tmp_path / "out"
    config = _config(tmp_path, horizon=4, outputs={"plots": False})
    assert main(["run", str(config), "--out", str(out), "--quiet"]) == 0
    page = (out / REPORT).read_text(encoding="utf-8")
    assert "<img" not in page and "outputs.plots: false" in page
    assert main(["plot", str(out)]) == 0  # draws the plots and rebuilds the report
    page = (out / REPORT).read_text(encoding="utf-8")
    assert page.count("<img") == len(list((out / "plots").glob("*.png"))) > 0


def test_sweep_points_and_sensitivity_are_reported(tmp_path):
    sweep = {"method": "morris", "samples": 2, "parameters": {"loyalty.winback_rate": [0.0, 0.01]}}
    config = _config(
        tmp_path,
        horizon=4,
        scenarios={"base": {}},
        strategies={"baseline": [], "points": [{"kind": "loyalty_points"}]},
        sweep=sweep,
        outputs={"plots": False},
    )
    out = tmp_path / "out"
    assert main(["run", str(config), "--out", str(out), "--quiet"]) == 0
    section = re.search(r"<section id='sweeps'>.*?</section>", write_report(out).read_text(), re.S)
    assert "A morris sweep over loyalty.winback_rate" in section.group()
    assert "sweep_0000" in section.group() and "Sensitivity indices" in section.group()
    assert "<th>loyalty.winback_rate</th>" in section.group()


def test_a_robustness_folder_gets_its_own_report_rebuilt_the_same(tmp_path, capsys):
    config = {
        "name": "toy",
        "horizon": 5,
        "replications": 1,
        "seed": 5,
        "model": {"population": {"size": 200}},
        "strategies": {"baseline": [], "reco": [{"kind": "recommendation"}]},
        "uncertain": {
            "strategies.recommendation.purchase_rate_mult": {
                "dist": "uniform",
                "low": 0.5,
                "high": 1.5,
            }
        },
        "robustness": {"samples": 2},
        "outputs": {"plots": False},
    }
    path = tmp_path / "toy.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    out = tmp_path / "out"
    assert main(["robustness", str(path), "--out", str(out), "--quiet"]) == 0
    assert f"Report: {out / REPORT}" in capsys.readouterr().out
    page = (out / REPORT).read_text(encoding="utf-8")
    anchors = re.findall(r"<section id='([a-z]+)'>", page)
    assert anchors == ["findings", "plots", "sobol", "boxes", "manifest"]
    assert "6 design points (Sobol, N = 2) over 1 uncertain parameters" in page
    assert "reco: " in page  # the findings, in words
    first = page
    assert main(["report", str(out)]) == 0
    assert (out / REPORT).read_text(encoding="utf-8") == first


def test_an_optimise_folder_gets_its_own_report_rebuilt_the_same(tmp_path):
    # the files of shoplab optimise, as it writes them (best.csv: reevaluate, best first)
    best = pd.DataFrame(
        {
            "rank": [1, 2],
            "arm": ["mix_1", "mix_2"],
            "mix": ["recommendation + <b>x</b>", "coupons"],
            "within_budget": [True, False],
            "n": 6,
            "cost_year": [67_794.0, 122_470.0],
            "profit_uplift": [5_000.0, -119_405.0],
            "profit_uplift_ci_low": [-1_000.0, -127_092.0],
            "profit_uplift_ci_high": [11_000.0, -111_717.0],
            "retained_uplift": [3536.5, 330.0],
        }
    )
    best.to_csv(tmp_path / "best.csv", index=False)
    pd.DataFrame({"trial": [0], "mix": ["coupons"], "specs": ["{}"]}).to_csv(
        tmp_path / "pareto.csv", index=False
    )
    (tmp_path / "best.yaml").write_text(
        "# The best strategy mixes `shoplab optimise` found for demo:\n"
        "# objective profit, budget 100,000 CNY a year, scenario base.\nname: demo-best\n"
    )
    page = write_report(tmp_path).read_text(encoding="utf-8")
    assert re.findall(r"<section id='([a-z]+)'>", page) == ["answer", "mixes", "front", "config"]
    assert "<h1>Optimisation report: demo</h1>" in page
    # the best mix within the budget has a CI that spans 0: never called a win
    assert "recommendation + &lt;b&gt;x&lt;/b&gt;, is not told from the baseline" in page
    assert "<b>x</b>" not in page
    first = page
    assert main(["report", str(tmp_path)]) == 0
    assert (tmp_path / REPORT).read_text(encoding="utf-8") == first
