"""SIRET numbers: 14 digits whose Luhn key is right (La Poste's establishments use their own rule)."""

import re

LA_POSTE_SIREN = "356000000"


def clean_siret(text: str) -> str:
    """Remove what people and spreadsheets add: spaces, dots, a trailing ".0"."""
    text = (text or "").strip()
    if re.fullmatch(r"\d+\.0+", text):
        text = text.split(".", 1)[0]
    return re.sub(r"[\s\u00a0\u202f.\-]", "", text)


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def is_valid_siret(siret: str) -> bool:
    if not re.fullmatch(r"\d{14}", siret or ""):
        return False
    if siret.startswith(LA_POSTE_SIREN):
        return siret == LA_POSTE_SIREN + "00001" or sum(int(c) for c in siret) % 5 == 0
    return luhn_valid(siret)
