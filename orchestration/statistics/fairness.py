"""Selection rates by self-identified group: impact ratio, Fisher's exact test, shortfall.

Input: `marts.fct_selection_counts`, one row per transition x dimension x group:

    transition   varchar  canonical stage the decision was made at ("from this stage
                          onward", e.g. `recruiter_screen`), or `overall` (applied -> hired)
    dimension    varchar  `gender`, `race_ethnicity`, `veteran`, `disability`, `gender_x_race`
    group_name   varchar  the self-identified value; `Not disclosed` for non-response
                          (its own group, never imputed); for `gender_x_race`
                          "<gender> × <race_ethnicity>" (separator: space, U+00D7, space)
    passed_n     bigint   applications of the group that passed the transition
    rejected_n   bigint   applications of the group rejected or withdrawn at it

Every group of a transition x dimension is present, `Not disclosed` included, so the
groups of one dimension add up to the transition's total.

Output: `marts.fct_selection_rates` (columns in `OUTPUT_COLUMNS`). Why the choices
(reference group, Fisher's 2x2, shortfall, suppression) are what they are is written
in docs/statistics.md; the short version:

- the reference ("highest") group is the disclosed group with the highest selection
  rate among those with at least `min_group_size` applicants and at least 2% of the
  dimension's applicants; ties go to the larger group, then the name;
- Fisher's exact test (two-sided) compares the group's passed/rejected with the
  reference group's, the same comparison the impact ratio makes;
- shortfall = applicants_n x reference rate - passed_n;
- a group under `min_group_size` is suppressed, and so is a complementary group where
  one suppressed group could be recovered from the dimension's total; suppression nulls
  the counts and display values, never `fisher_p_value` or `is_flagged`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from orchestration.statistics.settings import dbt_var

INPUT_TABLE = "marts.fct_selection_counts"
OUTPUT_TABLE = "marts.fct_selection_rates"

NOT_DISCLOSED = "Not disclosed"
INTERSECTION = "gender_x_race"
INTERSECTION_SEPARATOR = " × "
FOUR_FIFTHS = 0.80
MIN_SHARE_OF_APPLICANTS = 0.02
DEFAULT_MIN_GROUP_SIZE = 5

BELOW_MINIMUM = "fewer than min_group_size"
COMPLEMENTARY = "complementary"

INPUT_COLUMNS = {
    "transition": "VARCHAR",
    "dimension": "VARCHAR",
    "group_name": "VARCHAR",
    "passed_n": "BIGINT",
    "rejected_n": "BIGINT",
}

OUTPUT_COLUMNS = {
    **INPUT_COLUMNS,
    "applicants_n": "BIGINT",
    "selection_rate": "DOUBLE",
    "highest_group": "VARCHAR",
    "impact_ratio": "DOUBLE",
    "is_flagged": "BOOLEAN",
    "fisher_p_value": "DOUBLE",
    "shortfall": "DOUBLE",
    "is_suppressed": "BOOLEAN",
    "suppression_reason": "VARCHAR",
    "min_group_size": "INTEGER",
}

# Nulled where is_suppressed: each of them, with the published totals, gives the rate away.
DISPLAY_COLUMNS = [
    "passed_n",
    "rejected_n",
    "applicants_n",
    "selection_rate",
    "impact_ratio",
    "shortfall",
]


def min_group_size(override: int | None = None) -> int:
    """The dbt var `min_group_size` unless overridden."""
    if override is not None:
        return int(override)
    return int(dbt_var("min_group_size", DEFAULT_MIN_GROUP_SIZE))


def fisher_two_sided(table: list[list[int]]) -> float:
    """Two-sided p-value of Fisher's exact test on a 2x2 table, computed as R's
    fisher.test does: the hypergeometric probability of every table with the same
    margins, relative to the largest, summed over those no more probable than the
    observed table (relative tolerance 1e-7). Each probability follows from the one
    before by a ratio, so numpy sums the logs; scipy.stats, which took 0.7 s to
    import (a tenth of a small refresh), is not needed."""
    (a, b), (c, d) = table
    first_col, second_col, first_row = a + c, b + d, a + b
    low, high = max(0, first_row - second_col), min(first_row, first_col)
    x = np.arange(low, high, dtype=np.float64)
    # P(x + 1) / P(x) for the count x in the table's first cell
    log_ratio = np.log((first_col - x) * (first_row - x)) - np.log(
        (x + 1) * (second_col - first_row + x + 1)
    )
    log_p = np.concatenate(([0.0], np.cumsum(log_ratio)))
    p = np.exp(log_p - log_p.max())
    p /= p.sum()
    return float(min(1.0, p[p <= p[a - low] * (1 + 1e-7)].sum()))


def selection_rates(counts: pd.DataFrame, min_size: int | None = None) -> pd.DataFrame:
    """The `fct_selection_rates` rows for `fct_selection_counts` rows."""
    min_size = min_group_size(min_size)
    missing = set(INPUT_COLUMNS) - set(counts.columns)
    if missing:
        raise ValueError(f"{INPUT_TABLE} lacks columns: {', '.join(sorted(missing))}")
    df = counts[list(INPUT_COLUMNS)].copy()
    df["passed_n"] = df["passed_n"].astype("int64")
    df["rejected_n"] = df["rejected_n"].astype("int64")
    df["applicants_n"] = df["passed_n"] + df["rejected_n"]
    df = df.sort_values(["transition", "dimension", "group_name"], ignore_index=True)

    parts = [
        _compare_groups(cell, min_size)
        for _, cell in df.groupby(["transition", "dimension"], sort=True)
    ]
    out = pd.concat(parts, ignore_index=True) if parts else _empty(df)
    out["min_group_size"] = min_size
    _suppress(out, min_size)
    return out[list(OUTPUT_COLUMNS)]


def _empty(df: pd.DataFrame) -> pd.DataFrame:
    return df.reindex(columns=list(OUTPUT_COLUMNS))


def _compare_groups(cell: pd.DataFrame, min_size: int) -> pd.DataFrame:
    """Rates, reference group, ratios, tests and shortfall within one transition x dimension."""
    cell = cell.copy()
    n = cell["applicants_n"]
    cell["selection_rate"] = (cell["passed_n"] / n).where(n > 0)
    total = int(n.sum())
    eligible = cell[
        (cell["group_name"] != NOT_DISCLOSED)
        & (n > 0)
        & (n >= min_size)
        & (n >= MIN_SHARE_OF_APPLICANTS * total)
    ]
    cell["highest_group"] = None
    for column in ("impact_ratio", "fisher_p_value", "shortfall"):
        cell[column] = float("nan")
    cell["is_flagged"] = None
    if eligible.empty:
        return cell

    reference = eligible.sort_values(
        ["selection_rate", "applicants_n", "group_name"], ascending=[False, False, True]
    ).iloc[0]
    ref_rate = float(reference["selection_rate"])
    ref_row = [int(reference["passed_n"]), int(reference["rejected_n"])]
    cell["highest_group"] = reference["group_name"]
    has_rate = cell["selection_rate"].notna()
    if ref_rate > 0:
        cell.loc[has_rate, "impact_ratio"] = cell.loc[has_rate, "selection_rate"] / ref_rate
    cell.loc[has_rate, "shortfall"] = (
        cell.loc[has_rate, "applicants_n"] * ref_rate - cell.loc[has_rate, "passed_n"]
    )
    is_reference = cell["group_name"] == reference["group_name"]
    for i in cell.index[has_rate & ~is_reference]:
        row = [int(cell.at[i, "passed_n"]), int(cell.at[i, "rejected_n"])]
        cell.at[i, "fisher_p_value"] = fisher_two_sided([row, ref_row])
    applies = cell["impact_ratio"].notna() & (cell["group_name"] != NOT_DISCLOSED)
    cell["is_flagged"] = [
        bool(ratio < FOUR_FIFTHS) if ok else None
        for ratio, ok in zip(cell["impact_ratio"], applies, strict=True)
    ]
    return cell


def _partitions(row: pd.Series) -> list[tuple]:
    """The published totals this group adds up to (a subtraction could recover it from each)."""
    keys = [(row["transition"], row["dimension"])]
    if row["dimension"] == INTERSECTION and INTERSECTION_SEPARATOR in row["group_name"]:
        gender, race = row["group_name"].split(INTERSECTION_SEPARATOR, 1)
        keys += [
            (row["transition"], row["dimension"], "gender", gender),
            (row["transition"], row["dimension"], "race_ethnicity", race),
        ]
    return keys


def _suppress(out: pd.DataFrame, min_size: int) -> None:
    """Primary suppression under the minimum, then complementary suppression to a fixed point.

    Each transition x dimension adds up to the transition's total, which is published
    (the funnel, and every other dimension); each gender x race row also adds up to its
    gender's and its race's row. Wherever exactly one member of such a total is
    suppressed, the smallest unsuppressed member (not the reference group while another
    remains; ties by name) is suppressed too, and the rule is applied again until
    nothing changes.
    """
    out["is_suppressed"] = out["applicants_n"] < min_size
    out["suppression_reason"] = out["is_suppressed"].map({True: BELOW_MINIMUM, False: None})
    members: dict[tuple, list[int]] = {}
    for i, row in out.iterrows():
        for key in _partitions(row):
            members.setdefault(key, []).append(i)

    changed = True
    while changed:
        changed = False
        for key in sorted(members, key=str):
            rows = members[key]
            suppressed = [i for i in rows if out.at[i, "is_suppressed"]]
            if len(suppressed) != 1:
                continue
            candidates = [i for i in rows if not out.at[i, "is_suppressed"]]
            if not candidates:
                continue
            non_reference = [
                i for i in candidates if out.at[i, "group_name"] != out.at[i, "highest_group"]
            ]
            pool = non_reference or candidates
            pick = min(pool, key=lambda i: (out.at[i, "applicants_n"], out.at[i, "group_name"]))
            out.at[pick, "is_suppressed"] = True
            out.at[pick, "suppression_reason"] = COMPLEMENTARY
            changed = True

    for column in DISPLAY_COLUMNS:
        out[column] = out[column].astype("object").where(~out["is_suppressed"], None)
    for column, sql_type in OUTPUT_COLUMNS.items():
        out[column] = out[column].astype(_PANDAS_TYPES.get(sql_type, "object"))


_PANDAS_TYPES = {"BIGINT": "Int64", "INTEGER": "Int32", "DOUBLE": "Float64", "BOOLEAN": "boolean"}
