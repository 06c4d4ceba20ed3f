"""Software prefetch for numba kernels (docs/theory/rfhm_dynamics.md Sec. 3.7).

numba has no prefetch builtin; :func:`prefetch_row` is an ``@intrinsic`` that emits LLVM's
``llvm.prefetch`` (read, locality 2 = keep in L2, data cache) for every 64-byte cache line of
row ``i`` of a 2-D C-contiguous array.  The dynamics kernels know the visiting order in advance
(the permutation), so they prefetch the row of site ``perm[t + d]`` while visiting ``perm[t]``;
random rows are otherwise latency bound once the data does not fit in cache.  A prefetch never
faults and does not change results.  Not used by the reference port (faithfulness).
"""

from __future__ import annotations

from llvmlite import ir
from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic

__all__ = ["prefetch_line", "prefetch_row", "PREFETCH_DISTANCE"]

#: rows ahead of the current visit (Sec. 3.7: d = 2 worked)
PREFETCH_DISTANCE = 2


@intrinsic
def prefetch_line(typingctx, arr, i, j):
    """Prefetch the cache line holding ``arr[i, j]`` (2-D array) into L2."""
    if not isinstance(arr, types.Array) or arr.ndim != 2:
        return None
    sig = types.void(arr, i, j)

    def codegen(context, builder, signature, args):
        aryty, ity, jty = signature.args
        ary = context.make_array(aryty)(context, builder, args[0])
        ii = context.cast(builder, args[1], ity, types.intp)
        jj = context.cast(builder, args[2], jty, types.intp)
        ptr = cgutils.get_item_pointer(context, builder, aryty, ary, [ii, jj], wraparound=False)
        i8p = builder.bitcast(ptr, ir.IntType(8).as_pointer())
        i32 = ir.IntType(32)
        fnty = ir.FunctionType(ir.VoidType(), [i8p.type, i32, i32, i32])
        fn = cgutils.get_or_insert_function(builder.module, fnty, "llvm.prefetch.p0")
        builder.call(fn, [i8p, i32(0), i32(2), i32(1)])
        return context.get_dummy_value()

    return sig, codegen


@njit(cache=True)
def prefetch_row(arr, i):
    """Prefetch every 64-byte line of row ``i`` of the 2-D C-contiguous array ``arr``."""
    step = max(1, 64 // arr.itemsize)
    n = arr.shape[1]
    for j in range(0, n, step):
        prefetch_line(arr, i, j)
