"""`site -o DIR`: where the build lands when DIR is a symbolic link, and that nothing is left
behind next to it."""

from __future__ import annotations

import shutil
from pathlib import Path

from evidencebib.site import build_site
from evidencebib.store import References


def leftovers(*folders: Path) -> list[str]:
    return sorted(p.name for folder in folders for p in folder.iterdir()
                  if ".old-" in p.name or ".building-" in p.name)


def test_building_into_a_symbolic_link_rebuilds_its_target_and_keeps_the_link(references: Path,
                                                                             tmp_path: Path):
    public = tmp_path / "public"
    public.mkdir()
    real = public / "site-2025"
    build_site(References(references), real, styles="apa")
    link = tmp_path / "site"
    link.symlink_to(real)
    shutil.copy(references / "recurrent-miscarriage.toml", references / "second-one.toml")

    build_site(References(references), link, styles="apa")

    assert link.is_symlink() and link.resolve() == real.resolve()
    assert (real / "second-one" / "index.html").is_file()      # the target has the new build
    assert leftovers(tmp_path, public) == []


def test_building_into_a_dangling_symbolic_link_creates_its_target(references: Path,
                                                                  tmp_path: Path):
    link = tmp_path / "site"
    link.symlink_to(tmp_path / "not-yet")
    build_site(References(references), link, styles="apa")
    assert link.is_symlink()
    assert (tmp_path / "not-yet" / "index.html").is_file()
    assert leftovers(tmp_path) == []
