"""Checks of theory/rfhm.py against independent facts (rfhm_theory.md Sec. 5 items 1, 3, 4, 7).

* alpha -> infinity: the reduced RFHM equations become the AGS T = 0 equation at load alpha_D
  and the spinodals tend to the Hopfield capacities (0.137906, 0.029942 [AGS87]; cross-checked
  against theory.hopfield.capacity when that module is present).
* the finite-T solution tends to the T = 0 'sq' solution (not 'lin') as beta grows.
* the one-equation reduction equals damped iteration of the full T = 0 equations (1e-8).
* known limits: 3-mixture overlap 1/2 (a_3), stored example m -> 1, t -> sqrt(2/pi) at small
  alpha, storage lines -> Hopfield capacity at large alpha_D.
"""

import math

import numpy as np
import pytest

from hopfield_phases.theory import rfhm
from hopfield_phases.theory.mixtures import g_of_y, m_of_y

CAP1, CAP3 = 0.137906, 0.029942


# ----------------------------------------------------------------------------- alpha -> inf


def test_alpha_inf_capacities_literal():
    assert rfhm.alpha_inf_capacity(1) == pytest.approx(CAP1, abs=1e-6)
    assert rfhm.alpha_inf_capacity(3) == pytest.approx(CAP3, abs=1e-6)
    assert rfhm.mixture_spinodal(math.inf, 3) == pytest.approx(CAP3, abs=1e-6)


@pytest.mark.parametrize("n", [1, 3, 5])
def test_alpha_inf_capacity_matches_hopfield_module(n):
    hopfield = pytest.importorskip("hopfield_phases.theory.hopfield")
    assert rfhm.alpha_inf_capacity(n) == pytest.approx(hopfield.capacity(n), rel=1e-6)


@pytest.mark.parametrize("n,cap", [(1, CAP1), (3, CAP3)])
def test_spinodal_rises_to_hopfield_capacity(n, cap):
    alphas = [1.0, 10.0, 1e3, 1e5, 1e7]
    vals = [rfhm.mixture_spinodal(a, n) for a in alphas]
    assert all(np.diff(vals) > 0), vals
    assert vals[-1] == pytest.approx(cap, rel=1e-4)
    if n == 1:
        assert all(v < CAP1 for v in vals)  # approached from below (doc Sec. 2.5)


@pytest.mark.parametrize("n", [1, 3])
def test_reduced_equation_tends_to_ags(n):
    alpha_D = 0.02
    y = np.linspace(0.5, 4.0, 15)
    R = rfhm.reduced_R(y, 1e9, alpha_D, n=n)
    ags = (m_of_y(y, n) - y * g_of_y(y, n)) / (y * math.sqrt(alpha_D))
    ok = np.isfinite(R)
    assert ok.sum() > 5
    np.testing.assert_allclose(R[ok], ags[ok], rtol=1e-5)


def test_learning_line_diverges_at_capacity_and_nan_above():
    a = [rfhm.learning_transition(x) for x in (0.1, 0.13, 0.137, 0.1379)]
    assert all(np.diff(a) > 0) and a[-1] > 1e4
    assert math.isnan(rfhm.learning_transition(0.138))
    assert math.isnan(rfhm.learning_transition(0.5, variant="lin"))
    assert math.isnan(rfhm.mixture_transition(0.05, 3))


# ----------------------------------------------------------------------------- consistency


@pytest.mark.parametrize("variant", ["sq", "lin"])
def test_learning_line_is_inverse_of_spinodal(variant):
    for ad in (0.005, 0.05):
        ac = rfhm.learning_transition(ad, variant)
        assert rfhm.mixture_spinodal(ac, 1, variant) == pytest.approx(ad, rel=1e-8)
        _, rmax = rfhm.max_R(ac, ad, 1, variant)
        assert rmax == pytest.approx(1.0, abs=1e-9)
        assert rfhm.solve(ac * 1.01, ad, variant=variant).exists
        assert not rfhm.solve(ac * 0.99, ad, variant=variant).exists


def test_mixture_transition_inverse():
    for n in (3, 5):
        ad = rfhm.mixture_spinodal(2.0, n)
        assert rfhm.mixture_transition(ad, n) == pytest.approx(2.0, rel=1e-7)


