"""The same respondents in five file layouts give identical statistics."""

import json
import re
import zipfile

import pandas as pd
import pytest

from survey.analyze import run_analysis
from survey.codebook import parse_codebook
from survey.errors import DataError
from survey.file_limits import MAX_CELL_CHARS, PROBE_BYTES, check_xlsx
from survey.io import read_survey


def _codebook(ecsi_codebook, **changes):
    raw = ecsi_codebook.model_dump(exclude_defaults=True)
    raw.update(changes)
    return parse_codebook(raw)


def _statistics(path, codebook):
    analysis = run_analysis(read_survey(path, header_rows=codebook.header_rows), codebook, n_boot=0)
    return analysis.tables, analysis.targets


def _assert_same(reference, other):
    tables, targets = reference
    other_tables, other_targets = other
    for name in [
        "descriptives",
        "reliability",
        "validity",
        "correlations",
        "regression",
        "nps",
        "pls_paths",
        "pls_r2",
        "curve",
    ]:
        pd.testing.assert_frame_equal(tables[name], other_tables[name], rtol=1e-12)
    assert {k: v for k, v in targets.items() if k != "source"} == {
        k: v for k, v in other_targets.items() if k != "source"
    }


@pytest.fixture(scope="module")
def reference(ecsi, ecsi_codebook, tmp_path_factory):
    path = tmp_path_factory.mktemp("plain") / "plain.csv"
    ecsi.to_csv(path, index=False)
    return _statistics(path, ecsi_codebook)


def test_gbk_csv_with_chinese_metadata_gives_identical_statistics(
    ecsi_wjx, ecsi_codebook, reference, tmp_path
):
    path = tmp_path / "gbk.csv"
    ecsi_wjx.to_csv(path, index=False, encoding="gbk")
    codebook = _codebook(ecsi_codebook, identifying=["来源IP"])
    _assert_same(reference, _statistics(path, codebook))


def test_utf8_bom_csv_gives_identical_statistics(ecsi_wjx, ecsi_codebook, reference, tmp_path):
    path = tmp_path / "bom.csv"
    ecsi_wjx.to_csv(path, index=False, encoding="utf-8-sig")
    _assert_same(reference, _statistics(path, ecsi_codebook))


def test_xlsx_with_chinese_question_headers_and_text_labels(
    ecsi, ecsi_codebook, ecsi_labels, write_ecsi_xlsx, reference, tmp_path
):
    # Columns are full question texts; answers 1 and 10 are written as their labels.
    items = list(ecsi.columns)
    path = tmp_path / "问卷.xlsx"
    write_ecsi_xlsx(path)
    raw = ecsi_codebook.model_dump(exclude_defaults=True)
    for construct in raw["constructs"].values():
        construct["items"] = [
            {"name": item, "header": f"^第{items.index(item) + 1}题："}
            for item in construct["items"]
        ]
    raw["labels"] = ecsi_labels
    codebook = parse_codebook(raw)
    table = read_survey(path, sheet="答卷")
    analysis = run_analysis(table, codebook, n_boot=0)
    _assert_same(reference, (analysis.tables, analysis.targets))


def test_spss_sav_with_value_labels_and_user_missing(
    ecsi_codebook, write_ecsi_sav, reference, tmp_path
):
    # One extra respondent answered 99 (declared user-missing in the .sav) everywhere.
    path = tmp_path / "survey.sav"
    write_ecsi_sav(path)
    table = read_survey(path)
    assert table.user_missing["CUSA1"] == [99.0]
    assert table.value_labels["CUSA1"][10.0] == "非常满意"
    analysis = run_analysis(table, ecsi_codebook, n_boot=0)
    _assert_same(reference, (analysis.tables, analysis.targets))
    assert set(analysis.cleaned.log["what"]) == {"missing code", "no valid answers"}


