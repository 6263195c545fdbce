"""Reports: a Report -> text. Formatting only: a report never decides or recounts anything.

One module per format, each with `render(report) -> str`; adding a format is one new file and
one line in FORMATS.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

from engine.results import Report

FORMATS = ("table", "json", "markdown", "html")


def renderer(name: str) -> Callable[[Report], str]:
    if name not in FORMATS:
        raise ValueError(f"unknown format {name!r}; choose from {', '.join(FORMATS)}")
    module = import_module(f"engine.report.{'json_' if name == 'json' else name}")
    return module.render
