"""Sparse XLSX bombs (issue 15): a few stored cells spanning a huge grid are refused.

The other limits of :mod:`survey.file_limits` (declared dimension, unpacked bytes, cell
text, binary CSV) are exercised through the reader in ``tests/survey/test_io.py``.
"""

from __future__ import annotations

import io
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pytest

from survey.datasets import example_paths
from survey.errors import DataError
from survey.file_limits import MIN_DENSE_CELLS, check_xlsx, column_letters, sheet_extent

SHOPLAB = Path(sys.executable).with_name("shoplab")

# a fresh process runs the CLI and prints its exit status, and the processor seconds
# (user + system) and peak resident memory of its only child (RUSAGE_CHILDREN; ru_maxrss
# in KiB on Linux); processor time, unlike the wall clock, does not grow when other
# work shares the machine
_MEASURE = """
import resource, subprocess, sys
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(done.returncode, usage.ru_utime + usage.ru_stime, usage.ru_maxrss)
print(done.stderr.strip())
"""


def _sheet_workbook(path: Path, sheet_data: str, dimension: str | None = None) -> Path:
    """A minimal archive holding one worksheet part with the given ``<sheetData>``."""
    head = f'<dimension ref="{dimension}"/>' if dimension else ""
    xml = f"<worksheet>{head}<sheetData>{sheet_data}</sheetData></worksheet>"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", xml)
    return path


def _rows(n_rows: int, n_columns: int, *, every: int = 1) -> str:
    """Rows 1..n_rows, each storing every ``every``-th of its first ``n_columns`` cells."""
    letters = [column_letters(k + 1) for k in range(n_columns)][::every]
    return "".join(
        f'<row r="{row}">' + "".join(f'<c r="{c}{row}"><v>3</v></c>' for c in letters) + "</row>"
        for row in range(1, n_rows + 1)
    )


def _analyze_measured(survey: Path, out: Path) -> tuple[int, float, float, str]:
    """``shoplab survey analyze`` on ``survey`` in a fresh process: exit status, processor
    seconds, peak resident MiB and the stripped standard error."""
    command = [str(SHOPLAB), "survey", "analyze", str(survey), "--out", str(out)]
    command += ["--codebook", str(example_paths("ecsi").codebook), "--quiet"]
    measured = subprocess.run(
        [sys.executable, "-c", _MEASURE, *command], capture_output=True, text=True, check=True
    )
    first, _, stderr = measured.stdout.partition("\n")
    status, seconds, kib = first.split()
    return int(status), float(seconds), int(kib) / 1024, stderr.strip()


def test_one_cell_at_z1048576_is_refused_by_the_cli_within_5_s_and_500_mb(tmp_path):
    # the case of issue 15 as the fuzzing notes found it: a 4.8 KB workbook that took
    # `shoplab survey analyze` 14 s and 1.88 GB before its clean exit 2
    bomb = tmp_path / "z1048576.xlsx"
    book = openpyxl.Workbook()
    book.active["A1"] = "sat1"
    book.active["Z1048576"] = 1
    book.save(bomb)
    assert bomb.stat().st_size < 10_000
    status, seconds, mib, stderr = _analyze_measured(bomb, tmp_path / "out")
    assert status == 2
    assert stderr.count("\n") == 0  # one line, no traceback
    assert "z1048576.xlsx: sheet xl/worksheets/sheet1.xml reaches Z1048576, " in stderr
    assert "a grid of 27262976 cells storing only 2;" in stderr  # 26 x 1,048,576
    assert seconds < 5.0
    assert mib < 500.0


def test_rows_past_what_a_sheet_can_hold_are_refused_by_the_cli_within_5_s_and_500_mb(
    tmp_path,
):
    # issue 15: 1.5 M identical rows in a few MB took over 3 GB; an XLSX sheet holds at
    # most 1,048,576 rows (Excel's limits), so a sheet past them is refused while streamed
    bomb = tmp_path / "rows.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("xl/worksheets/sheet1.xml", "w") as part:
            part.write(b'<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr">')
            part.write(b"<is><t>sat1</t></is></c></row>")
            for start in range(2, 1_500_002, 100_000):
                rows = range(start, min(start + 100_000, 1_500_002))
                part.write(
                    "".join(f'<row r="{r}"><c r="A{r}"><v>3</v></c></row>' for r in rows).encode()
                )
            part.write(b"</sheetData></worksheet>")
    assert bomb.stat().st_size < 8_000_000
    status, seconds, mib, stderr = _analyze_measured(bomb, tmp_path / "out")
    assert status == 2
    assert stderr.count("\n") == 0  # one line, no traceback
    assert "rows.xlsx: sheet xl/worksheets/sheet1.xml reaches row 1500001, column 1" in stderr
    assert seconds < 5.0
    assert mib < 500.0


def test_declared_dimension_over_few_stored_cells_is_refused(tmp_path):
    # within the 50 M absolute limit, but a reader sizes its grid from the dimension
    sparse = _sheet_workbook(tmp_path / "declared.xlsx", _rows(2, 2), dimension="A1:Z1048576")
    with pytest.raises(
        DataError,
        match=r"declared.xlsx: sheet xl/worksheets/sheet1.xml declares a grid of 27262976 "
        r"cells storing only 4; allowed is the larger of 2000000 and 20 × the stored cells$",
    ):
        check_xlsx(sparse)


