"""AGS replica-symmetric theory of the standard Hopfield model (theory/hopfield.py).

Every check rests on an independent fact: literature values [AGS85, AGS87] quoted in
rfhm_theory.md Sec. 3 / Sec. 5 item 2, exact limits (alpha = 0 Curie-Weiss, T_g = 1 + sqrt
alpha, T -> 0), an independent solution of the original equations (plain quadrature, fsolve),
or the defining condition of a line checked at tight tolerance (which a grid scan would fail).
"""

import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import optimize, special

from hopfield_phases.theory import hopfield as H
from hopfield_phases.theory.solvers import ConvergenceError, fixed_point

REPO = Path(__file__).resolve().parent.parent

# --- plain, independent quadrature (dense trapezoid in z), used only at moderate beta -------
_Z = np.linspace(-12.0, 12.0, 24001)
_W = np.exp(-0.5 * _Z**2) / math.sqrt(2 * math.pi) * (_Z[1] - _Z[0])


def _zeta(n):
    k = np.arange(n + 1)
    return 2.0 * k - n, special.comb(n, k) / 2.0**n


def _ags_update(v, alpha, T, n):
    """One application of the AGS equations (Sec. 3.1) with plain quadrature."""
    m, q, r = v
    beta = 1 / T
    zeta, p = _zeta(n)
    h = beta * (m * zeta[:, None] + math.sqrt(alpha * r) * _Z[None, :])
    t = np.tanh(h)
    m_new = float(p @ ((t * zeta[:, None]) @ _W)) / n
    q_new = float(p @ ((t**2) @ _W))
    r_new = q_new / (1 - beta * (1 - q_new)) ** 2
    return np.array([m_new, q_new, r_new])


# --- T = 0 anchors --------------------------------------------------------------------------


def test_alpha_c_and_m_c_at_zero_temperature():
    # [AGS87]: alpha_c = 0.1379 (0.137906), m_c = 0.967
    assert H.capacity() == pytest.approx(0.1379, abs=1e-3)
    assert H.capacity() == pytest.approx(0.137906, abs=2e-6)
    assert H.capacity_overlap() == pytest.approx(0.967, abs=1e-3)
    # the capacity is the existence limit of the T = 0 retrieval solution
    assert H.solve(H.capacity() - 1e-6, 0.0).m > 0.96
    beyond = H.solve(H.capacity() + 1e-6, 0.0)
    assert beyond.status == "absent" and math.isnan(beyond.m) and "existence limit" in beyond.message


def test_zero_temperature_solution_against_direct_fsolve():
    """The T = 0 AGS equations in their original form (m, C, r), solved by fsolve."""
    for alpha in (0.05, 0.1, 0.13):
        def F(v):
            m, C, r = v
            s = math.sqrt(alpha * r)
            return [m - special.erf(m / (math.sqrt(2) * s)),
                    C - math.sqrt(2 / math.pi) / s * math.exp(-m * m / (2 * s * s)),
                    r - (1 - C) ** -2]

        m, C, r = optimize.fsolve(F, [1.0, 0.05, 1.1], xtol=1e-14)
        st_ = H.solve(alpha, 0.0)
        assert st_.converged and st_.residual < 1e-12
        assert (st_.m, st_.C, st_.r) == pytest.approx((m, C, r), rel=1e-10, abs=1e-12)


def test_zero_temperature_regression_points():
    """rfhm_theory.md Sec. 5 item 9 (values computed by this module, guarded here)."""
    ref_m = {0.05: 0.9999922281490462, 0.1: 0.9979992663472992, 0.13: 0.987211890799235}
    for alpha, m in ref_m.items():
        assert H.solve(alpha, 0.0).m == pytest.approx(m, rel=1e-9)
    s = H.solve(0.13, 0.0)
    sg = H.solve(0.13, 0.0, state="spin_glass")
    assert (s.C, s.r, s.f) == pytest.approx((0.09072823111904639, 1.209518694874091,
                                             -0.5009123738345163), rel=1e-9)
    assert sg.f == pytest.approx(-0.6059912557713703, rel=1e-9)
    # AGS: the retrieval state has (1 - m)/2 ~ 0.64 % errors at alpha_c
    assert (1 - H.capacity_overlap()) / 2 == pytest.approx(0.0163, abs=5e-4)