def test_qualtrics_export_with_three_header_rows(ecsi, ecsi_codebook, reference, tmp_path):
    meta = pd.DataFrame(
        {
            "StartDate": "2024-05-01 10:00:00",
            "IPAddress": "192.0.2.44",
            "Duration (in seconds)": 300,
            "ResponseId": [f"R_{k:05d}" for k in range(len(ecsi))],
        }
    )
    body = pd.concat([meta, ecsi], axis=1).astype(str)
    questions = {column: f"How much do you agree? - {column}" for column in body.columns}
    import_ids = {
        column: json.dumps({"ImportId": f"QID{k}"}) for k, column in enumerate(body.columns)
    }
    path = tmp_path / "qualtrics.csv"
    pd.concat([pd.DataFrame([questions, import_ids]), body]).to_csv(path, index=False)
    table = read_survey(path)
    assert table.data.index[0] == 4  # first answer is on spreadsheet row 4
    assert table.questions["CUSA1"] == "How much do you agree? - CUSA1"
    codebook = _codebook(ecsi_codebook, identifying=["IPAddress"], id_column="ResponseId")
    _assert_same(reference, _statistics(path, codebook))


def test_wrong_sheet_lists_the_sheets(ecsi, tmp_path):
    path = tmp_path / "book.xlsx"
    ecsi.to_excel(path, sheet_name="answers", index=False)
    with pytest.raises(DataError, match=r"no sheet 'data'; allowed sheets: \['answers'\]"):
        read_survey(path, sheet="data")


