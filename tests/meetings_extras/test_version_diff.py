"""The text diff between two published versions: lines, then words inside corrected lines."""

from portal.meetings.version_diff import diff_sources, word_pieces
from tests.support.reports import seed_body_markdown


def test_identical_texts_have_no_passage():
    result = diff_sources("Un.\n\nDeux.\n", "Un.\n\nDeux.\n")
    assert result.identical and result.passages == []
    assert result.summary == "Les deux versions ont le même texte."


def test_a_corrected_line_shows_its_words():
    old = seed_body_markdown()
    new = old.replace("L'isolement n'a pas un visage.", "L'isolement n'a pas un seul visage.")
    result = diff_sources(old, new)
    assert (result.changed, result.added, result.removed) == (1, 0, 0)
    assert result.summary == "1 ligne modifiée."
    [passage] = result.passages
    changed = [line for line in passage.lines if line.kind == "changed"]
    assert len(changed) == 1 and changed[0].old_number == changed[0].new_number
    assert [(p.kind, p.text) for p in changed[0].pieces if p.kind != "same"] == [("added", "seul ")]
    assert [line.kind for line in passage.lines].count("same") == 4  # two lines of context each side


def test_added_and_removed_lines_are_numbered_in_their_own_version():
    result = diff_sources("a\nb\nc\n", "a\nc\nd\n")
    kinds = [(line.kind, line.old_number, line.new_number) for p in result.passages for line in p.lines]
    assert ("removed", 2, None) in kinds and ("added", None, 3) in kinds
    assert (result.added, result.removed) == (1, 1)
    assert result.summary == "1 ligne ajoutée, 1 ligne supprimée."


def test_a_rewritten_line_is_removed_then_added():
    assert word_pieces("Les finances évoluent.", "Tout autre chose ici, vraiment.") is None
    result = diff_sources("Les finances évoluent.\n", "Tout autre chose ici, vraiment.\n")
    assert [line.kind for line in result.passages[0].lines] == ["removed", "added", "same"]


def test_far_apart_changes_make_separate_passages():
    old = "\n".join(f"Ligne {n}" for n in range(1, 41))
    new = old.replace("Ligne 3", "Ligne trois").replace("Ligne 35", "Ligne trente-cinq")
    result = diff_sources(old, new)
    assert len(result.passages) == 2
    assert result.passages[0].heading == "lignes 1 à 5 → lignes 1 à 5"
