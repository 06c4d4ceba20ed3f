"""Kernel choice and cost model of the zero-temperature dynamics (docs/theory/rfhm_dynamics.md Sec. 4).

Per visit and active replica the int8 kernel does P int8 x int16 multiply-adds (vectorised
16-bit madd) and reads P bytes; the bit kernel does, per bit plane, W = ceil(P/64)
AND+popcount words, reading P/8 bytes (fewer with the early plane stop and the certified sign
cache, :mod:`.bits`).  Per flip: P int16 updates (int8) versus two bit-sliced ripple carries
over ~log2(P) planes (bits).  Memory: N*P bytes (int8) versus N*P/8 (bits).

Measured on the 2-core AVX-512 development machine (relaxation + build, same trajectories,
alpha_D = 0.005): int8/bits time ratio 0.5-0.8 for P <= 320, ~1.1-1.2 at P = 560-640, 2-5
for P >= 1120, for N = 4000 ... 32000.  The per-plane loop overhead of the bit kernel
dominates while W is a few words; hence :func:`choose_kernel`: int8 for P <= ``INT8_MAX_P``
(= 448, W <= 7), bits above.  The choice depends only on P, so results and CSVs are
deterministic (and all exact kernels give identical outputs anyway).

Integer limits (Sec. 4.4): the int8 kernel's int32 field accumulator is exact while N*P < 2^31
and is replaced by an int64 one above (:func:`.common.needs_wide_fields`); the bits kernel is
int64 throughout; overlaps are int16 up to N = 32767 (int32 above); bounded random integers
need N < 2^32.  N*P is therefore limited only by memory (:func:`kernel_memory`, checked
before allocation by the callers).
"""

from __future__ import annotations

import numpy as np

from hopfield_phases._core.validation import choice

from . import bits, brute, float32, int8, int16
from .common import Relaxation

__all__ = ["KERNELS", "INT8_MAX_P", "kernel_memory", "choose_kernel", "relax"]

KERNELS = ("brute", "int16", "float32", "int8", "bits")
#: largest P for which the int8 kernel is chosen (measured crossover, see choose_kernel).
INT8_MAX_P = 448

_MODULES = {"brute": brute, "int16": int16, "float32": float32, "int8": int8, "bits": bits}


def kernel_memory(kernel: str, N: int, P: int, R: int = 1) -> int:
    """Bytes the kernel's data structures need (Sec. 4.1 table)."""
    if kernel not in _MODULES:
        raise ValueError(f"kernel must be one of {KERNELS}, got {kernel!r}")
    return _MODULES[kernel].memory_bytes(N, P, R)


def choose_kernel(N: int, P: int, R: int = 1) -> str:
    """The fast exact kernel for an instance, by the cost model of the module docstring."""
    return "int8" if P <= INT8_MAX_P else "bits"


def relax(kernel: str, data, starts: np.ndarray, seed=0, tie: str = "reference", max_sweeps: int = 500,
          P: int | None = None) -> Relaxation:
    """Dispatch: ``data`` is site-major int8 X for brute/int16/float32/int8, B for bits."""
    choice("kernel", kernel, KERNELS)
    if kernel == "brute":
        return brute.relax_brute(data, starts, seed, tie, max_sweeps)
    if kernel == "int16":
        return int16.relax_int16(data, starts, seed, tie, max_sweeps)
    if kernel == "float32":
        if tie != "reference":
            raise ValueError("tie: the float32 reference port implements only the 'reference' rule")
        return float32.relax_float32(data, starts, seed, max_sweeps)
    if kernel == "int8":
        return int8.relax_int8(data, starts, seed, tie, max_sweeps)
    return bits.relax_bits(data, P, starts, seed, tie, max_sweeps)
