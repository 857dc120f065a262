"""The parser of ``portal import-report``: front matters as tools export them, the seed's own header,
and errors that name the line at fault, in French."""

from datetime import date, time

import pytest

from portal.meetings.archives.parser import ReportFileError, decode_report, parse_report
from tests.support.reports import SEED


def parse(text: str):
    return parse_report(decode_report(text.encode("utf-8")))


def error_of(text: str) -> ReportFileError:
    with pytest.raises(ReportFileError) as caught:
        parse(text)
    return caught.value


def test_the_seed_header_is_read_into_the_report():
    report = parse_report(decode_report(SEED.read_bytes()))
    assert report.rencontre_ordinal == 2
    assert report.atelier_number == 2
    assert report.theme == "Isolement"
    assert report.co_facilitators == ["Fouzia Zahar", "Claudy Debaix"]
    assert [(t.structure, t.project) for t in report.testimonies] == [
        ("CS Belley", "Entracte"), ("CS Jassans", "Donnant-donnant")]
    assert report.network_name.startswith("Fédération départementale")
    assert report.body.startswith("#### **Présentation Témoignage :**")
    assert "COMPTE RENDU" not in report.body and "Co-animation" not in report.body
    assert report.body_line == 20  # as an editor numbers the seed's lines
    assert report.lines["atelier_number"] == 10 and report.lines["testimonies"] == 14


def test_a_front_matter_as_exported_by_other_tools():
    report = parse("""---
layout: post
titre: "Isolement"
rencontre: 2ème rencontre — Agir ensemble
date: 16/05/2013 à 14h00
lieu: Bourg-en-Bresse
atelier: 2
co-animation: [Fouzia Zahar, Claudy Debaix]
témoignages:
  - CS Belley projet Entracte
  - {structure: CS Jassans, projet: Donnant-donnant}
public: true
tags: [isolement]
---

## Présentation

Texte.
""")
    assert (report.rencontre_ordinal, report.rencontre_title) == (2, "Agir ensemble")
    assert report.rencontre_date == date(2013, 5, 16) and report.rencontre_time == time(14, 0)
    assert report.place == "Bourg-en-Bresse" and report.public is True
    assert report.atelier_number == 2 and report.theme == "Isolement"
    assert report.co_facilitators == ["Fouzia Zahar", "Claudy Debaix"]
    assert [t.project for t in report.testimonies] == ["Entracte", "Donnant-donnant"]
    assert report.ignored_keys == ["layout", "tags"]
    assert report.body == "## Présentation\n\nTexte.\n" and report.body_line == 16
    assert report.lines["atelier_number"] == 7


def test_yaml_dates_and_a_front_matter_above_the_seed_header():
    report = parse("---\nrencontre: 2\ndate: 2013-05-16\n---\n" + SEED.read_text(encoding="utf-8"))
    assert report.rencontre_date == date(2013, 5, 16)
    assert report.atelier_number == 2 and report.theme == "Isolement" and len(report.testimonies) == 2


def test_front_matter_values_win_over_the_seed_header():
    report = parse("---\natelier: 5\n---\n### COMPTE RENDU Atelier n°2 : Isolement\n\n---\n\nTexte.\n")
    assert report.atelier_number == 5 and report.theme == "Isolement"


def test_plain_markdown_without_any_header_is_all_body():
    report = parse("# Notes\n\nUn compte rendu sans en-tête.\n")
    assert report.body.startswith("# Notes") and report.atelier_number is None and report.body_line == 1


def test_a_file_opening_on_a_rule_is_not_a_front_matter():
    report = parse("---\n\n## 2<sup>ème</sup> RENCONTRE\n\n### COMPTE RENDU Atelier n°3 : Mobilité\n\n---\n\nTexte.\n")
    assert (report.rencontre_ordinal, report.atelier_number, report.theme) == (2, 3, "Mobilité")


def test_windows_files_are_read():
    report = parse_report(decode_report("---\r\natelier: 2\r\n---\r\nÉté, œuvre\r\n".encode("cp1252")))
    assert report.body == "Été, œuvre\n"


@pytest.mark.parametrize(("text", "line", "words"), [
    ("---\natelier: 2\ntitre: Isolement\n\nTexte.\n", 1, "jamais fermé"),
    ("---\natelier: 2\ntitre: Isolement: la suite\n---\nTexte.\n", 3, "YAML illisible"),
    ("---\natelier: 2\n  rencontre: [2\n---\nTexte.\n", 3, "YAML illisible"),
    ("---\nrencontre: 2\natelier: deux\n---\nTexte.\n", 3, "nombre entier"),
    ("---\natelier: 2\ndate: 31/02/2013\n---\nTexte.\n", 3, "n'existe pas"),
    ("---\ndate: mai 2013\n---\nTexte.\n", 2, "doit donner le jour"),
    ("---\ntémoignages:\n  - CS Belley\n---\nTexte.\n", 2, "témoignage illisible"),
    ("---\npublic: peut-être\n---\nTexte.\n", 2, "true ou false"),
    ("---\n'atelier: 2'\n---\nTexte.\n", 2, "clé: valeur"),
    ("---\natelier: 2\n---\n\n\n", 3, "vide"),
    ("### COMPTE RENDU Atelier n°2 : Isolement\n\n---\n", 3, "vide"),
    ("### COMPTE RENDU Atelier n°2 : Isolement\nUne phrase égarée\n---\nTexte.\n", 2, "non reconnue"),
    ("### COMPTE RENDU Atelier : Isolement\n---\nTexte.\n", 1, "numéro de l'atelier manque"),
    ("### COMPTE RENDU Atelier n°2 : Isolement\n*Témoignage n°1 : CS Belley*\n---\nTexte.\n", 2, "illisible"),
])
def test_errors_name_the_line_at_fault_in_french(text, line, words):
    error = error_of(text)
    assert error.line == line
    assert str(error).startswith(f"ligne {line} : ")
    assert words in str(error)


def test_a_file_that_is_not_text_is_refused():
    with pytest.raises(ReportFileError, match="ligne 2 : ce fichier n'est pas du texte"):
        decode_report(b"Texte\n\x00\x01")
