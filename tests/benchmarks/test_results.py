"""Benchmark results print as one JSON line or as aligned lines."""

import json

from benchmarks.results import peak_rss_mb, print_result


def test_json_result_is_one_line_that_reads_back(capsys):
    print_result({"seconds": 1.25, "orders": 3}, as_json=True, width=10)
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and json.loads(out) == {"seconds": 1.25, "orders": 3}


def test_plain_result_right_aligns_each_name_to_the_width(capsys):
    print_result({"seconds": 1.25, "peak_rss_mb": 7}, as_json=False, width=12)
    assert capsys.readouterr().out.splitlines() == ["     seconds: 1.25", " peak_rss_mb: 7"]


def test_peak_memory_is_the_kernels_high_water_mark_in_mb():
    # Linux's own count of the same peak: VmHWM in /proc/self/status, in kB
    status = open("/proc/self/status").read().split("VmHWM:")[1]
    kib = int(status.split()[0])
    assert abs(peak_rss_mb() - kib / 1024) < 0.1 * kib / 1024
