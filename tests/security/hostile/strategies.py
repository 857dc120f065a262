"""What an attacker, a careless paste or a broken client types into a form field."""

from hypothesis import strategies as st

# Numbers and dates as French people write them, as other countries do, and broken.
NUMBERS_AND_DATES = [
    "1 234,56 €", "1\u202f234,56\xa0€", "1.234,56", "1,234.56", "12,5", "-1", "-0", "0", "00012", "1e309", "1e-9",
    "NaN", "inf", "-inf", "99999999999999999999999999", "9" * 400, "0x1F", "١٢٣", "½", "12 345 678 901 234,00",
    "31/02/2024", "29/02/2023", "2024-02-30", "00/00/0000", "13/2024", "2024-13", "0000", "9999", "99999",
    "-2024", "2024-01-01T25:61", "1er mars 2024", "mars 2024", "03/2024/12", "32/01/2024", "1/1/1", "2024/01/01",
]
# Things that broke other applications: NUL (PostgreSQL refuses it in text), bidi overrides, lone
# surrogates escaped, SQL and template syntax, path traversal, markup.
NASTY = [
    "\x00", "a\x00b", "\x01\x02\x1b[31m", "\r\n\r\n", "\u202e\u2066", "\ufeff", "\u200b", "𝕏𝕐", "👩‍👩‍👧‍👦",
    "' OR '1'='1' --", "'; DROP TABLE users; --", "{{ 7*7 }}", "{% raw %}", "${7*7}", "%s%s%n", "../../etc/passwd",
    "<script>alert(1)</script>", "javascript:alert(1)", "\\", "%00", "%", "_", "true", "null", "[]", "{}", " ",
]
# Field values other than one short string: several values for one name, an uploaded file, empty.
WRONG_TYPES = [["1", "2"], ["", "x" * 50], [], ""]


def field_value():
    return st.one_of(
        st.text(max_size=40),  # any code point but surrogates: control characters included
        st.sampled_from(NUMBERS_AND_DATES),
        st.sampled_from(NASTY),
        st.sampled_from(WRONG_TYPES),
        # Longer than every limit (the longest, a project's description, is 50,000 characters).
        st.sampled_from([201, 2_001, 60_000]).map(lambda size: "é" * size),
    )


def form_data(fields: list[str]):
    """Each of the form's fields present or missing, with a hostile value; and a stray field or two."""
    return st.fixed_dictionaries(
        {}, optional={**{name: field_value() for name in fields},
                      "champ_inconnu": field_value(), "id": field_value()})
