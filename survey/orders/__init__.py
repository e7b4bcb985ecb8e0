"""Order-log analysis: reading, summaries and buy-till-you-die models of real or simulated orders."""