def test_zero_temperature_spin_glass_tiny_alpha():
    """Found by the fuzz test: the T = 0 closed form divided by 1 - C = 0 at alpha ~ 1e-266.
    Written with s = sqrt(alpha), it tends to the alpha -> 0 limits f -> -1/pi (the
    alpha = 0 terms k(s+k)/2 - k(s+k) -> -k^2/2 = -1/pi) and C -> 1."""
    for alpha in (1.5091990434338288e-266, 1e-300, 5e-324):
        sg = H.solve(alpha, 0.0, state="spin_glass")
        assert sg.status == "ok" and sg.f == pytest.approx(-1 / math.pi, rel=1e-12)
        assert sg.C == pytest.approx(1.0, abs=1e-12)


def test_alpha_g_global_minimum_limit():
    # [AGS87]: retrieval is the global minimum up to alpha ~ 0.051 at T = 0
    ag = H.alpha_g()
    assert 0.0505 <= ag <= 0.0525
    for alpha, sign in ((ag - 1e-4, -1), (ag + 1e-4, +1)):
        df = H.solve(alpha, 0.0).f - H.solve(alpha, 0.0, state="spin_glass").f
        assert np.sign(df) == sign
    df = H.solve(ag, 0.0).f - H.solve(ag, 0.0, state="spin_glass").f
    assert abs(df) < 1e-12
    # the T = 0 closed forms f0, f_SG are the T -> 0 limits of the finite-T functional
    f0 = H.solve(ag, 0.0).f
    assert H.solve(ag, 1e-3).f == pytest.approx(f0, abs=1e-9)
    # the RS spin glass approaches linearly: its RS entropy at T = 0 is negative (a known
    # RS artefact), so (f(T) - f0)/T tends to a positive constant
    f0 = H.solve(ag, 0.0, state="spin_glass").f
    s1, s2 = [(H.solve(ag, T, state="spin_glass").f - f0) / T for T in (1e-3, 1e-4)]
    assert s1 > 0 and s1 == pytest.approx(s2, rel=0.01)


def test_mixture_capacities():
    assert H.capacity(3) == pytest.approx(0.0299, abs=1e-3)
    assert H.capacity(3) == pytest.approx(0.029942, abs=2e-6)
    caps = [H.capacity(n) for n in (1, 3, 5, 7, 9)]
    assert all(a > b for a, b in zip(caps, caps[1:]))
    # n alpha_n^c decreases with n (Sec. 3.2) and sqrt(n) m_c approaches kappa1 = sqrt(2/pi)
    prod = [n * H.capacity(n) for n in (3, 5, 7, 9)]
    assert all(a > b for a, b in zip(prod, prod[1:]))
    mc = [math.sqrt(n) * H.capacity_overlap(n) for n in (3, 5, 7, 9)]
    gaps = [abs(v - math.sqrt(2 / math.pi)) for v in mc]
    assert all(a > b for a, b in zip(gaps, gaps[1:])) and gaps[-1] < 0.03


# --- finite temperature -----------------------------------------------------------------------


@pytest.mark.parametrize("alpha,T,n", [(0.05, 0.5, 1), (0.1, 0.3, 1), (0.002, 0.3, 3)])
def test_finite_T_against_plain_fixed_point(alpha, T, n):
    """Damped iteration of the original (m, q, r) equations with plain quadrature."""
    st_ = H.solve(alpha, T, n=n)
    ref = fixed_point(lambda v: _ags_update(v, alpha, T, n), [st_.m * 0.98, st_.q * 0.98, st_.r],
                      damping=0.5, tol=1e-13)
    assert ref.converged
    assert (st_.m, st_.q, st_.r) == pytest.approx(tuple(ref.x), rel=1e-9, abs=1e-11)
    assert st_.converged and st_.residual < 1e-12


def test_alpha_zero_is_curie_weiss():
    for T in (0.2, 0.6, 0.95):
        m = optimize.brentq(lambda m: m - math.tanh(m / T), 1e-6, 1.0, xtol=1e-15)
        s = H.solve(0.0, T)
        assert s.m == pytest.approx(m, abs=1e-13)
        assert s.f == pytest.approx(m * m / 2 - T * math.log(2 * math.cosh(m / T)), abs=1e-13)