def test_sq_line_above_lin_gap_shrinks():
    gaps = []
    for ad in (0.005, 0.02, 0.1):
        s, l = rfhm.learning_transition(ad, "sq"), rfhm.learning_transition(ad, "lin")
        assert s > l
        gaps.append((s - l) / s)
    assert gaps[0] > gaps[1] > gaps[2]


def test_three_mixture_overlap_is_a3():
    # deep in the mixture phase (alpha_T large, alpha_D small) the 3-mixture has overlap
    # a_3 = 1/2 with each feature (Maj_3 agrees with each input with probability 3/4)
    s = rfhm.solve(1e4, 1e-3, state="mixture", n=3)
    assert s.exists and s.m == pytest.approx(0.5, abs=1e-3)


# ----------------------------------------------------------------------------- Sec 5 item 4


@pytest.mark.parametrize("variant", ["sq", "lin"])
@pytest.mark.parametrize("n,alpha,alpha_D", [(1, 0.3, 0.02), (1, 3.0, 0.05), (3, 5.0, 0.02)])
def test_reduction_equals_full_iteration(variant, n, alpha, alpha_D):
    state = "feature" if n == 1 else "mixture"
    red = rfhm.solve(alpha, alpha_D, state=state, n=n, variant=variant)
    it = rfhm.solve(alpha, alpha_D, state=state, n=n, variant=variant, method="iteration")
    assert red.exists and it.exists and it.converged
    for k in ("m", "dq", "dp", "P_d", "qhat0", "mhat0", "dph", "dpdh", "y"):
        a, b = getattr(red, k), getattr(it, k)
        assert abs(a - b) <= 1e-8 * max(1.0, abs(a)), (k, a, b)


@pytest.mark.parametrize("n,alpha,variant", [(1, 0.3, "sq"), (1, 0.3, "lin"), (3, 1.0, "sq"),
                                               (5, 10.0, "sq")])
def test_spinodal_by_iterating_full_equations(n, alpha, variant):
    """Independent of the existence criterion max_y R = 1: damped iteration of the full T = 0
    equations (Sec. 2.3) from a generic start reaches the state 0.1 % below the spinodal and
    loses it 0.1 % above (the authors' scan procedure, doc Sec. 2.4)."""
    ad = rfhm.mixture_spinodal(alpha, n, variant)
    below = rfhm._solve_iteration(alpha, 0.999 * ad, n, variant, "mixture", max_iter=5000)
    above = rfhm._solve_iteration(alpha, 1.001 * ad, n, variant, "mixture", max_iter=5000)
    red = rfhm.solve(alpha, 0.999 * ad, state="mixture", n=n, variant=variant)
    assert below.exists and below.m == pytest.approx(red.m, abs=1e-8)
    assert not (above.exists and above.m > 0.2)


# ----------------------------------------------------------------------------- Sec 5 item 3


def test_finite_T_tends_to_sq_monotonically():
    sq = rfhm.solve(0.3, 0.02)
    lin = rfhm.solve(0.3, 0.02, variant="lin")
    keys = ("m", "dq", "dp", "P_d", "dph", "dpdh", "mhat0")
    sols = [rfhm.solve(0.3, 0.02, T=1.0 / b) for b in (10, 20, 50)]
    assert all(s.converged and s.exists for s in sols)
    for k in keys:
        d = [abs(getattr(s, k) - getattr(sq, k)) for s in sols]
        assert d[0] > d[1] > d[2], (k, d)
        assert d[2] < abs(getattr(lin, k) - getattr(sq, k)), k
    # at beta = 50 the solution is much closer to 'sq' than to 'lin'
    s50 = sols[-1]
    for k in ("m", "dq", "dpdh", "P_d"):
        assert abs(getattr(s50, k) - getattr(sq, k)) < 0.2 * abs(getattr(s50, k) - getattr(lin, k))
    assert math.isfinite(s50.free_energy)


# ----------------------------------------------------------------------------- stored example


