"""Records to decisions: settings, statistics, comparisons, drift, budgets, named baselines, the
check and its confirmation, and trends over history. Deciders return data; `report` renders it.
"""
