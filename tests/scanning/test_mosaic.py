"""k-anonymity: the lattice search over all quasi-identifiers' generalisation levels."""

import datetime as dt

import numpy as np

from safety.scanning.mosaic import QIColumn, group_sizes, protect

TODAY = dt.date(2025, 6, 1)


def _columns(rows: int = 3_000, seed: int = 3):
    rng = np.random.default_rng(seed)
    data = {
        ("age", "age"): [str(a) for a in rng.integers(0, 100, rows)],
        ("sex", "sex"): [["Female", "Male"][i] for i in rng.integers(0, 2, rows)],
        ("ward", "ward"): [f"Ward {i}" for i in rng.integers(0, 12, rows)],
        ("ethnicity", "ethnicity"): [
            ["White British", "White Irish", "Black African", "Asian or Asian British: Indian"][i]
            for i in rng.integers(0, 4, rows)
        ],
    }
    columns = []
    for index, ((name, kind), values) in enumerate(data.items()):
        column = QIColumn(index, name, kind)
        column.add(values)
        column.finish()
        columns.append(column)
    return columns


def test_every_group_reaches_the_threshold_and_the_options_are_ranked_by_loss():
    outputs, tables, report = protect(_columns(), 10, TODAY)
    options = report["options"]
    assert 2 <= len(options) <= 3
    losses = [o["information_loss"] for o in options]
    assert losses == sorted(losses) and report["information_loss"] == losses[0]
    assert report["k"] >= 10 and report["records_below_threshold"] == 0
    shown = [np.array([v != "" for v in t])[o] for o, t in zip(outputs, tables, strict=True)]
    visible = np.any(shown, axis=0)
    assert (group_sizes(outputs)[visible] >= 10).all()
    assert report["lattice_nodes_evaluated"] <= 80


def test_the_search_keeps_more_than_generalising_one_column_at_a_time_to_the_top():
    _, _, report = protect(_columns(), 10, TODAY)
    # Everything withheld loses everything; ages in 20-year bands with the rest exact loses less.
    assert report["information_loss"] < 0.5


def test_levels_a_reviewer_chose_are_kept():
    columns = _columns()
    _, _, report = protect(columns, 10, TODAY, fixed={0: 2})
    assert report["levels"]["age"] == "10-year bands"
    assert report["k"] >= 10 and report["records_below_threshold"] == 0
    assert columns[0].level == 2