def test_stored_example_small_alpha_limit():
    s = rfhm.solve(1e-3, 0.2, state="example")
    assert s.exists
    assert s.m == pytest.approx(1.0, abs=1e-9)
    assert s.t == pytest.approx(math.sqrt(2.0 / math.pi), abs=1e-9)


def test_storage_lines():
    # with-t line linear at small alpha_D (P_c ~ D), no-t ~ sqrt(alpha_D) (doc Sec. 2.6)
    w1, w2 = rfhm.storage_transition(1e-4), rfhm.storage_transition(1e-3)
    assert w2 / w1 == pytest.approx(10.0, rel=0.01)
    n1, n2 = rfhm.storage_transition(1e-4, "no_t"), rfhm.storage_transition(1e-3, "no_t")
    assert n2 / n1 == pytest.approx(math.sqrt(10.0), rel=0.1)
    for ad in (0.2, 1.0):
        assert rfhm.storage_transition(ad, "with_t") < rfhm.storage_transition(ad, "no_t")
    # large alpha_D: examples become independent patterns -> Hopfield capacity from below
    for st in ("with_t", "no_t"):
        v = rfhm.storage_transition(50.0, st)
        assert 0.13 < v < CAP1


def test_example_state_at_storage_line():
    ad = 0.2
    a_s = rfhm.storage_transition(ad)
    assert rfhm.solve(a_s * 0.999, ad, state="example").exists
    assert rfhm.solve(a_s * 0.999, ad, state="example").m > 0.3


# ----------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "kwargs,name",
    [
        (dict(alpha=-1.0, alpha_D=0.1), "alpha"),
        (dict(alpha=0.3, alpha_D=0.0), "alpha_D"),
        (dict(alpha=0.3, alpha_D=0.1, T=-0.1), "T"),
        (dict(alpha=0.3, alpha_D=0.1, state="glass"), "state"),
        (dict(alpha=0.3, alpha_D=0.1, state="mixture", n=2), "n"),
        (dict(alpha=0.3, alpha_D=0.1, state="feature", n=3), "n"),
        (dict(alpha=0.3, alpha_D=0.1, variant="cube"), "variant"),
        (dict(alpha=0.3, alpha_D=0.1, state="example", storage="maybe"), "storage"),
        (dict(alpha=0.3, alpha_D=0.1, T=0.1, variant="lin"), "variant"),
        (dict(alpha=0.3, alpha_D=0.1, T=0.1, state="example"), "T"),
    ],
)
def test_solve_bad_input(kwargs, name):
    with pytest.raises(ValueError, match=f"^{name}"):
        rfhm.solve(**kwargs)


@pytest.mark.parametrize("call,name", [
    # issue 14 item 6: bool / str / bytes are refused, not coerced
    (lambda: rfhm.solve(alpha=False, alpha_D=0.1), "alpha"),
    (lambda: rfhm.solve(0.3, "0.1"), "alpha_D"),
    (lambda: rfhm.solve(0.3, 0.1, T=b"0"), "T"),
    (lambda: rfhm.solve(0.3, 0.1, n=True), "n"),
    (lambda: rfhm.solve(0.3, 0.1, T=0.1, max_iter=0), "max_iter"),
    (lambda: rfhm.solve(0.3, 0.1, T=0.1, max_iter="10"), "max_iter"),
    (lambda: rfhm.reduced_R("1.0", 0.3, 0.1), "y"),
    (lambda: rfhm.reduced_R([1.0, True], 0.3, 0.1), "y"),
    (lambda: rfhm.reduced_R([1.0, math.nan], 0.3, 0.1), "y"),
    (lambda: rfhm.max_R(0.3, 0.1, n="1"), "n"),
    (lambda: rfhm.alpha_inf_capacity(None), "n"),
    (lambda: rfhm.mixture_spinodal("inf", 3), "alpha"),
    (lambda: rfhm.mixture_spinodal(True, 3), "alpha"),
    (lambda: rfhm.learning_transition(True), "alpha_D"),
    (lambda: rfhm.storage_transition(0.2, variant=None), "variant"),
    (lambda: rfhm.dense_test_state(1.0, "0.1"), "alpha_D"),
])
def test_rfhm_refuses_bool_str_bytes(call, name):
    with pytest.raises(ValueError, match=f"^{name}"):
        call()


