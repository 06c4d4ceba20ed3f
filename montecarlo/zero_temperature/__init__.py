"""Zero-temperature asynchronous dynamics of a Hebbian Hopfield network, exactly
(docs/theory/rfhm_dynamics.md Secs. 1-4).

Semantics (Sec. 1)
------------------
Couplings ``J = X^T X / N`` with zero diagonal, X the P x N matrix of examples; exact integer
fields ``H_i = N h_i = sum_mu xi^mu_i m_mu - P s_i`` with overlaps ``m = X s``.  A *sweep*
draws a fresh uniform permutation (Fisher-Yates shuffle of the previous one with the explicit
xoshiro256** stream of :mod:`montecarlo.rng`) and visits the sites in that order, each visit
seeing every earlier flip.  Tie rules (``tie``):

* ``"reference"`` (rule R, the authors' code, default): flip iff ``h_i s_i <= 0`` (a spin at an
  exact tie always flips);
* ``"sign"`` (rule S): ``s_i <- sign(h_i)``, ``sign(0) = +1``.

Stopping (Sec. 1.4): per sweep count the visits with ``s_i == sign(h_i)`` (sign(0)=+1) taken
*before* the decision; stop after the first sweep whose count is N ("converged") or after
``max_sweeps`` (default 500).  Outputs per start state: final configuration, converged flag,
sweeps used, number of flips, number of visits with an exact zero field.

Kernels (all exact except the float32 port; same seed => same permutation stream =>
bit-identical outputs, tested)
------------------------------------------------------------------------------------------
=================  =========================================  ==================  ==========
kernel             data                                       per visit           memory
=================  =========================================  ==================  ==========
``brute``          K = X^T X (int64 numpy), python loop       K_i . s             8 N^2
``int16``          exact reference port: K int16, int32 dot   N int MACs          2 N^2
``float32``        faithful reference port: float32 J = K/N,  N float MACs        4 N^2 (+4NP)
                   fastmath float32 dot at every visit
``int8``           matrix-free: X site-major int8, overlaps   R*P int8xint16      N P + 2 R P
                   m (int16, int32 if N > 32767), batched R   MACs, P bytes       + 16 R N
``bits``           bit-packed B (N x W uint64), bit-sliced    <= R*n_b*W          N P / 8
                   overlap counts (n_b = bit_length(N) planes) popcounts, P/8 B    + 24 R N
=================  =========================================  ==================  ==========

The float32 port follows the reference rule R with float32 fields; it can differ from the exact
kernels only in instances where exact ties are possible (Sec. 2.4).  The cost model and the
measured int8 / bits crossover are in :mod:`.choice`.

Modules (one per backend, plus the shared pieces and the kernel choice)
-----------------------------------------------------------------------
``common``   tie rules, :class:`Relaxation`, integer limits (N*P is limited by memory only:
             int64 fields where int32 could overflow, :func:`.common.needs_wide_fields`)
``brute``    :func:`relax_brute`
``int16``    :func:`build_K_int16`, :func:`relax_int16` (exact integer reference port)
``float32``  :func:`build_J_float32`, :func:`relax_float32` (faithful float32 port)
``int8``     :func:`relax_int8` (matrix-free, batched)
``bits``     :func:`relax_bits`, :func:`decode_planes` (bit-packed, bit-sliced)
``choice``   :data:`KERNELS`, :data:`INT8_MAX_P`, :func:`kernel_memory`, :func:`choose_kernel`
             (cost model, Sec. 4) and the dispatcher :func:`relax`

The exact integer overlaps and fields (:func:`overlaps`, :func:`fields`) and the numba field
helpers shared with Metropolis live in :mod:`montecarlo.fields`.

Batching (Sec. 3.3): the ``int8`` and ``bits`` kernels relax R start states together with one
shared permutation per sweep; a batched run equals R separate runs each given the batch's
seed (tested).  Converged replicas leave the active set.
"""

from __future__ import annotations

from ..fields import fields, overlaps
from .bits import decode_planes, relax_bits
from .brute import relax_brute
from .choice import INT8_MAX_P, KERNELS, choose_kernel, kernel_memory, relax
from .common import TIE_RULES, Relaxation
from .float32 import build_J_float32, relax_float32
from .int8 import relax_int8
from .int16 import build_K_int16, relax_int16

__all__ = ["TIE_RULES", "KERNELS", "Relaxation", "relax", "relax_brute", "relax_int16", "relax_float32",
           "relax_int8", "relax_bits", "build_K_int16", "build_J_float32", "choose_kernel",
           "overlaps", "fields", "kernel_memory", "INT8_MAX_P", "decode_planes"]
