"""What every benchmark reports: its peak memory, and its result as JSON or aligned lines."""

from __future__ import annotations

import json
import resource
from collections.abc import Mapping


def peak_rss_mb() -> float:
    """Peak resident set size of this process, in MB (Linux reports KiB).

    Returns
    -------
    float
        ``ru_maxrss / 1024``.

    Examples
    --------
    >>> peak_rss_mb() > 0
    True
    """
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def print_result(result: Mapping[str, object], *, as_json: bool, width: int) -> None:
    """Print a benchmark's result: one JSON line, or one ``key: value`` line per entry.

    Parameters
    ----------
    result : mapping
        Measurement name -> value, in print order.
    as_json : bool
        Print one JSON line (the ``--json`` option).
    width : int
        Width the names are right-aligned to otherwise.

    Examples
    --------
    >>> print_result({"seconds": 1.5, "peak_rss_mb": 80.2}, as_json=False, width=12)
         seconds: 1.5
     peak_rss_mb: 80.2
    >>> print_result({"seconds": 1.5}, as_json=True, width=12)
    {"seconds": 1.5}
    """
    if as_json:
        print(json.dumps(result))
    else:
        print("\n".join(f"{key:>{width}}: {value}" for key, value in result.items()))
