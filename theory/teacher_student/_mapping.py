"""Dict-style read access for result dataclasses that used to be returned as plain dicts.

``r["q_star"]``, ``r.get("q_star")``, ``r.keys()``, ``r.items()`` and ``dict(r.items())`` keep
working for callers written against the old dict results; the contract fields (``status``,
``message``, ``iterations``, ``residual``) are included.
"""

from __future__ import annotations

from dataclasses import fields


class MappingAccess:
    """Mixin for a dataclass: read-only mapping view of its fields."""

    #: read-only properties that were keys of the old dicts (e.g. ``converged``)
    _LEGACY_KEYS = ("converged",)

    def keys(self):
        names = [f.name for f in fields(self)]
        return names + [k for k in self._LEGACY_KEYS if k not in names and hasattr(type(self), k)]

    def items(self):
        return [(k, getattr(self, k)) for k in self.keys()]

    def __getitem__(self, key):
        if key not in self.keys():
            raise KeyError(key)
        return getattr(self, key)

    def __contains__(self, key):
        return key in self.keys()

    def get(self, key, default=None):
        return getattr(self, key) if key in self.keys() else default

    def as_row(self) -> dict:
        return dict(self.items())
