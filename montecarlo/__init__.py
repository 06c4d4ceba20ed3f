"""Simulation: pattern generation, numba dynamics kernels, parameter sweeps. Knows nothing of theory.

Modules (RFHM side):

``validation``        argument checks (ValueError naming the parameter) and the memory check
``rng``               explicit-state xoshiro256** / splitmix64 / Lemire / Fisher-Yates for numba
``patterns``          features, coefficients, examples sign(F c); int8 and bit-packed layouts
``prefetch``          software prefetch intrinsic for the kernels
``fields``            exact integer overlaps and fields; the numba field helpers of the kernels
``zero_temperature``  exact T = 0 asynchronous dynamics (subpackage, one module per backend: brute
                      force, int16 and float32 reference ports, int8 batched, bit-packed; the
                      kernel choice / cost model)
``metropolis``        finite-temperature Metropolis on the same integer fields
``statistics``        chain statistics: tau_int (emcee), error of the mean, halves check
``rfhm``              the workshop paper's experiment: run_sample, sweep
``sweep``             the generic resumable, worker-independent sweep runner (run_sweep, read_sweep)
"""
