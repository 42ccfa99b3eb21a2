"""A pytest plugin for tests/render/test_overrides.py: with `EB_TEST_DISABLE_OVERRIDES=a,b` set,
every Engine made while the tests run has those overrides switched off (it then does what
citeproc-py does there)."""

from __future__ import annotations

import dataclasses
import os


def pytest_configure(config) -> None:
    names = os.environ.get("EB_TEST_DISABLE_OVERRIDES")
    if not names:
        return
    from evidencebib.render import engine
    from evidencebib.render.options import EngineOptions

    disabled = frozenset(name for name in names.split(",") if name)
    original = engine.Engine.__init__

    def init(self, style, locale=None, options=None):
        options = options or EngineOptions()
        original(self, style, locale, dataclasses.replace(options, disabled=options.disabled | disabled))

    engine.Engine.__init__ = init
