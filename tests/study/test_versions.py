"""Version comparison: article matching (renumbered articles too) and the marked diff."""

from examapp.study.versions import added_articles, diff_html, match_articles


def test_unchanged_and_changed_articles(library):
    mapping = match_articles(library["supervision-law-2018"], library["supervision-law-2024"])
    assert set(mapping) == set(range(1, 70))
    assert mapping[2] == (2, "same")
    assert mapping[1] == (1, "changed")
    assert {status for _new, status in mapping.values()} <= {"same", "changed", "moved", "removed"}


def test_renumbered_article_is_matched_by_text(library):
    old, new = library["supervision-law-2018"], library["supervision-law-2024"]
    mapping = match_articles(old, new)
    number, status = mapping[21]
    assert status == "moved" and number == 22
    old_text = next(a.text for a in old.articles if a.number == 21)
    new_text = next(a.text for a in new.articles if a.number == 22)
    assert old_text[:12] == new_text[:12]


def test_reconsideration_law_rewrite(library):
    old, new = library["administrative-reconsideration-law-2017"], library["administrative-reconsideration-law-2023"]
    mapping = match_articles(old, new)
    assert mapping[1] == (1, "changed")
    assert mapping[4] == (3, "moved")  # 2017 art. 4 (principles) is 2023 art. 3
    added = added_articles(mapping, new)
    matched = {n for n, _s in mapping.values() if n}
    assert not set(added) & matched and len(added) + len(matched) == 90


def test_diff_marks_insertions_and_deletions_and_escapes():
    html = str(diff_html("行政机关<b>应当</b>告知", "行政机关必须告知当事人"))
    assert "<del>" in html and "<ins>" in html
    assert "&lt;b&gt;" in html and "<b>" not in html
    assert "当事人</ins>" in html


def test_diff_reads_as_whole_phrases():
    old = "为了深化国家监察体制改革，加强监督"
    new = "为了深入开展廉政建设和反腐败工作，加强监督"
    html = str(diff_html(old, new))
    assert html.count("<del>") == 1 and html.count("<ins>") == 1  # not a patchwork of single characters
    assert html.startswith("为了深<del>化国家监察体制改革</del><ins>入开展廉政建设和反腐败工作</ins>")