def test_lines_bad_input():
    with pytest.raises(ValueError, match="^alpha_D"):
        rfhm.learning_transition(-0.1)
    with pytest.raises(ValueError, match="^variant"):
        rfhm.learning_transition(0.01, variant="x")
    with pytest.raises(ValueError, match="^alpha"):
        rfhm.mixture_spinodal(0.0, 3)
    with pytest.raises(ValueError, match="^n"):
        rfhm.mixture_spinodal(1.0, 4)
    with pytest.raises(ValueError, match="^n"):
        rfhm.mixture_transition(0.01, 0)
    with pytest.raises(ValueError, match="^storage"):
        rfhm.storage_transition(0.2, storage="t")
    with pytest.raises(ValueError, match="^alpha_D"):
        rfhm.storage_transition(float("nan"))


def test_nonexistent_state_reports_nan():
    s = rfhm.solve(0.05, 0.1)
    assert s.status == "absent" and not s.exists and math.isnan(s.m) and "max_y R" in s.message


def test_solve_statuses_ok_absent_unconverged():
    """The result contract: each of the three statuses, for the reduction, the T = 0
    iteration and the finite-T iteration; never an exception for absence or non-convergence."""
    ok = rfhm.solve(0.3, 0.02)
    assert ok.status == "ok" and ok.exists and ok.converged and ok.residual < 1e-12
    d = ok.as_dict()
    assert d["status"] == "ok" and d["exists"] and d["converged"]
    # absent: alpha_D = 0.5 above the capacity 0.137906, where no feature is a fixed point
    # (doc Sec. 2.5), by each method: max_y R < 1, or the iteration converges to m = 0
    for kw in (dict(), dict(method="iteration"), dict(T=0.5)):
        ab = rfhm.solve(0.3, 0.5, **kw)
        assert ab.status == "absent" and not ab.exists and ab.message, kw
    # stored example: present below the storage line (0.0556 at alpha_D = 0.2), absent 9x above
    assert rfhm.solve(0.05, 0.2, state="example").status == "ok"
    for st in ("with_t", "no_t"):
        assert rfhm.solve(0.5, 0.2, state="example", storage=st).status == "absent"
    # unconverged: one iteration of the damped map
    for kw in (dict(method="iteration"), dict(T=0.05)):
        un = rfhm.solve(0.3, 0.02, max_iter=1, **kw)
        assert un.status == "unconverged" and not un.converged and not un.exists, kw
        assert un.iterations == 1 and "max_iter" in un.message
    # ... the same point converges with the default limit
    assert rfhm.solve(0.3, 0.02, T=0.05).status == "ok"


def test_line_functions_absent_is_nan_unconverged_raises(monkeypatch):
    from hopfield_phases.theory.solvers import ConvergenceError, bracketed_root

    assert math.isnan(rfhm.learning_transition(0.2))  # absent: alpha_D > alpha_1^c
    monkeypatch.setattr(rfhm, "bracketed_root",
                        lambda *a, **k: bracketed_root(*a, **{**k, "maxiter": 1}))
    with pytest.raises(ConvergenceError):
        rfhm.learning_transition(0.05)
    with pytest.raises(ConvergenceError):
        rfhm.mixture_spinodal(1.0, 3)


# ----------------------------------------------------------------------------- free energy