def test_empty_and_unknown_files_are_refused(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(DataError, match="empty.csv: the file is empty"):
        read_survey(empty)
    with pytest.raises(DataError, match="unknown file type '.json'"):
        read_survey(tmp_path / "x.json")
    with pytest.raises(DataError, match="no such file"):
        read_survey(tmp_path / "missing.csv")


def test_xlsx_falls_back_to_openpyxl_when_calamine_fails(ecsi, tmp_path, monkeypatch):
    path = tmp_path / "book.xlsx"
    ecsi.to_excel(path, index=False)
    real = pd.ExcelFile

    def calamine_broken(source, engine=None, **kwargs):
        if engine == "calamine":
            raise RuntimeError("calamine cannot read this workbook")
        return real(source, engine=engine, **kwargs)

    monkeypatch.setattr(pd, "ExcelFile", calamine_broken)
    pd.testing.assert_frame_equal(read_survey(path).data.reset_index(drop=True), ecsi)


def test_explicit_second_header_row_holds_question_texts(tmp_path):
    path = tmp_path / "two_rows.csv"
    path.write_text("q1,q2\nHow satisfied?,Would you recommend?\n4,5\n3,2\n", encoding="utf-8")
    table = read_survey(path, header_rows=2)
    assert table.questions == {"q1": "How satisfied?", "q2": "Would you recommend?"}
    assert list(table.data.index) == [3, 4]
    assert table.data["q2"].tolist() == ["5", "2"]  # text until cleaning maps it


def test_semicolon_csv_from_european_excel(ecsi, tmp_path):
    path = tmp_path / "semicolon.csv"
    ecsi.to_csv(path, sep=";", index=False)
    pd.testing.assert_frame_equal(read_survey(path).data.reset_index(drop=True), ecsi)


# Hostile files (issue 15): refused in one line, before calamine allocates anything.


def _rewrite_member(source, target, name, change):
    """Copy an XLSX archive member by member, passing one member's bytes through change."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for member in old.infolist():
            data = old.read(member)
            new.writestr(member, change(data) if member.filename == name else data)


def _refuse_calamine(monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("the workbook reached a reader")

    monkeypatch.setattr(pd, "ExcelFile", never)


def test_small_workbook_declaring_a_whole_sheet_is_refused_before_reading(
    ecsi, tmp_path, monkeypatch
):
    plain = tmp_path / "plain.xlsx"
    ecsi.to_excel(plain, index=False)
    hostile = tmp_path / "declares_all.xlsx"
    _rewrite_member(
        plain,
        hostile,
        "xl/worksheets/sheet1.xml",
        lambda xml: re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1:XFD1048576"', xml),
    )
    assert hostile.stat().st_size < 40_000  # a ~21 KB file
    _refuse_calamine(monkeypatch)
    # 16384 columns (A..XFD) x 1048576 rows, the Excel maximum sheet
    with pytest.raises(
        DataError, match=r"declares_all.xlsx: .* declares 17179869184 cells; the limit is 50000000$"
    ):
        read_survey(hostile)


def test_dimension_hidden_behind_padding_is_refused(tmp_path):
    padded = tmp_path / "padded.xlsx"
    sheet = (
        '<worksheet><sheetPr codeName="' + "p" * PROBE_BYTES + '"/>'
        '<dimension ref="A1:XFD1048576"/><sheetData/></worksheet>'
    )
    with zipfile.ZipFile(padded, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    with pytest.raises(DataError, match=r"padded.xlsx: sheet .* has no <dimension> or <sheetData>"):
        check_xlsx(padded)


def test_workbook_unpacking_beyond_the_byte_limit_is_refused(tmp_path):
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", b"\0" * 2_000_000)  # ~2 KB compressed
    assert bomb.stat().st_size < 10_000
    with pytest.raises(
        DataError, match=r"bomb.xlsx: the workbook unpacks to 2000\d* bytes; the limit is 1000000$"
    ):
        check_xlsx(bomb, max_bytes=1_000_000)
    check_xlsx(bomb, max_bytes=3_000_000)  # under the limit: accepted


def test_cell_text_over_the_limit_is_refused_showing_forty_characters(ecsi, tmp_path):
    frame = ecsi.head(5).astype(object)
    frame.loc[3, "age"] = "LONGCELL"
    plain = tmp_path / "plain.xlsx"
    frame.to_excel(plain, index=False)
    # Excel writers cut cells at 32767 characters; a hostile file is written by hand
    path = tmp_path / "long.xlsx"
    long_text = b"y" * (MAX_CELL_CHARS + 1)
    _rewrite_member(
        plain, path, "xl/worksheets/sheet1.xml", lambda xml: xml.replace(b"LONGCELL", long_text)
    )
    with pytest.raises(DataError) as caught:
        read_survey(path)
    message = str(caught.value)
    assert "\n" not in message and "row 5, column 'age'" in message  # header row 1, frame row 3
    assert f"a cell of {MAX_CELL_CHARS + 1} characters; the limit is {MAX_CELL_CHARS}" in message
    assert "y" * 40 in message and "y" * 41 not in message


def test_truncated_zip_gives_one_line(ecsi, tmp_path):
    plain = tmp_path / "plain.xlsx"
    ecsi.to_excel(plain, index=False)
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(plain.read_bytes()[: plain.stat().st_size // 2])
    with pytest.raises(DataError, match=r"cut.xlsx: not a readable XLSX workbook \(corrupt zip"):
        read_survey(cut)


def test_broken_xml_inside_a_valid_zip_gives_one_line(ecsi, tmp_path):
    plain = tmp_path / "plain.xlsx"
    ecsi.to_excel(plain, index=False)
    broken = tmp_path / "broken.xlsx"
    _rewrite_member(plain, broken, "xl/worksheets/sheet1.xml", lambda xml: xml[: len(xml) // 2])
    with pytest.raises(DataError) as caught:
        read_survey(broken)
    assert str(caught.value).startswith(f"{broken}: ") and "\n" not in str(caught.value)


def test_binary_file_named_csv_is_refused(tmp_path):
    path = tmp_path / "photo.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(
        DataError, match=r"photo.csv: a binary file, not a CSV text file \(NUL byte at offset 8\)"
    ):
        read_survey(path)


def test_duplicated_header_is_an_error_naming_both_columns(ecsi, tmp_path):
    # issue 15: a duplicated header CUSA1 became CUSA1.1 and only the first was analysed
    columns = list(ecsi.columns)
    second = columns.index("CUSA2")
    path = tmp_path / "dup.csv"
    ecsi.set_axis([*columns[:second], "CUSA1", *columns[second + 1 :]], axis=1).to_csv(
        path, index=False
    )
    first = columns.index("CUSA1") + 1
    with pytest.raises(DataError) as caught:
        read_survey(path)
    assert str(caught.value) == (
        f"{path}: the header names two columns 'CUSA1' (columns {first} and {second + 1}; "
        "the second would be read as 'CUSA1.1' and not analysed); column names must be unique"
    )


@pytest.mark.parametrize("second", ["Q1", "Q1 "])
def test_duplicated_header_in_a_workbook_is_an_error_too(tmp_path, second):
    path = tmp_path / "dup.xlsx"
    pd.DataFrame([[1, 2, 3]], columns=["id", "Q1", second]).to_excel(path, index=False)
    with pytest.raises(DataError, match=r"dup.xlsx: the header names two columns 'Q1' \(columns 2"):
        read_survey(path)


def test_rows_with_fewer_fields_than_the_header_are_an_error(ecsi, tmp_path):
    # issue 15: short rows were padded with missing values and n fell from 250 to 125
    lines = ecsi.to_csv(index=False).splitlines()
    cut = [lines[0]] + [
        ",".join(line.split(",")[:10]) if k % 2 == 0 else line for k, line in enumerate(lines[1:])
    ]
    path = tmp_path / "short.csv"
    path.write_text("\n".join(cut) + "\n")
    with pytest.raises(DataError) as caught:
        read_survey(path)
    assert str(caught.value).startswith(
        f"{path}: row 2 has 10 fields but the header has 24 (125 short rows in all)"
    )


def test_blank_lines_and_empty_fields_are_not_short_rows(tmp_path):
    path = tmp_path / "ok.csv"
    path.write_text('q1,q2,q3\n1,,3\n\n  \n4,"5,5",\n')
    table = read_survey(path)
    assert table.data.shape == (2, 3) and table.data["q2"].isna().iloc[0]


def _workbook_with_unread_cells(path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["id", "Q1", "Q2", "Q3"])
    sheet.append(["a", 1, "=1/0", 2])
    sheet.append(["b", 2, 3, "=B3*2"])
    sheet.append(["c", 3, 4, 5])
    plain = path.with_name("plain.xlsx")
    book.save(plain)
    # an error value with its cached code, as Excel saves it
    _rewrite_member(
        plain,
        path,
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace(
            b'<c r="C4" t="n"><v>4</v></c>', b'<c r="C4" t="e"><f>1/0</f><v>#DIV/0!</v></c>'
        ),
    )


def test_formulas_without_value_and_error_values_are_listed_by_column(tmp_path):
    path = tmp_path / "formulas.xlsx"
    _workbook_with_unread_cells(path)
    table = read_survey(path)
    assert table.data["Q2"].isna().tolist() == [True, False, True]  # what calamine reads
    assert table.unread.to_dict("records") == [
        {"row": 2, "column": "Q2", "kind": "formula without cached value", "value": ""},
        {"row": 3, "column": "Q3", "kind": "formula without cached value", "value": ""},
        {"row": 4, "column": "Q2", "kind": "spreadsheet error value", "value": "#DIV/0!"},
    ]


def test_genuine_columns_named_like_a_renamed_one_are_read(tmp_path):
    path = tmp_path / "sub.xlsx"
    pd.DataFrame([[1, 2, 3]], columns=["id", "Q1", "Q1.1"]).to_excel(path, index=False)
    assert list(read_survey(path).data.columns) == ["id", "Q1", "Q1.1"]


def test_csv_and_plain_workbooks_have_no_unread_cells(ecsi, tmp_path):
    path = tmp_path / "plain.xlsx"
    ecsi.to_excel(path, index=False)
    assert read_survey(path).unread.empty


@pytest.mark.parametrize(
    "text, row",
    [
        ('q1,q2\n"1,2"\n3,4\n', 2),  # a quoted separator is inside one field
        ("q1,q2\r\n1,2\r\n\r\n3\r\n", 3),  # Windows line ends, a blank line skipped
        ("q1;q2\n1;2\n3\n", 3),
    ],
)
def test_short_rows_are_counted_as_a_csv_reader_counts_fields(tmp_path, text, row):
    path = tmp_path / "s.csv"
    path.write_bytes(text.encode())
    with pytest.raises(DataError, match=rf"s.csv: row {row} has 1 field but the header has 2"):
        read_survey(path)