def test_free_energy_is_stationary_and_consistent():
    for alpha, T, n in ((0.05, 0.3, 1), (0.12, 0.05, 1), (0.001, 0.2, 3)):
        s = H.solve(alpha, T, n=n)
        v = np.array([s.m, s.q, s.r])
        assert s.f == pytest.approx(H.rs_free_energy(alpha, T, *v, n=n), abs=1e-13)
        for i in range(3):
            e = np.zeros(3)
            e[i] = 1e-5 * max(1.0, v[i])
            grad = (H.rs_free_energy(alpha, T, *(v + e), n=n)
                    - H.rs_free_energy(alpha, T, *(v - e), n=n)) / (2 * e[i])
            assert abs(grad) < 1e-7
    sg = H.solve(0.1, 0.5, state="spin_glass")
    assert sg.f == pytest.approx(H.rs_free_energy(0.1, 0.5, 0.0, sg.q, sg.r), abs=1e-13)


def test_finite_T_tends_to_zero_T_solution():
    """As T -> 0 the finite-T saddle point converges to the T = 0 one (Sec. 3.2), at least
    linearly in T (r and C carry O(T) corrections; not monotone in every component)."""
    for alpha, n in ((0.1, 1), (0.13, 1), (0.02, 3)):
        s0 = H.solve(alpha, 0.0, n=n)
        for T in (0.01, 0.003, 0.001, 0.0003):
            s = H.solve(alpha, T, n=n)
            err = max(abs(s.m - s0.m), abs(s.C - s0.C), abs(s.r - s0.r), abs(s.f - s0.f))
            assert err < T, (alpha, n, T, err)
            assert abs(s.f - s0.f) < 1e-3 * T


# --- lines --------------------------------------------------------------------------------


def test_spin_glass_line_is_one_plus_sqrt_alpha():
    for alpha in (0.01, 0.05, 0.14):
        Tg = H.critical_temperature(alpha, "spin_glass")
        assert Tg == 1 + math.sqrt(alpha)
        # independent: the SG solution's q vanishes linearly at T_g and it is gone above
        q1 = H.solve(alpha, Tg - 1e-3, state="spin_glass").q
        q2 = H.solve(alpha, Tg - 2e-3, state="spin_glass").q
        assert 0 < q1 < 1e-2 and q2 / q1 == pytest.approx(2.0, rel=0.05)
        assert H.solve(alpha, Tg + 1e-9, state="spin_glass").status == "absent"


def test_retrieval_spinodal_is_a_fold_located_by_root_finding():
    for alpha in (0.01, 0.1):
        TM = H.critical_temperature(alpha, "retrieval_spinodal")
        assert H.solve(alpha, TM - 1e-8).status == "ok"
        assert H.solve(alpha, TM + 1e-8).status == "absent"


def test_retrieval_spinodal_small_alpha_asymptote():
    # [AGS87]: T_M ~ 1 - 1.95 sqrt(alpha) at small alpha
    alpha = 1e-5
    TM = H.critical_temperature(alpha, "retrieval_spinodal")
    assert (1 - TM) / math.sqrt(alpha) == pytest.approx(1.95, abs=0.01)
    assert H.critical_temperature(0.0, "retrieval_spinodal") == 1.0


def test_retrieval_global_line_is_free_energy_crossing():
    for alpha in (0.02, 0.045):
        Tc = H.critical_temperature(alpha, "retrieval_global")
        assert Tc < H.critical_temperature(alpha, "retrieval_spinodal")
        df = H.solve(alpha, Tc).f - H.solve(alpha, Tc, state="spin_glass").f
        assert abs(df) < 1e-10


def _T3_ZERO_LOAD_FSOLVE():
    """T_3 at alpha = 0 from the reduced conditions of Sec. 3.4 (lambda_asym = 0 on the
    3-mixture: beta sech^2(beta m) = 1 with m = [tanh 3 beta m + tanh beta m]/4), by fsolve."""
    def F(v):
        beta, m = v
        return [beta / math.cosh(beta * m) ** 2 - 1,
                m - (math.tanh(3 * beta * m) + math.tanh(beta * m)) / 4]

    beta, m = optimize.fsolve(F, [2.2, 0.45], xtol=1e-14)
    return 1 / beta


def test_three_mixture_zero_load_instability():
    """T_3 from the reduced conditions of Sec. 3.4, solved independently."""
    beta = 1 / _T3_ZERO_LOAD_FSOLVE()
    assert 1 / beta == pytest.approx(0.46, abs=5e-3)  # [AGS85]
    assert H.mixture_temperature_zero_load(3) == pytest.approx(1 / beta, abs=1e-10)
    assert H.critical_temperature(0.0, "mixture", n=3) == pytest.approx(1 / beta, abs=1e-10)
    T5, T7 = H.mixture_temperature_zero_load(5), H.mixture_temperature_zero_load(7)
    assert 1 / beta > T5 > T7 > 0


