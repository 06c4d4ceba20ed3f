"""Simulation: pattern generation, numba dynamics kernels, parameter sweeps. Knows nothing of theory.

Modules (RFHM side):

``validation``        argument checks (ValueError naming the parameter) and the memory check
``rng``               explicit-state xoshiro256** / splitmix64 / Lemire / Fisher-Yates for numba
``patterns``          features, coefficients, examples sign(F c); int8 and bit-packed layouts
``prefetch``          software prefetch intrinsic for the kernels
``zero_temperature``  exact T = 0 asynchronous dynamics: brute force, reference ports, fast kernels
``metropolis``        finite-temperature Metropolis on the same integer fields
``rfhm``              the workshop paper's experiment: run_sample, sweep
``sweep``             the generic resumable, worker-independent sweep runner (run_sweep, read_sweep)
"""
