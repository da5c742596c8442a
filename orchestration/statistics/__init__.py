"""Statistics that SQL cannot express, computed in Python after the marts they need.

`fairness` adds Fisher's exact test, impact ratios and suppression to the selection
counts; `program_effect` adds bootstrap intervals to the practice comparisons. Both
are plain functions on DataFrames; `orchestration.assets.statistics` reads and writes
the warehouse around them.
"""
