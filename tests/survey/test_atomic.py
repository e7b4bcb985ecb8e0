import errno
from pathlib import Path

import pytest

from survey.atomic import atomic_output, output_folder, write_text_atomic
from survey.errors import DataError


def test_a_failed_block_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "report.html"
    target.write_text("old")
    with pytest.raises(ValueError, match="image too large"):
        with atomic_output(target) as temporary:
            temporary.write_text("half")
            raise ValueError("image too large")
    assert target.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_a_full_disk_is_one_line_naming_the_file_and_keeps_the_old_one(tiny_disk):
    # issue 15: a full disk gave an OSError traceback and left a 0-byte report.html
    target = tiny_disk / "report.html"
    write_text_atomic("finished", target)
    with pytest.raises(DataError) as caught:
        write_text_atomic("x" * 200_000, target)
    assert str(caught.value) == f"{target}: cannot write the file (No space left on device)"
    assert target.read_text() == "finished"
    assert [p.name for p in tiny_disk.iterdir()] == ["report.html"]


def test_a_simulated_full_disk_is_the_same_one_line(tmp_path, monkeypatch):
    def full(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Path, "write_text", full)
    with pytest.raises(DataError, match=r"t.json: cannot write the file \(No space left"):
        write_text_atomic("{}", tmp_path / "t.json")


def test_a_read_only_folder_is_refused_before_any_work(read_only_disk):
    with pytest.raises(DataError) as caught:
        output_folder(read_only_disk)
    assert str(caught.value) == (
        f"{read_only_disk}: cannot write in the output folder (Read-only file system)"
    )
    with pytest.raises(DataError, match="cannot create the output folder"):
        output_folder(read_only_disk / "out")
