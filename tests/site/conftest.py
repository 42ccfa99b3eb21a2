"""Fixtures of the site's browser tests: a module defines `site` (the built site) and gets
`server` (`evidencebib serve` on it) and `browser` (headless Chromium), one each per module."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="module")
def server(site: Path):
    """`evidencebib serve` on a free port; yields the base URL."""
    from browser import serve_site

    with serve_site(site) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    from browser import chromium

    with chromium() as driver:
        yield driver