def test_mixture_lines_asym_then_fold_and_end_at_capacity():
    n = 3
    # small alpha: lambda_asym binds, and vanishes at the returned temperature
    a_small = 5e-4
    T = H.critical_temperature(a_small, "mixture", n)
    assert abs(H.solve(a_small, T, n=n).lambda_asym) < 1e-7
    # larger alpha: the existence fold binds, lambda_asym > 0 there
    a_big = 0.02
    T = H.critical_temperature(a_big, "mixture", n)
    assert H.solve(a_big, T - 1e-7, n=n).lambda_asym > 0.1
    assert H.solve(a_big, T + 1e-7, n=n).status == "absent"
    # the line ends on the T = 0 axis at capacity(n)
    c = H.capacity(n)
    Ts = [H.critical_temperature(c * f, "mixture", n) for f in (0.9, 0.99, 0.999)]
    assert Ts[0] > Ts[1] > Ts[2] and Ts[2] < 0.02


@pytest.mark.slow
@pytest.mark.parametrize("n", [5, 7])
def test_mixture_lines_end_at_capacity_slow(n):
    c = H.capacity(n)
    Ts = [H.critical_temperature(c * f, "mixture", n) for f in (0.9, 0.99, 0.999)]
    assert Ts[0] > Ts[1] > Ts[2] and Ts[2] < 0.02
    T0 = H.critical_temperature(1e-6, "mixture", n)
    assert T0 == pytest.approx(H.mixture_temperature_zero_load(n), abs=0.01)


def test_phase_diagram_table():
    d = H.phase_diagram(points=6, n_list=(3,))
    assert set(d.lines) == {"T_g", "T_M", "T_c", "T_3"}
    tm, t3 = d.lines["T_M"], d.lines["T_3"]
    # ends of the lines against the literature / independent values (not the code itself):
    # alpha_c = 0.137906, alpha_3^c = 0.029942 [AGS87]; T_3(0) from the fsolve of
    # test_three_mixture_zero_load_instability (0.4610 to 4 digits)
    assert tm["alpha"][0] == pytest.approx(0.137906, abs=2e-6) and tm["T"][0] == 0
    assert tm["alpha"][-1] == 0 and tm["T"][-1] == 1
    assert t3["alpha"][0] == pytest.approx(0.029942, abs=2e-6)
    assert t3["T"][-1] == pytest.approx(_T3_ZERO_LOAD_FSOLVE(), abs=1e-10)
    # each traced point lies on its line: T_line(alpha_point) reproduces T_point
    i = 3
    assert H.critical_temperature(tm["alpha"][i], "retrieval_spinodal") == pytest.approx(
        tm["T"][i], abs=1e-9)
    rows = d.rows()
    assert {"line", "n", "alpha", "T", "binding"} <= set(rows[0])
    e = H.phase_diagram(alphas=[0.01, 0.2], lines=("retrieval_spinodal",))
    assert math.isfinite(e.lines["T_M"]["T"][0]) and math.isnan(e.lines["T_M"]["T"][1])


def test_retrieval_spinodal_is_reentrant_in_rs():
    """RS re-entrance near T = 0: alpha_M(T) first grows above alpha_c."""
    assert H.spinodal_alpha(0.02) > H.capacity() + 2e-4
    T_hi = H.critical_temperature(0.1381, "retrieval_spinodal")
    assert 0.02 < T_hi < 0.1
    assert math.isnan(H.critical_temperature(0.139, "retrieval_spinodal"))  # absent: nan


def test_retrieval_spinodal_against_plain_iteration():
    """Independent of the fold finder: damped iteration of the original (m, q, r) equations
    with plain quadrature, started in retrieval (m = 1), keeps a retrieval state 0.01 below
    T_M and falls to m ~ 0 0.01 above it."""
    alpha = 0.05
    TM = H.critical_temperature(alpha, "retrieval_spinodal")
    below = fixed_point(lambda v: _ags_update(v, alpha, TM - 0.01, 1), [1.0, 1.0, 1.0],
                        damping=0.5, tol=1e-10, max_iter=20000)
    above = fixed_point(lambda v: _ags_update(v, alpha, TM + 0.01, 1), [1.0, 1.0, 1.0],
                        damping=0.5, tol=1e-10, max_iter=20000)
    assert below.x[0] > 0.5 and below.x[0] == pytest.approx(H.solve(alpha, TM - 0.01).m, abs=1e-8)
    assert above.x[0] < 1e-3


