"""Dense (p-body) Hopfield teacher-student model: replica theory.

``from hopfield_phases.theory import teacher_student as ts`` gives the public API of the RS
student theory (:mod:`.student`: ``solve``, ``phase``, ``boundary``, ``phase_diagram``,
``nishimori_thresholds``, ...).  The modules of the subpackage:

``teacher``            the p-spin Curie-Weiss teacher: magnetisation, T*_c, finite-N coupling r_N
``student``            RS student theory: saddle point, entropy, replicon, phases P/lR/gR/eR/SG
``covariance``         noise and teacher-student covariances xi(q), xi_c(q*) (distinct / literal)
``spin_glass``         1RSB spin glass of the direct model (the SG competitor)
``example_retrieval``  retrieval of one example (the eR memorisation state)
``pprime``             a student of order p' != p (zero-temperature robustness candidates)
"""

from . import covariance, example_retrieval, pprime, spin_glass, student, teacher  # noqa: F401
from .student import *  # noqa: F401,F403
from .student import __all__ as _student_all

__all__ = list(_student_all) + ["teacher", "student", "covariance", "spin_glass",
                                "example_retrieval", "pprime"]
from . import adversarial, direct, mismatched_teacher  # noqa: F401,E402  (issue 10: direct model, p* != p, T = 0 attack)
from .direct import direct_phase, direct_phase_diagram, direct_solve, direct_boundary  # noqa: F401,E402
from .mismatched_teacher import (mismatched_phase, mismatched_solve, mismatched_boundary,  # noqa: F401,E402
                                 mismatched_phase_diagram)
from .adversarial import adversarial_threshold  # noqa: F401,E402
