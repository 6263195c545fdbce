"""tradepolicy: score trade partners against declarative YAML policies with a Rete engine.

Public API: `load_policy`, `load_partner`, `evaluate_partner`, `evaluate` (from engine.api),
imported lazily so that importing the package (and `tradepolicy --help`) stays cheap.
"""

from __future__ import annotations

from typing import Any

__all__ = ["evaluate", "evaluate_partner", "load_partner", "load_policy"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from engine import api

        return getattr(api, name)
    raise AttributeError(f"module 'engine' has no attribute {name!r}")