# --- result contract ---------------------------------------------------------------------


def test_solve_statuses_ok_absent_unconverged():
    ok = H.solve(0.1, 0.3)
    assert ok.status == "ok" and ok.success and ok.converged and ok.iterations > 0
    assert ok.residual < 1e-12 and ok.as_dict()["status"] == "ok"
    # absent: retrieval beyond its T = 0 capacity 0.137906, paramagnet below T = 1, SG at alpha=0
    for r in (H.solve(0.2, 0.0), H.solve(0.1, 0.5, state="paramagnet"),
              H.solve(0.0, 0.5, state="spin_glass"), H.solve(0.01, 1.0, n=3)):
        assert r.status == "absent" and not r.success and math.isnan(r.m) and r.message
    # unconverged: a residual tolerance no floating-point solution can meet
    bad = H.solve(0.1, 0.3, tol=1e-300)
    assert bad.status == "unconverged" and not bad.converged and "residual" in bad.message
    assert bad.m == pytest.approx(ok.m, rel=1e-14)  # the last iterate is kept, flagged


def test_line_functions_nan_when_absent_and_raise_when_unconverged(monkeypatch):
    assert math.isnan(H.critical_temperature(0.2, "retrieval_spinodal"))
    assert math.isnan(H.critical_temperature(0.05, "mixture", 3))
    # a Brent root that stops early is raised, never returned (result contract)
    from hopfield_phases.theory import solvers

    real_root = solvers.bracketed_root
    monkeypatch.setattr(H, "bracketed_root",
                        lambda *a, **k: real_root(*a, **{**k, "maxiter": 1}))
    with pytest.raises(ConvergenceError):
        H.critical_temperature(0.1, "retrieval_spinodal")


# --- input validation --------------------------------------------------------------------


@pytest.mark.parametrize("call,name", [
    (lambda: H.solve(-0.1, 0.5), "alpha"),
    (lambda: H.solve(0.1, -0.5), "T"),
    (lambda: H.solve(0.1, 0.5, n=2), "n"),
    (lambda: H.solve(0.1, 0.5, n=0), "n"),
    (lambda: H.solve(0.1, 0.5, state="ferro"), "state"),
    (lambda: H.solve(float("nan"), 0.5), "alpha"),
    (lambda: H.capacity(4), "n"),
    (lambda: H.capacity(-1), "n"),
    (lambda: H.critical_temperature(-1.0, "spin_glass"), "alpha"),
    (lambda: H.critical_temperature(0.1, "nonsense"), "line"),
    (lambda: H.critical_temperature(0.1, "mixture", n=6), "n"),
    (lambda: H.critical_temperature(0.01, "retrieval_global", n=3), "n"),
    (lambda: H.phase_diagram(lines=("bogus",)), "lines"),
    (lambda: H.phase_diagram(n_list=(2,)), "n_list"),
    (lambda: H.phase_diagram(alphas=[-1.0]), "alphas"),
    # issue 14 item 6 reproducers: no unnamed TypeError, no silent bool/str coercion
    (lambda: H.phase_diagram(n_list=-1), "n_list"),
    (lambda: H.phase_diagram(n_list=None), "n_list"),
    (lambda: H.phase_diagram(n_list=("3",)), "n_list"),
    (lambda: H.phase_diagram(lines=5), "lines"),
    (lambda: H.phase_diagram(alphas=["0.1"]), "alphas"),
    (lambda: H.phase_diagram(alphas=[True]), "alphas"),
    (lambda: H.phase_diagram(points="6"), "points"),
    (lambda: H.solve(alpha=False, T="0.5"), "alpha"),
    (lambda: H.solve(0.1, "0.5"), "T"),
    (lambda: H.solve(0.1, b"0.5"), "T"),
    (lambda: H.solve(0.1, 0.5, n=True), "n"),
    (lambda: H.solve(0.1, 0.5, tol=0.0), "tol"),
    (lambda: H.capacity("1"), "n"),
    (lambda: H.mixture_temperature_zero_load([3]), "n"),
    (lambda: H.spinodal_alpha(0.5, y_hint="2"), "y_hint"),
    (lambda: H.spinodal_alpha(True), "T"),
    (lambda: H.global_alpha("0.1"), "T"),
    (lambda: H.mixture_alpha(0.1, n=None), "n"),
    (lambda: H.spin_glass_temperature("0.1"), "alpha"),
    (lambda: H.rs_free_energy(0.1, 0.5, "1", 0.9, 1.0), "m"),
    (lambda: H.critical_temperature(0.1, ["retrieval_spinodal"]), "line"),
])
def test_bad_input_raises_value_error_naming_parameter(call, name):
    with pytest.raises(ValueError) as exc:
        call()
    assert str(exc.value).startswith(name)


