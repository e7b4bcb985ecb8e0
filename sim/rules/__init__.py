"""Behaviour rules: pure functions over shopper column arrays, one module per stage.

The model's ``step()`` runs them in the design's order: acquisition (and group
buys), purchase, platform choice, experience, satisfaction, loyalty and churn, word
of mouth, accounting.
"""
