import numpy as np
import pandas as pd
import pytest

from survey.errors import DataError
from survey.nps import net_promoter_score


def test_nps_by_hand():
    # 4 promoters (9, 10), 3 passives (7, 8), 3 detractors (<= 6) out of 10: NPS = 10.
    data = pd.DataFrame({"rec": [10, 9, 9, 10, 7, 8, 8, 6, 1, 3]})
    row = net_promoter_score(data, "rec").iloc[0]
    assert (row["promoters"], row["passives"], row["detractors"]) == pytest.approx((0.4, 0.3, 0.3))
    assert row["nps"] == pytest.approx(10.0)
    # multinomial SE: sqrt((0.4 + 0.3 - 0.1**2) / 10) * 100
    assert row["se"] == pytest.approx(100 * np.sqrt(0.69 / 10))


def test_ecsi_recommend_item_on_one_to_ten_scale(ecsi):
    row = net_promoter_score(ecsi, "CUSL3").iloc[0]
    values = ecsi["CUSL3"]
    assert row["nps"] == pytest.approx(100 * ((values >= 9).mean() - (values <= 6).mean()))
    assert -100 <= row["ci_low"] < row["nps"] < row["ci_high"] <= 100


def test_overlapping_cutoffs_are_refused(ecsi):
    with pytest.raises(DataError, match="detractors_max"):
        net_promoter_score(ecsi, "CUSL3", promoters_min=6, detractors_max=7)
