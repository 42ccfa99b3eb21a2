"""The site's HTML, written as small Python functions over escaped strings.

Every piece of user data goes through `esc` (text) or `attr` (attribute values); the only
unescaped markup inserted is our own and the bibliography entries, which the renderer already
escaped (`render.formats.finish_html`). The markup is polyglot HTML5/XHTML: quoted attributes,
self-closed void elements, no named entities, so every page parses as XML too.
"""

from __future__ import annotations

import html
import re
from typing import Iterable

from evidencebib.site import report as rep

SITE_NAME = "Evidence bibliographies"


def esc(text: object) -> str:
    return html.escape(str(text), quote=False)


def attr(text: object) -> str:
    return html.escape(str(text), quote=True)


_CATEGORY = re.compile(r"\bcategor(?:y|ies)\s+(\d+)\s*([a-z]?)\b", re.IGNORECASE)


def evidence_category(level: str) -> str:
    """'Category 2b' in the level-of-evidence text -> '2b' ('' when there is none)."""
    match = _CATEGORY.search(level or "")
    return (match.group(1) + match.group(2).lower()) if match else ""


def category_sort_key(category: str) -> str:
    """Sortable text for a category: '2b' -> '0002b'; no category sorts last."""
    match = re.match(r"(\d+)([a-z]?)$", category)
    if not match:
        return "~"
    return f"{int(match.group(1)):04d}{match.group(2)}"


# The pages' policy, in a <meta> tag (so it holds when a page is opened from disk) and in the
# preview server's header (with frame-ancestors, which only a header can carry).
CONTENT_SECURITY_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                           "img-src 'self' data:; base-uri 'none'; form-action 'none'")


def page(*, title: str, body: str, root: str, footer: str, page_class: str, site_title: str,
         description: str = "", canonical: str = "", body_attrs: str = "") -> str:
    """A whole page; `root` is the relative way back to the site's root ("" or "../")."""
    meta_description = (f'<meta name="description" content="{attr(description)}" />\n'
                        if description else "")
    canonical_link = f'<link rel="canonical" href="{attr(canonical)}" />\n' if canonical else ""
    return f"""<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" lang="en" xml:lang="en">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}" />
<meta name="generator" content="evidencebib" />
{meta_description}<title>{esc(title)}</title>
{canonical_link}<link rel="icon" href="{root}_assets/favicon.svg" type="image/svg+xml" />
<link rel="stylesheet" href="{root}_assets/site.css" />
<script src="{root}_assets/site.js" defer="defer"></script>
</head>
<body class="{page_class}"{body_attrs}>
<a class="skip-link" href="#main">Skip to main content</a>
<header class="site-header">
<div class="wrap"><a class="site-name" href="{root}index.html">{esc(site_title)}</a></div>
</header>
<main id="main" class="wrap" tabindex="-1">
{body}
</main>
<footer class="site-footer">
<div class="wrap">{footer}</div>
</footer>
</body>
</html>
"""


def badge(status: str, *, prefix: bool = True) -> str:
    label, tone, glyph = rep.status_info(status)
    hidden = '<span class="visually-hidden">Verification status: </span>' if prefix else ""
    return (f'<span class="badge badge-{tone}" data-status="{attr(status)}">{hidden}'
            f'<span class="badge-glyph" aria-hidden="true">{esc(glyph)}</span>{esc(label)}</span>')


def join_lines(parts: Iterable[str]) -> str:
    return "\n".join(part for part in parts if part)
