"""Bad input gives one line naming file, column or row, and exit status 2."""

import pandas as pd
import pytest
import yaml

from experiments.cli import main
from survey.datasets import EXAMPLES, example_paths


def _run(capsys, *args):
    status = main(["survey", "analyze", *map(str, args)])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def _codebook(tmp_path, change=None):
    raw = yaml.safe_load(example_paths("ecsi").codebook.read_text(encoding="utf-8"))
    if change:
        change(raw)
    path = tmp_path / "codebook.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def _one_line_error(status, err, *fragments):
    assert status == 2
    assert err.count("\n") == 1 and err.startswith("shoplab: error: ")
    for fragment in fragments:
        assert fragment in err
    assert "Traceback" not in err


@pytest.mark.parametrize("example", sorted(EXAMPLES))
def test_every_example_runs_and_prints_a_summary(capsys, tmp_path, example):
    status, out, err = _run(
        capsys, "--example", example, "--out", tmp_path, "--bootstrap", "20", "--no-plots"
    )
    assert status == 0, err
    assert "read 250 rows" in out and str(tmp_path) in out
    assert (tmp_path / "targets.json").is_file()


def test_empty_file(capsys, tmp_path):
    data = tmp_path / "empty.csv"
    data.write_text("")
    status, _, err = _run(capsys, data, "--codebook", _codebook(tmp_path), "--out", tmp_path)
    _one_line_error(status, err, "empty.csv", "empty")


def test_wrong_sheet(capsys, ecsi, tmp_path):
    data = tmp_path / "survey.xlsx"
    ecsi.to_excel(data, sheet_name="answers", index=False)
    status, _, err = _run(
        capsys, data, "--codebook", _codebook(tmp_path), "--sheet", "Sheet9", "--out", tmp_path
    )
    _one_line_error(status, err, "survey.xlsx", "'Sheet9'", "['answers']")


def test_unknown_column_in_codebook(capsys, ecsi, tmp_path):
    data = tmp_path / "survey.csv"
    ecsi.to_csv(data, index=False)

    def rename(raw):
        raw["constructs"]["Image"]["items"][0] = "IMAGE_ONE"

    status, _, err = _run(
        capsys, data, "--codebook", _codebook(tmp_path, rename), "--out", tmp_path
    )
    _one_line_error(status, err, "survey.csv", "'IMAGE_ONE'", "constructs.Image", "CUEX1")


def test_text_in_a_numeric_item(capsys, ecsi, tmp_path):
    data = tmp_path / "survey.csv"
    broken = ecsi.astype(object)
    broken.loc[3, "PERQ2"] = "good"
    broken.to_csv(data, index=False)
    status, _, err = _run(capsys, data, "--codebook", _codebook(tmp_path), "--out", tmp_path)
    # data row 3 (0-based) is spreadsheet row 5: header on row 1.
    _one_line_error(status, err, "survey.csv", "'PERQ2'", "row 5", "'good'", "1–10")


def test_all_missing_construct(capsys, ecsi, tmp_path):
    data = tmp_path / "survey.csv"
    ecsi.assign(PERV1=None, PERV2=None).to_csv(data, index=False)
    status, _, err = _run(capsys, data, "--codebook", _codebook(tmp_path), "--out", tmp_path)
    _one_line_error(status, err, "survey.csv", "'Value'", "PERV1", "no valid answers")


def test_one_item_construct_asked_for_alpha(capsys, tmp_path):
    def ask_alpha(raw):
        raw["constructs"]["Complaints"]["reliability"] = True

    status, _, err = _run(
        capsys,
        example_paths("ecsi").data,
        "--codebook",
        _codebook(tmp_path, ask_alpha),
        "--out",
        tmp_path,
    )
    _one_line_error(status, err, "codebook.yaml", "constructs.Complaints.reliability", "CUSCO")


def test_unknown_codebook_field_lists_allowed_fields(capsys, tmp_path):
    def typo(raw):
        raw["segment"] = ["gender"]

    status, _, err = _run(
        capsys,
        example_paths("ecsi").data,
        "--codebook",
        _codebook(tmp_path, typo),
        "--out",
        tmp_path,
    )
    _one_line_error(status, err, "segment: unknown field", "'segments'")


