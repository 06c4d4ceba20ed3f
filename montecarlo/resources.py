"""One resource guard for the teacher-student Monte Carlo (memory and run time), before any work.

Every teacher-student entry point (:func:`montecarlo.teacher_student.run`,
:func:`montecarlo.teacher_student.sample_teacher`, :func:`montecarlo.umbrella.landscape`)
calls :func:`check_teacher_student` right after validating its arguments and before it
allocates anything.  The estimate counts every array of size O(M), O(N M), O(sweeps) and
O(windows N) the run creates (see :func:`teacher_student_bytes`), not just the int8 examples,
and compares it with the available memory through
:func:`hopfield_phases._core.validation.check_memory` (``HOPFIELD_MEMORY_LIMIT`` overrides).
The run time is bounded too: at most :data:`MAX_SWEEPS` sweeps per chain and at most
:data:`WORK_LIMIT` trial-flip operations (N M per sweep; the kernel does about 1e9 of them per
second, so 1e15 is about 12 days of one core); ``HOPFIELD_WORK_LIMIT`` overrides the latter.
Errors are ``ValueError`` naming the parameter to change.
"""

from __future__ import annotations

import os

from hopfield_phases._core.validation import check_memory

from . import teacher_sampling as _tsamp

__all__ = ["MAX_SWEEPS", "MAX_P", "WORK_LIMIT", "teacher_student_bytes", "check_teacher_student"]

#: largest interaction order: the kernel's integer energies (degree-p polynomials in X <= N)
#: are exact in float64 only while N^p < 2**53, which fails for every useful N beyond p ~ 30.
MAX_P = 32

#: most sweeps of one chain (per-sweep observables take 40 bytes each).
MAX_SWEEPS = 10**8
#: most trial-flip operations (N * M * total sweeps) of one call.
WORK_LIMIT = 1e15

_SAMPLE_CHUNK = 4096  # rows per chunk in teacher_sampling.sample_examples
_OVERLAP_CHUNK = 65536  # rows per chunk in teacher_student._overlaps


def teacher_student_bytes(N, M, *, sweeps=0, windows=0, kernel=True) -> dict:
    """Peak memory (bytes, floats) of a teacher-student call, by part.

    ``law``: the O(N) arrays of the exact law of K (support, binomials, tilt, probabilities,
    CDF) and the spin vectors.  ``examples``: the int8 (M, N) array.  ``sampling``: the M-sized draws of
    :func:`sample_k` (uniforms, indices, overlaps: 3 x 8 M) and the (chunk, N) int64/bool
    temporaries of :func:`sample_examples`.  ``overlaps``: K and its float copies for the
    realised coupling (4 x 8 M) plus the int32 product (4 N M below 2**26 entries, chunked
    above).  ``chain`` (``kernel=True``): X, B and their polynomial temporaries (4 x 8 M).
    ``series``: 40 bytes per sweep (q*, e, m, argmax, accepted) and twice that for the
    summaries.  ``windows`` (umbrella sampling): the kept q* series (8 bytes per sweep and
    window) and the (windows, N + 1) count, bias and bootstrap matrices."""
    N, M, sweeps, windows = float(N), float(M), float(sweeps), float(windows)
    parts = {
        "law": 80.0 * (N + 1) + 4.0 * N,  # the exact law of K (doc Sec. 2): ~10 arrays of N+1
        "examples": N * M,
        "sampling": 24.0 * M + min(M, _SAMPLE_CHUNK) * N * 12.0,
        "overlaps": 32.0 * M + (4.0 * N * M if N * M <= 2**26 else 4.0 * N * min(M, _OVERLAP_CHUNK)),
    }
    if kernel:
        parts["chain"] = 32.0 * M
        parts["series"] = 120.0 * sweeps
    if windows:
        parts["windows"] = 8.0 * sweeps * windows + 3 * 8.0 * windows * (N + 1) + 8.0 * 40 * (N + 1)
    return parts


def check_teacher_student(N, M, *, sweeps=0, windows=0, kernel=True, name="M", what="",
                          p=None) -> None:
    """Raise ValueError before a call whose arrays or run time would not fit (see module doc).

    ``sweeps``: sweeps per chain (measured + discarded); ``windows``: chains run one after the
    other (umbrella windows; 0 for a single run).  ``name``: the parameter blamed for the
    memory (the one the caller's user sets, e.g. ``alpha`` for :func:`run`).  With ``p``
    given, also ``N >= p`` and ``p <= MAX_P``."""
    if p is not None:
        if p > MAX_P:
            raise ValueError(f"p must be <= {MAX_P} (float64 energies), got {p}")
        if N < p:
            raise ValueError(f"N must be >= p = {p} (p distinct sites per interaction), got {N}")
    _tsamp.check_size(N, M)  # the historical 8 GiB cap on the example array itself
    if sweeps > MAX_SWEEPS:
        raise ValueError(f"sweeps must be <= {MAX_SWEEPS:.0e} per chain (measured + discarded), got {sweeps!r}")
    limit = float(os.environ.get("HOPFIELD_WORK_LIMIT", WORK_LIMIT))
    work = float(N) * max(float(M), 1.0) * float(sweeps) * max(float(windows), 1.0)
    if work > limit:
        raise ValueError(
            f"sweeps: {sweeps} sweeps{f' x {windows} windows' if windows else ''} of N = {N} spins "
            f"and M = {M} examples are {work:.3g} trial-flip operations (about "
            f"{work / 1e9 / 3600:.3g} core-hours); the limit is {limit:.3g} "
            "(HOPFIELD_WORK_LIMIT overrides it)")
    parts = teacher_student_bytes(N, M, sweeps=sweeps, windows=windows, kernel=kernel)
    total = sum(parts.values())
    biggest = max(parts, key=parts.get)
    blame = name
    if parts[biggest] > total / 2 and biggest in ("series", "windows"):
        blame = "sweeps"
    elif parts[biggest] > total / 2 and biggest == "law":
        blame = "N"
    desc = what or f"N = {N} spins, M = {M} examples, {sweeps} sweeps"
    check_memory(blame, total, f"{desc} (largest part: {biggest})")
