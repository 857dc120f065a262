"""Enumerations stored as short strings, each value with the French label people read.

``Status.EN_COURS`` is the string ``"en_cours"`` (so it compares and stores as text) and carries
``.label == "En cours"``; ``Status.pairs()`` gives the (value, label) options of a select.
"""

import enum


class LabelledChoice(enum.StrEnum):
    def __new__(cls, value: str, label: str):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def pairs(cls) -> list[tuple[str, str]]:
        return [(member.value, member.label) for member in cls]

    @classmethod
    def label_of(cls, value: str | None) -> str:
        """The label of a stored value ("" for none, the raw value if the code no longer knows it)."""
        if not value:
            return ""
        try:
            return cls(value).label
        except ValueError:
            return value
