"""The browser tests' fixtures (`browser`, `server`, from tests/support/browser.py), offered to
every module here; each browser test module defines `site`, the built site they serve."""

from browser import browser, server  # noqa: F401 - imported to be found by pytest, as fixtures
