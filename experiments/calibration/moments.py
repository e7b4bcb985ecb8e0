"""Calibration targets as named statistics with standard errors.

The same function reads the real survey's ``targets.json`` and the targets the
survey module computes from the virtual survey, so both sides are compared
statistic by statistic.

Examples
--------
>>> t = {"constructs": {"Sat": {"mean": 7.0, "sd": 1.5, "n": 100}},
...      "satisfaction_loyalty": None, "nps": None}
>>> [(s.name, s.value, round(s.se, 4)) for s in statistics(t, ["Sat"], TargetSpec())]
[('mean[Sat]', 7.0, 0.15), ('sd[Sat]', 1.5, 0.1066)]
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from experiments.calibration.config import TargetSpec
from experiments.calibration.orders import ORDERS_PREFIX

#: Statistic name -> (value, standard error or spread): what a simulated run yields.
Values = dict[str, tuple[float, float]]


@dataclass(frozen=True)
class Statistic:
    """One statistic: its name, value, standard error and the n it rests on."""

    name: str
    value: float
    se: float
    n: int


def _mean_and_sd(name: str, moments: dict[str, Any], spec: TargetSpec) -> list[Statistic]:
    n, mean, sd = int(moments["n"]), moments["mean"], moments["sd"]
    out = []
    if spec.means and mean is not None and sd is not None and n > 1:
        out.append(Statistic(f"mean[{name}]", float(mean), sd / math.sqrt(n), n))
    if spec.sds and sd is not None and n > 2:
        out.append(Statistic(f"sd[{name}]", float(sd), sd / math.sqrt(2 * (n - 1)), n))
    return out


def statistics(targets: dict[str, Any], constructs: list[str], spec: TargetSpec) -> list[Statistic]:
    """The fitted statistics of a targets dict, in a fixed order.

    Parameters
    ----------
    targets : dict
        Layout ``shoplab.survey.targets/1`` (see :mod:`survey.targets`).
    constructs : list of str
        Constructs whose moments are compared (those the model answers).
    spec : TargetSpec
        Which statistics are fitted.

    Returns
    -------
    list of Statistic

    Notes
    -----
    Standard errors: mean, s/√n; SD, s/√(2(n−1)) (normal theory); Pearson r,
    (1 − r²)/√(n − 3); OLS slope b, |b|·√((1/r² − 1)/(n − 2)); a share p,
    √(p(1 − p)/n).
    """
    out: list[Statistic] = []
    for name in constructs:
        moments = targets["constructs"].get(name)
        if moments is not None:
            out.extend(_mean_and_sd(name, moments, spec))
    link = targets.get("satisfaction_loyalty")
    if spec.satisfaction_loyalty and link and link.get("correlation") is not None:
        n, r, b = int(link["n"]), float(link["correlation"]), float(link["slope"])
        if n > 3 and 0 < abs(r) < 1:
            out.append(
                Statistic("correlation[satisfaction,loyalty]", r, (1 - r * r) / math.sqrt(n - 3), n)
            )
            se_b = abs(b) * math.sqrt((1 / (r * r) - 1) / (n - 2))
            out.append(Statistic("slope[loyalty~satisfaction]", b, se_b, n))
    nps = targets.get("nps")
    if spec.nps and nps:
        n = int(nps["n"])
        for share in ("promoters", "detractors"):
            p = float(nps[share])
            out.append(Statistic(f"nps.{share}", p, math.sqrt(max(p * (1 - p), 0.25 / n) / n), n))
    return out


def behavioural_statistics(spec: TargetSpec) -> list[Statistic]:
    """The user's CRM figures as observed statistics (name ``summary.<field>``).

    Examples
    --------
    >>> from experiments.calibration.config import Behavioural
    >>> s = TargetSpec(behavioural={"retention_365": Behavioural(value=0.6, se=0.02)})
    >>> behavioural_statistics(s)[0].name
    'summary.retention_365'
    """
    return [
        Statistic(f"summary.{field}", b.value, b.se, 0) for field, b in spec.behavioural.items()
    ]


def order_statistics(spec: TargetSpec) -> list[Statistic]:
    """An order log's figures as observed statistics (name ``orders.<statistic>``).

    Each keeps the n (customers) the file states, 0 when it states none.

    Examples
    --------
    >>> from experiments.calibration.config import Behavioural
    >>> s = TargetSpec(orders={"repeat_purchase_rate": Behavioural(value=0.4, se=0.01, n=2357)})
    >>> [(o.name, o.n) for o in order_statistics(s)]
    [('orders.repeat_purchase_rate', 2357)]
    """
    return [
        Statistic(f"{ORDERS_PREFIX}{name}", b.value, b.se, b.n or 0)
        for name, b in spec.orders.items()
    ]
