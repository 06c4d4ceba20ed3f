"""Simulation: pattern generation, numba dynamics kernels, parameter sweeps. Knows nothing of theory."""
