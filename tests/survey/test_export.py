import pandas as pd
from openpyxl import load_workbook

from survey.export import neutralise_formulas, write_csv, write_workbook

DANGEROUS = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "plain", "\t=1"]


def test_text_cells_starting_like_formulas_are_quoted_numbers_untouched():
    table = neutralise_formulas(pd.DataFrame({"text": DANGEROUS, "number": [-1.5] * 6}))
    assert table["text"].tolist() == ["'" + v for v in DANGEROUS[:4]] + ["plain", "'\t=1"]
    assert table["number"].tolist() == [-1.5] * 6


def test_workbook_holds_no_formulas_and_one_sheet_per_table(tmp_path):
    path = write_workbook(
        {"log": pd.DataFrame({"value": DANGEROUS}), "a/b:c": pd.DataFrame({"x": [1]})},
        tmp_path / "s.xlsx",
    )
    book = load_workbook(path)
    assert book.sheetnames == ["log", "a_b_c"]
    cells = [cell for row in book["log"].iter_rows(min_row=2) for cell in row]
    assert all(cell.data_type == "s" for cell in cells)
    assert cells[0].value == "'" + DANGEROUS[0]


def test_csv_is_neutralised(tmp_path):
    path = write_csv(pd.DataFrame({"value": ["=1+1"]}), tmp_path / "t.csv")
    assert path.read_text(encoding="utf-8").splitlines()[1] == "'=1+1"
