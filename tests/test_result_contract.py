"""The result contract (hopfield_phases._core.results) in the theory modules added this round:
each result type carries status/message/iterations/residual, and each of the three statuses
("ok", "absent", "unconverged") is reached.  The older modules force theirs in their own test
files (test_solvers, test_hopfield, test_rfhm_theory, test_snr, test_teacher_student_theory)."""

import math

import pytest

from hopfield_phases._core.results import STATUSES, ResultContract
from hopfield_phases.theory import rfhm_sparse as sp
from hopfield_phases.theory.solvers import SolverResult
from hopfield_phases.theory.teacher_student import direct, mismatched_teacher as mt, student, tradeoff


def _contract(r):
    assert isinstance(r, ResultContract)
    assert r.status in STATUSES and isinstance(r.message, str) and r.message
    assert r.success == (r.status == "ok")
    return r.status


def _unconverged_retrieval(*args, **kwargs):
    import numpy as np

    return SolverResult(np.array([0.9, 0.9]), False, 1, 1.0, "forced: max_iter reached")


# ------------------------------------------------------------------------ rfhm_sparse
def test_rfhm_sparse_statuses(monkeypatch):
    assert _contract(sp.solve_degree(25, 0.05, 0.005, 3)) == "ok"  # doc Sec. 5 point: retrieved
    assert _contract(sp.solve_degree(10, 0.05, 0.005, 3)) == "absent"  # n << n_c: not retrieved
    monkeypatch.setattr(sp, "_MAX_ITER", 1)  # read at call time by the retry ...
    d = sp._iterate.__defaults__  # ... and bound as the default of the first attempt
    monkeypatch.setattr(sp._iterate, "__defaults__", d[:-1] + (1,))
    assert _contract(sp.solve_degree(25, 0.05, 0.005, 3)) == "unconverged"


# ------------------------------------------------------------------------ direct model
def test_direct_statuses(monkeypatch):
    r = direct.direct_solve(3, 0.3, 0.5)
    assert _contract(r) == "ok" and r.label == "gR"
    monkeypatch.setattr(direct, "retrieval_state", _unconverged_retrieval)
    assert _contract(direct.direct_solve(3, 0.3, 0.5)) == "unconverged"


def test_direct_boundary_absent_is_nan():
    # a number-returning boundary says "absent" with nan: no lR spinodal above the retrieval region
    out = direct.direct_boundary(3, "lR", [50.0])
    assert math.isnan(out[0])


# ------------------------------------------------------------------------ p* = 2 teacher
def test_mismatched_statuses(monkeypatch):
    r = mt.mismatched_solve(4, 2.0, 0.5, eta=1.0)
    assert _contract(r) == "ok"
    monkeypatch.setattr(mt, "retrieval_state", _unconverged_retrieval)
    assert _contract(mt.mismatched_solve(4, 2.0, 0.5, eta=1.0)) == "unconverged"


# ------------------------------------------------------------------------ trade-off
def test_tradeoff_statuses(monkeypatch):
    assert _contract(tradeoff.noise_tolerance(3, 1.0, "gR")) == "absent"
    b = tradeoff.basin(3, 7.0, 2.0, 2.0)
    assert _contract(b) == "ok"

    def no_convergence(*args, **kwargs):
        raise RuntimeError("forced: the landscape's inner q iteration did not converge")

    monkeypatch.setattr(student, "landscape", no_convergence)
    assert _contract(tradeoff.basin(3, 7.0, 2.0, 2.0)) == "unconverged"