def test_missing_arguments_are_a_user_error(capsys, tmp_path):
    status, _, err = _run(capsys, "--out", tmp_path)
    _one_line_error(status, err, "--codebook")


@pytest.mark.parametrize("content", ["a,b\n", "IMAG1\n"])
def test_header_without_answers(capsys, tmp_path, content):
    data = tmp_path / "header.csv"
    data.write_text(content)
    status, _, err = _run(capsys, data, "--codebook", _codebook(tmp_path), "--out", tmp_path)
    _one_line_error(status, err, "header.csv")


def test_sav_that_is_not_spss(capsys, tmp_path):
    data = tmp_path / "fake.sav"
    data.write_bytes(b"not a sav file")
    status, _, err = _run(capsys, data, "--codebook", _codebook(tmp_path), "--out", tmp_path)
    _one_line_error(status, err, "fake.sav")


def test_bad_xlsx(capsys, tmp_path):
    data = tmp_path / "fake.xlsx"
    data.write_bytes(b"PK not really")
    status, _, err = _run(capsys, data, "--codebook", _codebook(tmp_path), "--out", tmp_path)
    _one_line_error(status, err, "fake.xlsx")


def test_output_folder_that_is_a_file(capsys, tmp_path):
    out = tmp_path / "taken"
    out.write_text("")
    status, _, err = _run(capsys, "--example", "ecsi", "--out", out, "--no-plots")
    _one_line_error(status, err, "taken", "cannot create the output folder")


@pytest.mark.parametrize("content", ["IMAG1,IMAG2\n1,2,3,4\n", "IMAG1,IMAG2\n1,2\n3,4,5\n"])
def test_row_with_more_fields_than_the_header(capsys, tmp_path, content):
    data = tmp_path / "ragged.csv"
    data.write_text(content)
    status, _, err = _run(capsys, data, "--codebook", _codebook(tmp_path), "--out", tmp_path)
    _one_line_error(status, err, "ragged.csv", "as many fields as the header")


def _labelled(ecsi, tmp_path):
    """CUSA1 written as 问卷星 text "8分"; codebook lacks "8分" and spells "9 分"."""
    data = tmp_path / "labelled.csv"
    ecsi.assign(CUSA1=ecsi["CUSA1"].map(lambda v: f"{v}分")).to_csv(
        data, index=False, encoding="gbk"
    )

    def labels(raw):
        raw["labels"] = {**{f"{k}分": k for k in range(1, 11) if k not in (8, 9)}, "9 分": 9}

    return data, _codebook(tmp_path, labels)


def test_half_matching_labels_stop_with_the_unmapped_texts(capsys, ecsi, tmp_path):
    data, codebook = _labelled(ecsi, tmp_path)
    status, _, err = _run(capsys, data, "--codebook", codebook, "--out", tmp_path / "o")
    # "9分" matches the label "9 分"; only "8分" is unmapped
    _one_line_error(
        status, err, "labelled.csv", "'CUSA1'", "109 answer(s)", "'8分' ×109", "--allow-unmapped"
    )
    assert "9分" not in err


def test_allow_unmapped_sets_them_missing_and_logs_them(capsys, ecsi, tmp_path):
    data, codebook = _labelled(ecsi, tmp_path)
    out = tmp_path / "o"
    status, stdout, err = _run(
        capsys,
        data,
        "--codebook",
        codebook,
        "--out",
        out,
        "--allow-unmapped",
        "--bootstrap",
        "0",
        "--no-plots",
    )
    assert status == 0, err
    assert "unmapped label: 109 entries, 109 rows" in stdout and "allow-unmapped" in stdout
    log = pd.read_csv(out / "cleaning_log.csv")
    unmapped = log[log["what"] == "unmapped label"]
    assert len(unmapped) == 109 and set(unmapped["value"]) == {"8分"}
    assert unmapped["why"].str.contains("--allow-unmapped").all()


