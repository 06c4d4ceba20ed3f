"""Statistical helpers shared by the exactness tests (not a test module)."""

import numpy as np
from scipy import stats


def chi2_pvalue(counts, expected_prob, min_expected=5.0):
    """Pearson chi-square p-value of ``counts`` against probabilities ``expected_prob``; cells
    with expected count < ``min_expected`` are pooled into one."""
    counts = np.asarray(counts, dtype=float)
    exp = counts.sum() * np.asarray(expected_prob, dtype=float)
    big = exp >= min_expected
    c, e = list(counts[big]), list(exp[big])
    if (~big).any():
        c.append(counts[~big].sum())
        e.append(exp[~big].sum())
    c, e = np.array(c), np.array(e)
    return float(stats.chi2.sf(float(((c - e) ** 2 / e).sum()), len(c) - 1))
