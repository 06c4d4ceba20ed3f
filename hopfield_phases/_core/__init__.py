"""The shared bottom layer of :mod:`hopfield_phases`.

Every subpackage (``theory``, ``montecarlo``, ``compare``) may import these modules; they
import none of them (checked by import-linter in CI).

``validation``  argument checks: ValueError naming the parameter, before any work; memory guard
``provenance``  version, git commit (or installed version), the provenance record of outputs
``tables``      tidy CSV + JSON sidecar writing and reading (values round-trip exactly)
``ranges``      the ``start:stop:num[:log]`` / comma-list range type of the command line
``results``     the result contract: ``status`` ("ok", "absent", "unconverged"), ``message``
"""