@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(
    alpha=st.one_of(st.floats(-1, 0.3),
                    st.sampled_from([0.0, 1e-12, 0.0299, 0.1379, 0.138, math.nan, math.inf])),
    T=st.one_of(st.floats(-1, 1.6),
                st.sampled_from([0.0, 1e-9, 0.99999, 1.0, math.nan, -math.inf])),
    n=st.one_of(st.integers(-3, 9), st.sampled_from([1.0, 2.5, "3", None])),
    state=st.sampled_from(["retrieval", "spin_glass", "paramagnet", "x"]),
)
def test_solve_random_arguments_give_result_or_value_error(alpha, T, n, state):
    try:
        r = H.solve(alpha, T, n=n, state=state)
    except ValueError:
        return
    if r.status == "unconverged":
        # known, reported ill-conditioning: the finite-T spin glass at alpha < 1e-15 (1 - C
        # ~ sqrt(alpha) loses the r equation's digits); flagged, never returned as ok
        assert state == "spin_glass" and alpha < 1e-15 and "residual" in r.message, r
        return
    if r.status == "absent":
        assert math.isnan(r.m) and math.isnan(r.f) and r.message and not r.success
        return
    assert r.status == "ok" and math.isfinite(r.f) and r.residual < 1e-9
    assert 0 <= r.q <= 1 and not r.lambda_out < -1e-12  # nan: not defined (alpha = 0)


@settings(max_examples=15, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(
    alpha=st.one_of(st.floats(-0.1, 0.2), st.sampled_from([0.0, 1e-10, math.nan])),
    line=st.sampled_from(list(H.LINES) + ["other"]),
    n=st.sampled_from([1, 3, 5, 2, -1]),
)
def test_critical_temperature_random_arguments(alpha, line, n):
    try:
        T = H.critical_temperature(alpha, line, n)
    except ValueError:
        return
    if math.isnan(T):  # absent: the line does not reach this alpha
        assert alpha > 0.02
        return
    assert 0 <= T <= 1 + math.sqrt(alpha)


# --- command line and dataset ----------------------------------------------------------------


def test_cli_csv_and_json(capsys):
    from hopfield_phases.compare.cli import main

    assert main(["theory", "hopfield", "--summary", "--n", "3"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "quantity,n,value" and any(l.startswith("alpha_c,1,0.1379") for l in out)
    assert main(["theory", "hopfield", "--lines", "retrieval_spinodal", "--alphas", "0.05",
                 "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["line"] == "T_M" and rows[0]["T"] == pytest.approx(
        H.critical_temperature(0.05, "retrieval_spinodal"))
    assert main(["theory", "hopfield", "--solve", "0.1", "0.2", "--n", "2"]) == 2
    assert "n must be odd" in capsys.readouterr().err


def test_reference_dataset_matches_theory():
    from hopfield_phases._core.tables import read_table

    path = REPO / "data" / "ags_lines.csv"
    rows, meta = read_table(path)
    for key in ("command", "version", "git_commit", "seed", "date"):
        assert key in meta
    lines = {r["line"] for r in rows}
    assert {"T_g", "T_M", "T_c", "T_3", "T_5", "T_7"} <= lines
    tm = [r for r in rows if r["line"] == "T_M"]
    r = tm[len(tm) // 2]
    assert H.spinodal_alpha(r["T"]) == pytest.approx(r["alpha"], rel=1e-9)
    assert meta["key_points"]["alpha_c"] == pytest.approx(H.capacity(), rel=1e-12)


def test_phase_diagram_statuses(monkeypatch):
    d = H.phase_diagram(alphas=[0.01, 0.2], lines=("retrieval_spinodal",))
    assert d.status == "ok" and "1 point(s) where a line does not exist" in d.message
    # a root finder that stops early: the point is nan and the diagram says "unconverged"
    from hopfield_phases.theory import solvers

    real_root = solvers.bracketed_root
    monkeypatch.setattr(H, "bracketed_root", lambda *a, **k: real_root(*a, **{**k, "maxiter": 1}))
    u = H.phase_diagram(alphas=[0.01], lines=("retrieval_spinodal",))
    assert u.status == "unconverged" and math.isnan(u.lines["T_M"]["T"][0]) and u.failures