@pytest.mark.parametrize("alpha,alpha_D,beta,n", [(0.3, 0.02, 5.0, 1), (5.0, 0.02, 4.0, 3)])
def test_finite_T_free_energy_is_stationary(alpha, alpha_D, beta, n):
    """The RS functional G of doc Sec. 2.1, evaluated with all eight order parameters as
    independent arguments, must be stationary at the fixed point of the Sec. 2.2 equations."""
    s = rfhm.solve(alpha, alpha_D, T=1.0 / beta, state="mixture", n=n)
    assert s.converged and s.exists
    x0 = dict(m=s.m, omq=1.0 - s.q, P=s.P, dP=s.P_d - s.P, phat=s.phat, phat_d=s.phat_d,
              qhat=s.qhat, mhat=s.mhat)

    def f(d):
        aux = {k: d[k] for k in ("phat", "phat_d", "qhat", "mhat")}
        return rfhm._free_energy_T(alpha, alpha_D, beta, n, d["m"], d["omq"], d["P"], d["dP"], aux)

    assert f(x0) == pytest.approx(s.free_energy, rel=1e-12)
    for k, v in x0.items():
        h = 1e-5 * abs(v)
        up, dn = dict(x0), dict(x0)
        up[k], dn[k] = v + h, v - h
        # first-order change of f under a relative change of x_k vanishes
        assert abs(f(up) - f(dn)) / 2e-5 < 1e-6 * abs(s.free_energy), k
    # the check can fail: a 20 % shift of m changes f visibly (second order)
    far = dict(x0)
    far["m"] = 1.2 * x0["m"]
    assert abs(f(far) - f(x0)) > 1e-4


# ----------------------------------------------------------------------------- CLI and figure


def test_cli_lines(capsys):
    from hopfield_phases.compare.cli import main

    assert main(["theory", "rfhm", "learning-line", "--alpha-D", "0.02", "0.2", "--variant", "both"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert out[0] == "alpha_D,variant,alpha_c"
    rows = [r.split(",") for r in out[1:]]
    assert float(rows[0][2]) == pytest.approx(rfhm.learning_transition(0.02), rel=1e-12)
    assert rows[1][2] == "nan" and rows[2][1] == "lin"
    assert main(["theory", "rfhm", "storage-line", "--alpha-D", "0.2", "--storage", "no_t",
                 "--format", "json"]) == 0
    assert '"alpha_s"' in capsys.readouterr().out
    assert main(["theory", "rfhm", "mixture-spinodal", "--alpha", "1", "--n", "4"]) == 2


def test_phase_diagram_figure_tiny(tmp_path):
    from hopfield_phases._core.tables import read_table
    from hopfield_phases.compare.figures import get

    out = get("rfhm-phase-diagram").build(tmp_path, size="tiny", variant="sq", storage="with_t")
    names = {p.name for p in out.files}
    for ext in ("png", "pdf", "csv", "json"):
        assert f"rfhm-phase-diagram.{ext}" in names
    rows, meta = read_table(tmp_path / "rfhm-phase-diagram.csv")
    lines = {r["line"] for r in rows}
    assert {"learning", "mixture", "storage", "alpha_inf_limit"} <= lines
    lim = [r for r in rows if r["line"] == "alpha_inf_limit" and r["n"] == 3][0]
    assert lim["alpha_D"] == pytest.approx(CAP3, abs=1e-6)
    assert meta["parameters"]["variant"] == "sq"


def test_dense_unseen_example_has_no_rs_state():
    # doc Sec. 2.7: the Gaussian-coefficient dense test state has no RS solution at any
    # finite alpha_D (n alpha_D^c(alpha, n) -> C(alpha) finite as n -> infinity)
    for alpha, alpha_D in [(0.3, 0.01), (1.0, 1e-3), (100.0, 1e-5)]:
        s = rfhm.dense_test_state(alpha, alpha_D)
        assert not s.exists and "< 1" in s.message
    with pytest.raises(ValueError, match="^alpha_D"):
        rfhm.dense_test_state(1.0, -1.0)


def test_mixture_functions_refuse_bad_types():
    from hopfield_phases.theory import mixtures

    for call, name in ((lambda: mixtures.m_of_y("1", 1), "y"),
                       (lambda: mixtures.g_of_y([1.0, True], 3), "y"),
                       (lambda: mixtures.dm_dy(1.0, n=2), "n"),
                       (lambda: mixtures.zeta_law(True), "n"),
                       (lambda: mixtures.gaussian_pdf(b"0"), "x")):
        with pytest.raises(ValueError, match=f"^{name} "):
            call()
    # NaN propagates (iterations rely on it), infinity is a limit: m(oo) = E|zeta|/n
    assert math.isnan(float(mixtures.m_of_y(math.nan, 1)))
    assert float(mixtures.m_of_y(math.inf, 3)) == pytest.approx(0.5, abs=1e-15)
