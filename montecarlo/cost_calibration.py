"""Calibration constants of ``montecarlo.cost`` (written by benchmarks/rfhm_cost_calibration.py; machine and date in ``meta``).

Added by hand on 2026-11-29, from measurements not made by that script: each survey's
cost-weighted geometric-mean ``N`` (what the script now records), and ``sweep_growth``
(sweeps per start ~ N^exponent, fitted on the paper-size rfhm-fig3b run)."""

CALIBRATION = {'meta': {'machine': 'vm x86_64 2 cores (cpu)',
          'date': '2026-11-29 00:29 UTC',
          'note': 'single process, wall clock, machine shared with other jobs (see load1)',
          'command': 'python benchmarks/rfhm_cost_calibration.py',
          'mean_load1': 1.7126277043269231},
 'int8': {'build_per_NP': 1.3750904365147303e-09,
          'relax_per_NP_sweep': 1.2253673161207793e-10,
          'points': 8},
 'bits': {'build_per_NP': 3.81375710807912e-10,
          'relax_per_NP_sweep': 2.8800010262780084e-11,
          'points': 18},
 'dense_build_per_NPD64': 2.5325854208744727e-09,
 'mean_sweeps_per_start': 23.082051282051278,
 'max_sweeps_per_start': 79.33333333333333,
 'task_overhead_s': 0.0004811259949974556,
 'sweeps_per_start': {'rfhm-fig1': {'weighted_mean': 1.633873259448707,
                                    'max': 44.4,
                                    'points': 84,
                                    'samples': 2,
                                    'grid': 'quick',
                                    'N': 13125.4,
                                    'seconds': 10.4},
                      'rfhm-fig3a': {'weighted_mean': 9.927820177133556,
                                     'max': 67.33333333333333,
                                     'points': 117,
                                     'samples': 2,
                                     'grid': 'quick',
                                     'N': 6000.0,
                                     'seconds': 15.4},
                      'rfhm-fig3b': {'weighted_mean': 11.05708716235032,
                                     'max': 50.333333333333336,
                                     'points': 90,
                                     'samples': 2,
                                     'grid': 'quick',
                                     'N': 5967.1,
                                     'seconds': 5.7}},
 'sweep_growth': {'exponent': 0.51,
                  'source': 'rfhm-fig3b paper-size run 2026-11-29 (12,540 samples, N = 1000-32000): mean '
                            'sweeps per start 3.2, 4.6, 6.2, 8.5, 13.2, 18.6 at N = 1000 ... 32000; '
                            'least-squares slope of log s on log N'},
 'memory': {'base_rss': 166973440, 'ratio': 1.2007925206232815}}