def test_a_reference_out_of_row_order_still_counts(tmp_path):
    # the cell claims row 1 by its <row> but Z1048576 by its own reference
    sheet = '<row r="1"><c r="A1"/><c r="Z1048576"><v>1</v></c></row>'
    with pytest.raises(DataError, match=r"reaches Z1048576, a grid of 27262976 cells"):
        check_xlsx(_sheet_workbook(tmp_path / "hidden.xlsx", sheet))


def test_legit_sparse_survey_passes(tmp_path):
    # 2,000 rows x 60 columns with every third answer blank: a dense grid of 116,000
    # cells (to column 58) storing 40,000, under the 2 M floor
    sparse = _sheet_workbook(tmp_path / "blanks.xlsx", _rows(2_000, 60, every=3))
    check_xlsx(sparse)
    # 40,000 rows x 80 columns storing every fourth: 3.08 M > 2 M, but only 3.9 x the
    # 800,000 stored cells, within the 20 x ratio
    wide = _sheet_workbook(tmp_path / "wide.xlsx", _rows(40_000, 80, every=4))
    with zipfile.ZipFile(wide) as archive, archive.open("xl/worksheets/sheet1.xml") as part:
        rows, columns, stored = sheet_extent(part)
    assert (rows, columns, stored) == (40_000, 77, 800_000)  # BY, the last fourth column
    assert rows * columns > MIN_DENSE_CELLS
    check_xlsx(wide)


def test_sparse_limit_can_be_lowered_below_a_legit_file(tmp_path):
    # the same 116,000-cell grid refused once the floor is under it: the check can fail
    sparse = _sheet_workbook(tmp_path / "blanks.xlsx", _rows(2_000, 60, every=3))
    with pytest.raises(DataError, match=r"a grid of 116000 cells storing only 40000"):
        check_xlsx(sparse, min_dense_cells=100_000, max_dense_ratio=2)


@pytest.mark.parametrize("chunk_bytes", [1, 5, 17, 4096])
def test_extent_does_not_depend_on_where_chunks_are_cut(chunk_bytes):
    xml = (
        b'<sheetData>\n<row r="3" spans="1:2"><c r="B3" s="1"><v>1</v></c>\n'
        b'<x:c r="AB7"><x:v>2</x:v></x:c><c/><c>'
        b"<is><t>a long text without separators</t></is></c></row>\n"
        b'<row r="1048570">\n<c><v>5</v></c></row><row r="2000000"/><col min="1"/></sheetData>'
    )
    # rows: 1048570 from the <row> of a cell without reference (the empty one at
    # 2,000,000 holds none); columns: AB is 28; stored: <c r>, <x:c r>, <c/>, <c>, <c>
    assert sheet_extent(io.BytesIO(xml), chunk_bytes=chunk_bytes) == (1_048_570, 28, 5)


def test_benchmark_sized_survey_is_checked_fast(tmp_path):
    # 20,000 rows x 43 columns, a fifth of the benchmarks/survey.py file (whose 100,000
    # rows were measured separately: see the module docstring of survey/file_limits.py)
    dense = _sheet_workbook(tmp_path / "dense.xlsx", _rows(20_000, 43))
    start = time.process_time()  # processor time: steady on a shared machine
    check_xlsx(dense)
    assert time.process_time() - start < 2.0


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_extent_finds_the_largest_reference_in_any_order(seed):
    # references in random order, some in lower case, all under <row r="1">: the
    # largest row and column are found whatever came before them (checked against
    # the maximum taken directly over the drawn numbers)
    rng = np.random.default_rng(seed)
    rows = rng.integers(1, 2_000_000, 3_000)
    columns = rng.integers(1, 16_385, 3_000)
    cells = "".join(
        f'<c r="{column_letters(c).lower() if k % 2 else column_letters(c)}{r}"><v>1</v></c>'
        for k, (r, c) in enumerate(zip(rows, columns, strict=True))
    )
    xml = f'<sheetData><row r="1">{cells}</row></sheetData>'.encode()
    extent = sheet_extent(io.BytesIO(xml), chunk_bytes=997)
    assert extent == (rows.max(), columns.max(), 3_000)


def test_empty_formatted_row_at_the_sheet_end_is_no_grid(tmp_path):
    # Excel writes a formatted but empty row as <row r=".." s="2" customFormat="1"/>;
    # a reader allocates no cell for it, so 300 answers x 20 items still pass
    rows = _rows(300, 20) + '<row r="1048576" s="2" customFormat="1"/>'
    rows += '<row r="1048575" s="2" customFormat="1"></row>'
    check_xlsx(_sheet_workbook(tmp_path / "formatted.xlsx", rows))
    # but a cell without reference in that row is placed there: A1048576 x 20 columns
    rows += '<row r="1048576"><c><v>1</v></c></row>'
    with pytest.raises(DataError, match=r"reaches T1048576, a grid of 20971520 cells"):
        check_xlsx(_sheet_workbook(tmp_path / "placed.xlsx", rows))
