"""The catalogue of strategies: the config union and the registry by ``kind``.

To add a strategy, write its module ``sim/strategies/<kind>.py`` (a
:class:`~sim.strategies.base.Strategy` subclass with a ``Literal`` kind, its
parameters declared with :func:`sim.schema.param`, which also write its docstring's
Parameters section), its tests ``tests/sim/strategies/test_<kind>.py``, and list its
class in ``STRATEGY_CLASSES``.

Examples
--------
>>> sorted(REGISTRY)[:3]
['after_sales', 'baseline', 'community']
"""

from __future__ import annotations

from typing import Annotated, Union

from pydantic import Field

from sim.strategies.after_sales import AfterSales
from sim.strategies.baseline import Baseline
from sim.strategies.community import CommunityEngagement
from sim.strategies.coupons import Coupons
from sim.strategies.faster_logistics import FasterLogistics
from sim.strategies.flash_sales import FlashSales
from sim.strategies.group_buy_incentive import GroupBuyIncentive
from sim.strategies.loyalty_points import LoyaltyPoints
from sim.strategies.quality_control import QualityControl
from sim.strategies.recommendation import Recommendation
from sim.strategies.referral_rewards import ReferralRewards
from sim.strategies.share_to_unlock import ShareToUnlock
from sim.strategies.tiering import CustomerTiering
from sim.strategies.winback import WinBack

STRATEGY_CLASSES = (
    Baseline,
    Coupons,
    LoyaltyPoints,
    CustomerTiering,
    QualityControl,
    FasterLogistics,
    AfterSales,
    Recommendation,
    ReferralRewards,
    GroupBuyIncentive,
    ShareToUnlock,
    FlashSales,
    CommunityEngagement,
    WinBack,
)

#: A strategy in a config: one of the catalogue, chosen by its ``kind``.
StrategySpec = Annotated[Union[STRATEGY_CLASSES], Field(discriminator="kind")]  # noqa: UP007

#: ``kind`` -> strategy class.
REGISTRY = {cls.model_fields["kind"].default: cls for cls in STRATEGY_CLASSES}
