"""Command-line plugins.

Each module here defines ``register(groups)``, where ``groups`` has the argparse subparser
groups ``theory``, ``simulate`` and ``root`` (see :mod:`compare.cli`).  A subcommand sets
``func=callable(args) -> int`` with ``set_defaults``.  Modules are discovered automatically;
one module per model and side (e.g. ``hopfield.py`` for ``theory hopfield``).
"""
