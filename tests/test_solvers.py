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


# --- result contract ------------------------------------------------------------------------


def test_solver_result_contract_and_old_constructor():
    r = s.SolverResult(np.array([1.0]), True, 3, 1e-14, "converged")
    assert r.status == "ok" and r.success and r.converged and r.iterations == 3
    u = s.SolverResult(np.array([1.0]), False, 5, 0.1, "max_iter")
    assert u.status == "unconverged" and not u.converged and not u.success
    with pytest.raises(s.ConvergenceError):
        u.raise_if_failed()
    a = s.SolverResult(math.nan, status="absent", message="none")
    assert a.status == "absent" and a.converged and not a.success
    with pytest.raises(ValueError, match="status"):
        s.SolverResult(1.0, status="maybe")


def test_fixed_point_statuses():
    ok = s.fixed_point(np.cos, [0.5], tol=1e-13)
    assert ok.status == "ok"
    # unconverged: max_iter = 1 on a contraction that needs ~ 70 steps
    un = s.fixed_point(np.cos, [0.5], tol=1e-13, max_iter=1, raise_on_failure=False)
    assert un.status == "unconverged" and un.iterations == 1 and "max_iter" in un.message


def test_expand_bracket_statuses():
    # ok: geometric doubling of the upper end from [1, 2] finds the sign change of x - 37.5
    ok = s.expand_bracket(lambda x: x - 37.5, 1.0, 2.0, factor=2.0)
    assert ok.status == "ok" and tuple(ok.x) == (32.0, 64.0) and ok.iterations == 5
    # additive steps growing x3, downward, with a clipped limit
    ok2 = s.expand_bracket(lambda u: -u - 3.0, 0.0, -0.5, step=-0.5, factor=3.0)
    assert ok2.status == "ok" and ok2.x[1] < -3.0 < ok2.x[0]
    # absent: no sign change before the limit (x + 1 > 0 everywhere on x > 0)
    ab = s.expand_bracket(lambda x: x + 1.0, 1.0, 2.0, factor=2.0, limit=100.0)
    assert ab.status == "absent" and "limit" in ab.message and ab.x[1] <= 100.0
    ab2 = s.expand_bracket(lambda x: x + 1.0, 1.0, 2.0, factor=2.0, max_expand=3)
    assert ab2.status == "absent" and ab2.iterations == 3
    # clip: the limit itself is evaluated
    seen = []
    s.expand_bracket(lambda x: seen.append(x) or 1.0, 0.0, 1.0, step=1.0, factor=3.0,
                     limit=6.0, clip=True)
    assert seen[-1] == 6.0
    with pytest.raises(ValueError, match="^factor"):
        s.expand_bracket(lambda x: x, 1.0, 2.0, factor=-2.0)


def test_bracketed_root_statuses():
    ok = s.bracketed_root(lambda x: x**3 - 2.0, 0.0, 2.0, xtol=1e-15)
    assert ok.status == "ok" and ok.x == pytest.approx(2 ** (1 / 3), rel=1e-14)
    ab = s.bracketed_root(lambda x: x**2 + 1.0, -1.0, 2.0)
    assert ab.status == "absent" and math.isnan(ab.x)
    un = s.bracketed_root(lambda x: x**3 - 2.0, 0.0, 2.0, xtol=1e-15, maxiter=1)
    assert un.status == "unconverged" and "stopped" in un.message
    with pytest.raises(s.ConvergenceError):
        s.find_boundary(lambda x: x**3 - 2.0, 0.0, 2.0, maxiter=1)


def test_first_maximum_statuses():
    # f(y) = y exp(-y) has its maximum at y = 1 (exact); walk down from y = 40
    f = lambda y: y * math.exp(-y)
    ok = s.first_maximum(f, 40.0, ratio=0.8, stop=0.05)
    assert ok.status == "ok" and ok.x == pytest.approx(1.0, abs=1e-7)
    assert ok.extra["value"] == pytest.approx(math.exp(-1.0), rel=1e-14)
    # the *first* maximum met from the start: g has maxima at y = 1 and y = 10 (higher first
    # from below, but the walk from 40 meets y = 10 first)
    g = lambda y: math.exp(-((y - 10.0) ** 2)) + 2.0 * math.exp(-((y - 1.0) ** 2) * 50)
    assert s.first_maximum(g, 40.0, ratio=0.8, stop=0.05).x == pytest.approx(10.0, abs=1e-6)
    # a hint next to the maximum skips the walk
    hinted = s.first_maximum(f, 40.0, ratio=0.8, stop=0.05, hint=1.02)
    assert hinted.x == pytest.approx(1.0, abs=1e-7) and hinted.iterations < ok.iterations
    # absent: monotone increasing towards the stop
    ab = s.first_maximum(lambda y: -y, 40.0, ratio=0.8, stop=0.05)
    assert ab.status == "absent" and math.isnan(ab.x)


def test_first_maximum_beats_bisection_on_the_fold():
    """The fold of the branch x = sqrt(1 - p) (p = 1 - x^2, maximal at x = 0) vs the
    existence bisection: first_maximum on the explicit parametrisation reaches 1e-9 with far
    fewer evaluations than locate_fold needs for 1e-9 (one bit per evaluation)."""
    calls = []
    p_of_x = lambda x: (calls.append(x), 1.0 - (x - 0.3) ** 2)[1]  # fold at x = 0.3, p = 1
    r = s.first_maximum(p_of_x, 4.0, ratio=0.8, stop=1e-3, xatol_rel=1e-9)
    n_max = len(calls)
    assert r.extra["value"] == pytest.approx(1.0, abs=1e-15) and r.x == pytest.approx(0.3, abs=1e-8)
    calls.clear()
    fold = s.locate_fold(lambda p: (calls.append(p), p <= 1.0)[1], 0.0, 2.0, xtol=1e-9)
    assert fold == pytest.approx(1.0, abs=1e-9) and len(calls) > 30
    assert n_max < 60


def test_solvers_bad_input():
    with pytest.raises(ValueError, match="^update"):
        s.fixed_point(3.0, [1.0])
    with pytest.raises(ValueError, match="^x0"):
        s.fixed_point(np.cos, ["1"])
    with pytest.raises(ValueError, match="^max_iter"):
        s.fixed_point(np.cos, [1.0], max_iter=0)
    with pytest.raises(ValueError, match="^tol"):
        s.polish_root(np.sin, [1.0], tol=True)
    with pytest.raises(ValueError, match="^lo"):
        s.find_boundary(np.sin, "1", 2.0)
    with pytest.raises(ValueError, match="^xtol"):
        s.locate_fold(lambda p: p < 1, 0.0, 2.0, xtol=-1.0)
    with pytest.raises(ValueError, match="^values"):
        s.real_array("values", [1.0, b"2"])
    np.testing.assert_array_equal(s.real_array("v", [1, 2.5]), [1.0, 2.5])
