"""Replica theory, saddle points and signal-to-noise formulas. Knows nothing of simulation."""
