"""The patterns' results as a printed table, ``patterns.csv`` and the page ``docs/validation.md``.

Examples
--------
>>> from experiments.patterns.checks import PATTERNS, RunRecord, evaluate
>>> table = evaluate([RunRecord(0, {"take_rate": 0.03})], PATTERNS[7:8])
>>> print(format_table(table))
pattern    range           model value       min-max  ok
take rate  [0.027, 0.031]         0.03  0.03 to 0.03  yes
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from experiments.patterns.checks import CSV_COLUMNS, PATTERNS, Pattern

#: Columns of the table on the page, in order.
PAGE_COLUMNS = ("pattern", "source", "range", "model value", "ok")

#: What the command is, for the page.
COMMAND = "shoplab patterns"


def format_value(value: float) -> str:
    """A model value for people: 4 significant digits, ``n/a`` for NaN.

    Examples
    --------
    >>> format_value(1720.1234), format_value(float("nan")), format_value(float("inf"))
    ('1720', 'n/a', 'inf')
    """
    if math.isnan(value):
        return "n/a"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return f"{value:.4g}"


def _spread(row: pd.Series) -> str:
    if math.isnan(row["min"]):
        return "-"
    return f"{format_value(row['min'])} to {format_value(row['max'])}"


def format_table(table: pd.DataFrame) -> str:
    """The results as a text table: pattern, range, model value, replication spread, ok.

    Text columns are left-aligned, numbers right-aligned.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`experiments.patterns.checks.evaluate`.

    Returns
    -------
    str
    """
    columns = {
        "pattern": table["pattern"].tolist(),
        "range": table["range"].tolist(),
        "model value": table["model value"].map(format_value).tolist(),
        "min-max": table.apply(_spread, axis=1).tolist() if len(table) else [],
        "ok": table["ok"].tolist(),
    }
    right = {"model value", "min-max"}
    widths = {name: max([len(name), *map(len, cells)]) for name, cells in columns.items()}

    def line(cells: dict[str, str]) -> str:
        return "  ".join(
            cells[name].rjust(widths[name]) if name in right else cells[name].ljust(widths[name])
            for name in columns
        ).rstrip()

    rows = [line({name: name for name in columns})]
    for i in range(len(table)):
        rows.append(line({name: cells[i] for name, cells in columns.items()}))
    return "\n".join(rows)


def write_csv(table: pd.DataFrame, path: Path) -> Path:
    """Write ``patterns.csv`` (columns :data:`~experiments.patterns.checks.CSV_COLUMNS`).

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`experiments.patterns.checks.evaluate`.
    path : Path
        The file.

    Returns
    -------
    Path

    Examples
    --------
    >>> import tempfile
    >>> from experiments.patterns.checks import RunRecord, evaluate
    >>> folder = Path(tempfile.mkdtemp())
    >>> path = write_csv(evaluate([RunRecord(0, {})]), folder / "patterns.csv")
    >>> path.read_text().splitlines()[0][:41]
    'pattern,source,low,high,model value,ok,ra'
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    table.loc[:, list(CSV_COLUMNS)].to_csv(path, index=False)
    return path


def _cell(text: str) -> str:
    return str(text).replace("|", "/").replace("\n", " ")


def _value_cell(row: pd.Series) -> str:
    value = format_value(row["model value"])
    if row["replications"] > 1:
        value += f" ({format_value(row['min'])} to {format_value(row['max'])})"
    return value


def regenerate_command(config: str | None, setting_options: Sequence[str], markdown: str) -> str:
    """The command line that regenerates the page.

    Parameters
    ----------
    config : str or None
        The config the page was made from.
    setting_options : sequence of str
        Options that differ from the defaults (e.g. ``["--workers", "2"]``).
    markdown : str
        The page's path as given.

    Returns
    -------
    str

    Examples
    --------
    >>> regenerate_command(None, [], "docs/validation.md")
    'shoplab patterns --markdown docs/validation.md'
    """
    parts = [COMMAND, *([config] if config else []), *setting_options, "--markdown", markdown]
    return " ".join(parts)


def page_table(table: pd.DataFrame) -> list[str]:
    """The Markdown table of the page: pattern, source, range, model value, ok.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`experiments.patterns.checks.evaluate`.

    Returns
    -------
    list of str
        Lines.

    Examples
    --------
    >>> from experiments.patterns.checks import PATTERNS, RunRecord, evaluate
    >>> page_table(evaluate([RunRecord(0, {"take_rate": 0.03})], PATTERNS[7:8]))[2][:24]
    '| take rate | Pinduoduo '
    """
    lines = [
        "| " + " | ".join(PAGE_COLUMNS) + " |",
        "|" + "---|" * len(PAGE_COLUMNS),
    ]
    for _, row in table.iterrows():
        cells = [row["pattern"], row["source"], row["range"], _value_cell(row), row["ok"]]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return lines


