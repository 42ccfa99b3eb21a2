"""A static website of the conditions: `evidencebib site -o DIR` / `evidencebib serve`.

    from evidencebib.site import build_site
    result = build_site(References("references"), "site", verify_report="report.json")

The pages are plain HTML5 (also well-formed XML) with our own stylesheet and a small script
for searching/sorting the index and switching citation styles; nothing is fetched from
elsewhere when a page is viewed, and every page works without JavaScript.
"""

from __future__ import annotations

from evidencebib.site.builder import (DEFAULT_STYLES, EXPORTS, HOUSE_STYLE, BuildResult,
                                      build_site, export_filenames, parse_styles)
from evidencebib.site.report import VerifyReport, load_report, parse_report

__all__ = ["build_site", "BuildResult", "DEFAULT_STYLES", "EXPORTS", "HOUSE_STYLE",
           "export_filenames", "parse_styles", "VerifyReport", "load_report", "parse_report"]
