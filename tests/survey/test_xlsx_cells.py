import zipfile

import openpyxl
import pandas as pd

from survey.xlsx_cells import unread_cells


def _workbook(path, rows, title="答卷"):
    book = openpyxl.Workbook()
    book.active.title = "cover"
    sheet = book.create_sheet(title)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def _with_sheet_xml(source, target, change):
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for item in old.infolist():
            data = old.read(item.filename)
            new.writestr(item, change(data) if item.filename.endswith("sheet2.xml") else data)
    return target


def test_booleans_formulas_and_errors_are_found_on_the_named_sheet(tmp_path):
    path = _workbook(tmp_path / "a.xlsx", [["Q1", "Q2"], [True, "=A2+1"], [False, 3]])
    cells = unread_cells(path, "答卷")
    assert cells.to_dict("records") == [
        {"row": 2, "position": 0, "kind": "boolean", "value": "TRUE"},
        {"row": 2, "position": 1, "kind": "formula without cached value", "value": ""},
        {"row": 3, "position": 0, "kind": "boolean", "value": "FALSE"},
    ]
    assert unread_cells(path, 1).equals(cells)
    assert unread_cells(path, 0).empty  # the cover sheet has none


def test_cached_formula_values_and_error_codes_as_excel_writes_them(tmp_path):
    plain = _workbook(tmp_path / "plain.xlsx", [["Q1", "Q2"], [1, 2], [3, 4]])

    def excel_like(xml):
        xml = xml.replace(b'<c r="B2" t="n"><v>2</v></c>', b'<c r="B2"><f>A2+1</f><v>2</v></c>')
        return xml.replace(
            b'<c r="B3" t="n"><v>4</v></c>',
            b'<x:c r="B3" s="1" t="e"><x:f t="shared" si="0"/><x:v>#N/A</x:v></x:c>',
        )

    path = _with_sheet_xml(plain, tmp_path / "excel.xlsx", excel_like)
    assert unread_cells(path, "答卷").to_dict("records") == [
        {"row": 3, "position": 1, "kind": "spreadsheet error value", "value": "#N/A"}
    ]


def test_unknown_sheet_gives_no_cells(tmp_path):
    path = _workbook(tmp_path / "a.xlsx", [["Q1"], [True]])
    assert unread_cells(path, "nope").empty and unread_cells(path, 7).empty
    assert list(unread_cells(path, "nope").columns) == ["row", "position", "kind", "value"]


def test_a_large_sheet_is_scanned_quickly(tmp_path):
    import time

    frame = pd.DataFrame({f"Q{k}": range(20_000) for k in range(10)})
    path = tmp_path / "big.xlsx"
    frame.to_excel(path, index=False)
    started = time.process_time()
    assert unread_cells(path).empty
    assert time.process_time() - started < 2  # 200,000 cells