def _pattern_section(number: int, pattern: Pattern, row: pd.Series) -> list[str]:
    status = "required" if pattern.required else "tested, not required"
    n = "" if math.isnan(row["n"]) else f"; n = {row['n']:,.0f} summed over replications"
    lines = [
        f"### {number}. {pattern.name}",
        "",
        f"* **Measures** `{pattern.quantity}`: {pattern.definition}",
        f"* **Range** {pattern.range_text()} ({status}).",
        f"* **Source** {pattern.source}.",
        f"* **This run** {_value_cell(row)}, ok: {row['ok']}{n}.",
    ]
    if row["note"]:
        lines.append(f"* **Note** {row['note']}.")
    return [*lines, ""]


def validation_page(
    table: pd.DataFrame,
    setting_text: str,
    command: str,
    model_source: str,
    patterns: Sequence[Pattern] = PATTERNS,
) -> str:
    """The page ``docs/validation.md``: what each pattern is, the table, how to regenerate.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`experiments.patterns.checks.evaluate` for ``patterns``.
    setting_text : str
        The run's size (:meth:`~experiments.patterns.runs.PatternRun.describe`).
    command : str
        The command that regenerates the page.
    model_source : str
        Where the parameters came from (default parameters, or a config).
    patterns : sequence of Pattern
        The patterns, in the table's order.

    Returns
    -------
    str
        Markdown.

    Examples
    --------
    >>> from experiments.patterns.checks import RunRecord, evaluate
    >>> page = validation_page(evaluate([RunRecord(0, {})]), "10 shoppers",
    ...                        "shoplab patterns --markdown v.md", "default parameters")
    >>> page.splitlines()[0]
    '# Validation: patterns from outside the model'
    """
    required = table[table["required"]]
    held = int(required["in range"].sum())
    lines = [
        "# Validation: patterns from outside the model",
        "",
        f"<!-- Generated by `{command}`; edit experiments/patterns/checks.py, not this page. -->",
        "",
        'Pattern-oriented validation (Grimm et al. 2005, "Pattern-oriented modeling of '
        'agent-based complex systems: lessons from ecology", Science 310: 987-991): the '
        "model is run at a stated size, each pattern is measured on its output, and its "
        "mean over replications is checked against a range taken from outside the model "
        "(a publication, Pinduoduo's published results with the derivation, or, where no "
        "number exists, a direction or the project's own stated reading). Summary fields "
        "are computed over each run's last 365 days (the whole run if shorter).",
        "",
        f"This page is written by `{command}` ({setting_text}; {model_source}). "
        "That command also writes `patterns.csv` (the table with the replications' "
        "spread, definitions and notes) and `replications.csv` (every pattern on every "
        "replication), and exits with status 1 if a required pattern does not hold.",
        "",
        "## Results",
        "",
        f"{held} of {len(required)} required patterns hold. Model values are means over "
        "replications, with their range in brackets.",
        "",
        *page_table(table),
        "",
        "## The patterns",
        "",
    ]
    for number, pattern in enumerate(patterns, start=1):
        row = table[table["pattern"] == pattern.name].iloc[0]
        lines += _pattern_section(number, pattern, row)
    return "\n".join(lines).rstrip() + "\n"


def parse_page_table(text: str) -> list[dict[str, str]]:
    r"""Read the results table back from the page (used by the drift test).

    Parameters
    ----------
    text : str
        The page.

    Returns
    -------
    list of dict
        One dict per row, keyed by :data:`PAGE_COLUMNS`.

    Examples
    --------
    >>> parse_page_table("| pattern | source | range | model value | ok |\n|---|\n"
    ...                  "| a | b | [0, 1] | 0.5 | yes |")
    [{'pattern': 'a', 'source': 'b', 'range': '[0, 1]', 'model value': '0.5', 'ok': 'yes'}]
    """
    header = "| " + " | ".join(PAGE_COLUMNS) + " |"
    lines = text.splitlines()
    start = lines.index(header)
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        rows.append(dict(zip(PAGE_COLUMNS, cells, strict=True)))
    return rows
