"""Simulation: pattern generation, numba dynamics kernels, every simulation task and its column
layout, parameter sweeps.  Knows nothing of theory (argument checks come from
:mod:`hopfield_phases._core.validation`).

Shared machinery

``rng``               explicit-state xoshiro256** / splitmix64 / Lemire / Fisher-Yates for numba
``prefetch``          software prefetch intrinsic for the kernels
``fields``            exact integer overlaps and fields; the numba field helpers of the kernels
``statistics``        chain statistics: tau_int (emcee), error of the mean, halves check
``resources``         memory and work guards counting every array before allocation
``sweep``             the generic resumable, locked, worker-independent sweep runner

RFHM and standard Hopfield

``patterns``          features, coefficients, examples sign(F c); int8 and bit-packed layouts
``zero_temperature``  exact T = 0 asynchronous dynamics (subpackage, one module per backend: brute
                      force, int16 and float32 reference ports, int8 batched, bit-packed; the
                      kernel choice / cost model)
``metropolis``        finite-temperature Metropolis on the same integer fields
``rfhm``              the workshop paper's experiment (run_sample, sweep; its column layout)
``rfhm_degree``       degree-resolved feature retrieval (sparse coefficients)
``hopfield``          the standard Hopfield network task (AGS overlay)

Dense teacher-student

``teacher_sampling``  exact finite-N teacher law (literal / distinct-index), examples
``teacher_student``   p-body student chains: Metropolis and zero-T kernels (the reference)
``ts_fast``           bit-packed multi-chain kernel sharing one read-only data set
``ts_tempering``      self-extending multi-chain runs, parallel tempering, the Fig. 4 task
``umbrella``          umbrella sampling of V(q*) with MBAR reweighting
``recovery``          recovery time from corrupted starts (prototypes vs features)
"""
