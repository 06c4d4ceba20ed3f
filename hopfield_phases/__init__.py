"""hopfield_phases: statistical physics of Hopfield networks that learn from structured data.

Subpackages (installed from the repository's top-level folders, see ``pyproject.toml``)::

    hopfield_phases.theory      replica theory, solvers, boundaries, signal-to-noise formulas
    hopfield_phases.montecarlo  pattern generation, numba dynamics, every simulation task, sweeps
    hopfield_phases.compare     reductions, agreement metrics, figures and the command line
    hopfield_phases._core       the shared bottom layer: validation, provenance, tables, ranges,
                                the result contract (imports none of the three above)

Layering (enforced by import-linter in CI): ``theory`` and ``montecarlo`` never import each
other; neither imports ``compare``; ``_core`` imports none of them.
"""

from __future__ import annotations

import os as _os

__version__ = "0.2.0"

# In a source checkout without an install, the subpackages are the sibling folders
# theory/, montecarlo/, compare/ (pyproject maps them into this namespace).  Make
# ``import hopfield_phases.theory`` work there too; an install already places them here.
_here = _os.path.dirname(_os.path.abspath(__file__))
_root = _os.path.dirname(_here)
if not _os.path.isdir(_os.path.join(_here, "theory")) and _os.path.isfile(
    _os.path.join(_root, "theory", "__init__.py")
):
    __path__.append(_root)  # noqa: F821 - module attribute of a package
del _here, _root