def test_answers_outside_the_scale_stop_unless_allowed(capsys, ecsi, tmp_path):
    data = tmp_path / "survey.csv"
    ecsi.assign(PERQ2=ecsi["PERQ2"].where(ecsi.index % 10 != 0, 11)).to_csv(data, index=False)
    status, _, err = _run(capsys, data, "--codebook", _codebook(tmp_path), "--out", tmp_path)
    _one_line_error(status, err, "survey.csv", "'PERQ2'", "25 answer(s)", "11 ×25", "1–10")
    status, stdout, err = _run(
        capsys,
        data,
        "--codebook",
        _codebook(tmp_path),
        "--out",
        tmp_path / "o",
        "--allow-unmapped",
        "--bootstrap",
        "0",
        "--no-plots",
    )
    assert status == 0, err
    assert "out of range: 25 entries, 25 rows" in stdout


def test_wenjuanxin_durations_and_an_unreadable_one(capsys, ecsi, tmp_path):
    data = tmp_path / "wjx.csv"
    times = ["120秒", "5分3秒", "00:04:00", "3:30", "250"] * 50
    ecsi.assign(所用时间=times).to_csv(data, index=False, encoding="gbk")

    def speeders(raw):
        raw["speeders"] = {"column": "所用时间", "min_seconds": 200}

    codebook = _codebook(tmp_path, speeders)
    status, stdout, err = _run(
        capsys,
        data,
        "--codebook",
        codebook,
        "--out",
        tmp_path / "o",
        "--bootstrap",
        "0",
        "--no-plots",
    )
    assert status == 0, err
    assert "speeder: 50 entries, 50 rows" in stdout and "kept 200" in stdout
    ecsi.assign(所用时间=[*times[:-1], "about 2 min"]).to_csv(data, index=False, encoding="gbk")
    status, _, err = _run(capsys, data, "--codebook", codebook, "--out", tmp_path / "o")
    _one_line_error(status, err, "wjx.csv", "speeders column '所用时间'", "'about 2 min'")


def test_full_disk_is_one_line_and_leaves_no_partial_output(capsys, tiny_disk):
    # issue 15: a full disk gave an OSError traceback and left a 0-byte report.html
    status, _, err = _run(capsys, "--example", "ecsi", "--out", tiny_disk, "--bootstrap", "0")
    _one_line_error(status, err, str(tiny_disk), "cannot write the file (No space left on device)")
    for path in tiny_disk.rglob("*"):
        assert ".partial" not in path.name and (path.is_dir() or path.stat().st_size > 0)


def test_read_only_output_folder_is_one_line_before_the_analysis(capsys, read_only_disk):
    status, _, err = _run(capsys, "--example", "ecsi", "--out", read_only_disk, "--no-plots")
    _one_line_error(status, err, "cannot write in the output folder (Read-only file system)")


@pytest.mark.parametrize(
    "change, fragment",
    [
        (lambda cb: cb["constructs"]["Image"].update(reverse=["IMAG1", "IMAG1"]), "listed more"),
        (lambda cb: cb["scale"].update(min=float("nan")), "scale.min: Input should be a finite"),
        (lambda cb: cb["nps"].update(promoters_min=50), "nps.promoters_min: 50 is outside"),
    ],
)
def test_codebook_mistakes_from_the_issue_are_one_line(capsys, tmp_path, change, fragment):
    data = example_paths("ecsi").data
    status, _, err = _run(
        capsys, data, "--codebook", _codebook(tmp_path, change), "--out", tmp_path
    )
    _one_line_error(status, err, "codebook.yaml", fragment)


def test_utf16_and_binary_codebooks_are_one_line(capsys, tmp_path):
    text = example_paths("ecsi").codebook.read_text(encoding="utf-8")
    for name, content in [("u16.yaml", text.encode("utf-16")), ("bin.yaml", bytes(range(256)))]:
        path = tmp_path / name
        path.write_bytes(content)
        data = example_paths("ecsi").data
        status, _, err = _run(capsys, data, "--codebook", path, "--out", tmp_path / "out")
        _one_line_error(status, err, name, "cannot read codebook")
