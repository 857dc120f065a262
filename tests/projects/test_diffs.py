"""The differences the history page shows, field by field."""

from types import SimpleNamespace

from portal.projects.diffs import field_change, revision_changes, text_segments


def kinds(segments):
    return [(segment.kind, segment.text) for segment in segments]


def test_a_few_words_changed_in_a_long_text_show_just_those_words_with_context():
    before = "Au départ, des femmes isolées cuisinent ensemble.\n" + "Une ligne inchangée. " * 30 + "\nFin."
    after = before.replace("cuisinent ensemble", "cuisinent et bricolent ensemble")
    segments = kinds(text_segments(before, after))
    assert ("added", "et bricolent ") in segments
    assert ("gap", "") in segments  # the long unchanged stretch is folded
    assert sum(len(text) for kind, text in segments if kind == "same") < len(before) / 2


def test_a_rewritten_sentence_reads_as_removed_then_added():
    segments = kinds(text_segments("Un atelier pour partager ses savoirs.", "Donner envie de partager, en 2009."))
    assert segments == [("removed", "Un atelier pour partager ses savoirs."),
                        ("added", "Donner envie de partager, en 2009.")]


def test_lists_show_what_was_added_and_removed():
    change = field_change("publics", ["Jeunes mères isolées"], ["Jeunes mères isolées", "Personnes âgées"])
    assert (change.kind, change.added, change.removed) == ("list", ["Personnes âgées"], [])


def test_short_values_read_before_then_after():
    change = field_change("status", "En cours", "En pause")
    assert (change.kind, change.label, change.before, change.after) == ("value", "État", "En cours", "En pause")


def test_a_field_empty_before_and_after_shows_no_row():
    revision = SimpleNamespace(changed_fields=["milestone_title", "milestone_text"],
                               before={"milestone_title": None, "milestone_text": None},
                               after={"milestone_title": "Lancement", "milestone_text": ""})
    assert [change.field for change in revision_changes(revision)] == ["milestone_title"]
