import math

import numpy as np
import pytest

from hopfield_phases.theory import solvers as s


def test_fixed_point_converges_and_reports():
    r = s.fixed_point(lambda x: np.cos(x), [0.5], damping=0.7, tol=1e-13)
    assert r.converged and r.iterations > 1 and r.residual < 1e-12
    assert r.x[0] == pytest.approx(0.7390851332151607, abs=1e-11)


def test_fixed_point_never_silent():
    with pytest.raises(s.ConvergenceError) as exc:
        s.fixed_point(lambda x: 2 * x + 1, [1.0], max_iter=50)
    assert not exc.value.result.converged
    r = s.fixed_point(lambda x: 2 * x + 1, [1.0], max_iter=50, raise_on_failure=False)
    assert not r.converged and r.message


def test_polish_root():
    r = s.polish_root(lambda x: x**3 - 2, [1.0])
    assert r.x[0] == pytest.approx(2 ** (1 / 3), rel=1e-12)


def test_find_boundary_with_expansion():
    root = s.find_boundary(lambda x: x - 37.5, 1.0, 2.0, expand=2.0)
    assert root == pytest.approx(37.5, rel=1e-12)
    with pytest.raises(s.NoSolution):
        s.find_boundary(lambda x: x + 1.0, 1.0, 2.0)
    with pytest.raises(s.NoSolution):
        s.find_boundary(lambda x: x + 1.0, 1.0, 2.0, expand=2.0, limit=100)


def test_continuation_finds_fold_of_sqrt_branch():
    # x^2 = 1 - p has a branch x = sqrt(1-p) that ends at the fold p = 1.
    def solve(p, guess):
        if p > 1:
            return None
        return math.sqrt(1 - p)

    br = s.continue_branch(solve, 0.0, 2.0, 0.1, 1.0, min_step=1e-10)
    assert br.fold == pytest.approx(1.0, abs=1e-9)
    assert s.locate_fold(lambda p: p <= 1.0, 0.0, 2.0, xtol=1e-12) == pytest.approx(1.0, abs=1e-11)
