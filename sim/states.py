"""Codes of a shopper's lifecycle state and acquisition channel, and the "never" day.

The values stored in ``Shoppers.state``, ``Shoppers.channel`` and the day columns.
This module imports nothing from the project, so any module (the strategies among
them) can import it at the top without an import cycle.

Examples
--------
>>> STATE_NAMES[CHURNED], CHANNEL_NAMES[GROUP_BUY]
('churned', 'group_buy')
"""

# Lifecycle states (``Shoppers.state``).
# OUTSIDE: not yet in the market (an entrant of a growing market, before its day).
PROSPECT, ACTIVE, CHURNED, WON_BACK, OUTSIDE = 0, 1, 2, 3, 4
STATE_NAMES = ("prospect", "active", "churned", "won_back", "outside")

# Acquisition channels (``Shoppers.channel``).
NO_CHANNEL, INITIAL, ADS, REFERRAL, GROUP_BUY, UNLOCK = 0, 1, 2, 3, 4, 5
CHANNEL_NAMES = ("none", "initial", "ads", "referral", "group_buy", "share_to_unlock")

NEVER = -1  # day value of an event that has not happened
