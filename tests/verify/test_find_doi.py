"""find-doi: propose a DOI only when the best Crossref candidate is unambiguous."""

import pytest

from crossref_emulator import CrossrefEmulator, fast_client, make_work
from evidencebib.find_doi import choose, find, reference_string

LOCAL = {"id": "wang2016", "type": "article-journal",
         "author": [{"family": "Wang", "given": "S. W."}, {"family": "Zhong", "given": "S. Y."}],
         "_et_al": ["author"], "issued": {"date-parts": [[2016]]},
         "title": "The effect of intravenous immunoglobulin passive immunotherapy on unexplained "
                  "recurrent spontaneous abortion: a meta-analysis",
         "container-title": "Reproductive Biomedicine Online", "volume": "33", "issue": "6",
         "page": "720-736"}
GOOD = make_work("10.1016/j.rbmo.2016.08.025", title=LOCAL["title"], family="Wang", year=2016,
                 journal="Reproductive BioMedicine Online")


def with_score(work, score):
    return {**work, "score": score}


def test_reference_string():
    text = reference_string(LOCAL)
    assert text.startswith("Wang SW, Zhong SY. The effect of intravenous immunoglobulin")
    assert text.endswith("Reproductive Biomedicine Online. 2016;33(6):720-736.")


def test_unambiguous_match_is_proposed():
    other = make_work("10.5555/other", title="Immunotherapy for miscarriage", family="Li")
    decision = choose(LOCAL, [with_score(GOOD, 90), with_score(other, 30)])
    assert decision.doi == "10.1016/j.rbmo.2016.08.025"


@pytest.mark.parametrize("candidates, reason", [
    ([with_score(GOOD, 90), with_score(make_work("10.5555/dup", title=LOCAL["title"],
                                                 family="Wang", year=2016), 80)], "ambiguous"),
    ([with_score(make_work("10.5555/t", title="A different paper entirely", family="Wang",
                           year=2016), 90)], "title similarity"),
    ([with_score(make_work("10.5555/y", title=LOCAL["title"], family="Wang", year=2010), 90)],
     "year"),
    ([with_score(make_work("10.5555/a", title=LOCAL["title"], family="Garcia", year=2016), 90)],
     "first author"),
    ([], "no candidate"),
])
def test_ambiguous_or_poor_matches_are_only_listed(candidates, reason):
    decision = choose(LOCAL, candidates)
    assert decision.doi is None
    assert reason in decision.reason


def test_find_against_emulator():
    with CrossrefEmulator(rate=100, interval=0.5) as emu:
        emu.add_work(GOOD)
        emu.add_work(make_work("10.5555/noise", title="Unrelated cardiology trial", family="Li"))
        decision = find(fast_client(emu), LOCAL)
        assert decision.doi == GOOD["DOI"], decision.reason
        assert emu.log[-1]["query"]["rows"] == ["5"]
        assert "query.bibliographic" in emu.log[-1]["query"]
