"""What Crossref would add to or correct in an entry, as a reviewable list of changes.

Rules (an editor's hand-set values are never overwritten silently):

* `add`: a field the entry lacks and the record has (issue, pages, volume, ISSN, short
  journal title, year, journal, title, authors when the entry has none).
* `complete`: an author list truncated at the source (`and others` / `_et_al`) replaced
  by the record's full list — only when the names we have are the record's first names.
* `conflict`: the entry and the record disagree on a value the entry already has; shown,
  never applied.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from evidencebib.model import ET_AL, Item, issued_year
from evidencebib.model.pages import comparable_page
from evidencebib.verify import family_similar, journal_similar, norm_text, title_similar

ADD, COMPLETE, CONFLICT = "add", "complete", "conflict"
SIMPLE_FIELDS = ("volume", "issue", "page", "ISSN", "container-title", "container-title-short",
                 "title", "number", "publisher", "ISBN")


@dataclass
class Change:
    field: str
    kind: str            # add | complete | conflict
    old: Any
    new: Any
    source: str = "Crossref"

    def describe(self) -> str:
        if self.kind == ADD:
            return f"+ {self.field}: {_show(self.new)}" + (
                f" ({self.source})" if self.source != "Crossref" else "")
        if self.kind == COMPLETE:
            return (f"~ {self.field}: {_show(self.old)} + et al. → {_show(self.new)}")
        return (f"! {self.field}: ours {_show(self.old)}, {self.source} {_show(self.new)} "
                f"(kept ours)")


def _show(value: Any) -> str:
    if isinstance(value, list):
        names = []
        for n in value:
            if isinstance(n, dict):
                names.append(n.get("literal") or " ".join(
                    p for p in (n.get("given"), n.get("non-dropping-particle"), n.get("family"))
                    if p))
        return "; ".join(names) if names else str(value)
    if isinstance(value, dict) and "date-parts" in value:
        return "-".join(str(p) for p in (value["date-parts"] or [[]])[0])
    return repr(value)


def _same(field: str, ours: Any, theirs: Any, remote: Item) -> bool:
    if field == "title":
        return title_similar(str(ours), str(theirs))
    if field in ("container-title", "container-title-short"):
        return journal_similar(str(ours), str(theirs), remote.get("container-title-short", ""))
    if field == "page":
        return comparable_page(ours) == comparable_page(theirs)
    if field == "ISSN":
        ours_set = set(re.findall(r"\d{4}-?\d{3}[\dXx]", str(ours)))
        theirs_set = set(re.findall(r"\d{4}-?\d{3}[\dXx]", str(theirs)))
        norm = lambda s: {x.replace("-", "").upper() for x in s}  # noqa: E731
        return bool(norm(ours_set) & norm(theirs_set)) or not theirs_set
    return norm_text(ours) == norm_text(theirs)


def propose(local: Item, remote: Item) -> list[Change]:
    changes: list[Change] = []
    # authors
    ours = local.get("author") or []
    theirs = remote.get("author") or []
    truncated = "author" in (local.get(ET_AL) or ())
    if theirs:
        if not ours:
            changes.append(Change("author", ADD, None, theirs))
        elif truncated and len(theirs) > len(ours):
            # ours is the shorter list: its names against the first of theirs
            prefix_ok = all(family_similar(_fam(a), _fam(b))
                            for a, b in zip(ours, theirs, strict=False))
            if prefix_ok:
                changes.append(Change("author", COMPLETE, ours, theirs))
            else:
                changes.append(Change("author", CONFLICT, ours, theirs))
        elif ours and not family_similar(_fam(ours[0]), _fam(theirs[0])):
            changes.append(Change("author", CONFLICT, ours, theirs))
    # date
    if remote.get("issued"):
        if not local.get("issued"):
            changes.append(Change("issued", ADD, None, remote["issued"]))
        else:
            a, b = issued_year(local), issued_year(remote)
            if a and b and abs(a - b) > 1:
                changes.append(Change("issued", CONFLICT, local["issued"], remote["issued"]))
    for name in SIMPLE_FIELDS:
        theirs_value = remote.get(name)
        if theirs_value in (None, ""):
            continue
        ours_value = local.get(name)
        if ours_value in (None, ""):
            if name == "number" and local.get("page"):
                continue            # article number already given as the page
            if name == "container-title-short" and not local.get("container-title"):
                continue
            changes.append(Change(name, ADD, None, theirs_value))
        elif not _same(name, ours_value, theirs_value, remote):
            changes.append(Change(name, CONFLICT, ours_value, theirs_value))
    return changes


def _fam(name: Any) -> str:
    if not isinstance(name, dict):
        return ""
    return name.get("literal") or name.get("family") or ""


def apply(local: Item, changes: list[Change]) -> Item:
    """A copy of `local` with the `add` and `complete` changes applied (never conflicts)."""
    item = dict(local)
    for change in changes:
        if change.kind == CONFLICT:
            continue
        item[change.field] = change.new
        if change.kind == COMPLETE:
            remaining = [v for v in item.get(ET_AL) or () if v != change.field]
            if remaining:
                item[ET_AL] = remaining
            else:
                item.pop(ET_AL, None)
    return item


def render(key: str, changes: list[Change]) -> str:
    if not changes:
        return ""
    return "\n".join([f"@{key}"] + ["  " + c.describe() for c in changes]) + "\n"


def proposals(client: Any, items: Iterable[Item],
              notice: Callable[[str], None] = lambda message: None,
              unreachable: list[str] | None = None) -> dict[str, list[Change]]:
    """The changes Crossref (or doi.org) would make, per entry key, for entries with a DOI.

    An entry whose DOI resolves to a different work, or that cannot be checked, gets no
    proposal; `notice` is told why (verify is the command for those), and the keys of the
    entries that could not be checked are added to `unreachable` when it is given. Every
    value proposed passed `received.check_item` (no control characters, each field's syntax).
    """
    from evidencebib import doi as doi_names
    from evidencebib import lookup
    from evidencebib.errors import NetworkError
    from evidencebib.verify import compare

    # every entry with a DOI is asked for or named: a shortDOI (10/fqd6hj) through the DOI
    # doi.org says it stands for, as verify does; text that is no DOI is named, not skipped
    names: dict[str, str] = {}
    checked = []
    for item in items:
        if not item.get("DOI"):
            continue
        try:
            name, why = lookup.doi_to_ask(client, str(item["DOI"]))
        except NetworkError as error:
            short = doi_names.normalize(str(item["DOI"]))
            notice(f"@{item['id']}: unreachable: not checked (shortDOI {short}: {error})")
            if unreachable is not None:
                unreachable.append(item["id"])
            continue
        if name is None:
            hint = "; run `evidencebib verify`" if why and why.startswith("not DOI syntax") else ""
            notice(f"@{item['id']}: not checked ({why}{hint})")
            continue
        names[str(item["id"])] = name
        checked.append(item)
    items = checked
    try:
        client.prefetch_works(list(names.values()))
    except NetworkError:
        pass                                   # each entry is asked for singly below
    found: dict[str, list[Change]] = {}
    for item in items:
        try:
            def tell(message: str, key: object = item["id"]) -> None:
                notice(f"@{key}: {message}")

            remote, _source = lookup.resolve(client, names[str(item["id"])], tell)
        except doi_names.InvalidDOI as error:
            notice(f"@{item['id']}: not checked ({error})")
            continue
        except NetworkError as error:
            notice(f"@{item['id']}: unreachable: not checked ({error})")
            if unreachable is not None:
                unreachable.append(item["id"])
            continue
        if remote is None:
            continue
        if len(compare(item, remote)) >= 2:
            notice(f"@{item['id']}: the DOI resolves to a different work; run `evidencebib verify`")
            continue
        changes = propose(item, remote)
        if changes:
            found[item["id"]] = changes
    return found


def pubmed_proposals(client: Any, items: Iterable[Item], found: dict[str, list[Change]],
                     notice: Callable[[str], None] = lambda message: None,
                     unreachable: list[str] | None = None) -> dict[str, list[Change]]:
    """`found` (Crossref's proposals) completed from PubMed: the PMID and PMCID an entry lacks
    (found as `find-pmid` finds them: by DOI, else by citation match, unambiguous only), and
    the fields PubMed has that neither the entry nor Crossref's proposals give. A PMID whose
    record is another work proposes nothing (`notice` says so; verify is the command)."""
    from evidencebib.errors import NetworkError
    from evidencebib.find_pmid import decisions
    from evidencebib.verify import compare

    items = list(items)
    pmids = {item["id"]: str(item["PMID"]) for item in items if item.get("PMID")}
    for key, decision in decisions(client, items, notice, unreachable).items():
        if decision.pmid:
            pmids[key] = decision.pmid
    try:
        records = client.pubmed.records(list(pmids.values()))
    except NetworkError as error:
        notice(f"PubMed unreachable: not checked ({error})")
        if unreachable is not None:
            unreachable.extend(k for k in pmids if k not in unreachable)
        return found
    for item in items:
        key = item["id"]
        record = records.get(pmids.get(key, ""))
        if record is None:
            continue
        current = apply(item, found.get(key, []))
        if len(compare(current, record.item)) >= 2:
            notice(f"@{key}: PMID {record.pmid} is a different work; run `evidencebib verify`")
            continue
        changes = []
        for name in ("PMID", "PMCID"):
            if record.item.get(name) and not item.get(name):
                changes.append(Change(name, ADD, None, record.item[name], "PubMed"))
        taken = {change.field for change in found.get(key, [])}
        for change in propose(current, record.item):
            if change.field not in taken:
                change.source = "PubMed"
                changes.append(change)
        if changes:
            found[key] = found.get(key, []) + changes
    return found


def applicable(found: dict[str, list[Change]]) -> dict[str, list[Change]]:
    """The proposals that add or complete something (conflicts are never applied)."""
    return {key: changes for key, changes in found.items()
            if any(change.kind != CONFLICT for change in changes)}
