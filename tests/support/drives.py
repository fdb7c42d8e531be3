"""Hand-made transition tables for the drive, EP and win-probability solvers."""

import numpy as np

from simulation.drives import DriveRules, TransitionTable

# The hand-made rule and solver cases were written for four downs a series (the count
# many local leagues play); NFL FLAG itself plays three, tested on its own.
FOUR_DOWNS = DriveRules(downs_to_convert=4)


def table(outcomes, rules=FOUR_DOWNS, cells=None):
    """A hand-made table: outcomes[p][d] is a list of (kind, value) samples, the same at
    every yard-line cell."""
    cells = [1, 2, 3, 5, 10, 20, rules.L] if cells is None else cells
    P, D = len(outcomes), len(outcomes[0])
    N = max(len(o) for row in outcomes for o in row)
    kind = np.zeros((P, D, len(cells), N), dtype=np.int64)
    value = np.zeros_like(kind)
    for p, row in enumerate(outcomes):
        for d, samples in enumerate(row):
            reps = (samples * N)[:N]
            kind[p, d] = np.array([k for k, _ in reps])
            value[p, d] = np.array([v for _, v in reps])
    names = ([f"P{p}" for p in range(P)], [f"D{d}" for d in range(D)])
    return TransitionTable.from_samples(*names, cells, kind, value)
