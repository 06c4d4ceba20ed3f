"""Calibration constants of ``montecarlo.cost`` (written by benchmarks/rfhm_cost_calibration.py; machine and date in ``meta``)."""

CALIBRATION = {'meta': {'machine': 'vm x86_64 2 cores (cpu)',
          'date': '2026-11-29 00:14 UTC',
          'note': 'single process, wall clock, machine shared with other jobs (see load1)',
          'command': 'python benchmarks/rfhm_cost_calibration.py',
          'mean_load1': 4.747445913461538},
 'int8': {'build_per_NP': 4.679213094800296e-09,
          'relax_per_NP_sweep': 1.8672984165085907e-10,
          'points': 8},
 'bits': {'build_per_NP': 8.194818268793107e-10,
          'relax_per_NP_sweep': 5.93243946955488e-11,
          'points': 18},
 'dense_build_per_NPD64': 5.431063904254981e-09,
 'mean_sweeps_per_start': 23.08205128205128,
 'max_sweeps_per_start': 79.33333333333333,
 'memory': {'base_rss': 166301696, 'ratio': 1.0}}
