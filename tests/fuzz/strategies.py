"""Form input as a browser (or an attacker) could send it, with what the rules allow.

Each field is a `Field`: a strategy for values the product's rules allow and one for values
they refuse. `submissions` draws a whole form: half the time every field good, otherwise at
least one field bad, so both sides get examples. A submission is valid exactly when no field
is bad: that is the oracle the tests hold the views to. The rules are written out here again
on purpose, rather than taken from the forms under test.
"""

from dataclasses import dataclass

from hypothesis import strategies as st

LETTERS = "ghijklmnopqrstuvwxyzáßñ"
# Any text a form could carry: every Unicode character, NUL and controls included.
ANY_TEXT = st.text(st.characters(codec="utf-8"), max_size=80)


@dataclass(frozen=True)
class Field:
    good: st.SearchStrategy[str]
    bad: st.SearchStrategy[str]


def words(min_size: int = 1, max_size: int = 12) -> st.SearchStrategy[str]:
    """Letters only: never a number, a date, a uuid or one of our choices."""
    return st.text(LETTERS, min_size=min_size, max_size=max_size)


def integer_text(low: int, high: int) -> st.SearchStrategy[str]:
    return st.integers(low, high).map(str)


def choice(values: list[str], *, blank_ok: bool) -> Field:
    allowed = list(values) + ([""] if blank_ok else [])
    others = st.text(st.characters(codec="utf-8"), min_size=1, max_size=40).filter(lambda text: text not in allowed)
    return Field(st.sampled_from(allowed), others if blank_ok else st.one_of(others, st.just("")))


def number(low: int, high: int, *, blank_ok: bool) -> Field:
    """An integer field: in range is good; out of range, letters (and blank unless allowed) are bad."""
    out_of_range = st.one_of(integer_text(-(10**9), low - 1), integer_text(high + 1, 10**9), words())
    if blank_ok:
        return Field(st.one_of(integer_text(low, high), st.just("")), out_of_range)
    return Field(integer_text(low, high), st.one_of(out_of_range, st.just("")))


# Control characters (core/text.py refuses them in every text field): C0, DEL and C1.
CONTROLS = st.sampled_from([chr(c) for c in [*range(0x20), *range(0x7F, 0xA0)] if chr(c) not in "\t\n\r"])


def text(max_length: int) -> Field:
    """A text field: any characters but controls up to its length is good; a control
    character (NUL, a vertical tab, an escape...) or too long is bad.

    Django strips surrounding whitespace before it counts, so "too long" is drawn from letters.
    """
    fits = st.text(st.characters(codec="utf-8", exclude_categories=["Cc"]), max_size=max_length)
    with_control = st.tuples(fits, CONTROLS, st.integers(0, max_length)).map(
        lambda drawn: (drawn[0][: min(drawn[2], max_length - 1)] + drawn[1] + drawn[0][drawn[2] :])[:max_length]
    )
    too_long = st.text(LETTERS, min_size=max_length + 1, max_size=max_length + 40)
    return Field(fits, st.one_of(with_control, too_long))


@st.composite
def bad_fields(draw: st.DrawFn, names: list[str]) -> frozenset[str]:
    """Which fields get a bad value: none half the time, else at least one."""
    if draw(st.booleans()):
        return frozenset()
    return frozenset(draw(st.sets(st.sampled_from(names), min_size=1)))


def value(draw: st.DrawFn, field: Field, *, bad: bool) -> str:
    return draw(field.bad if bad else field.good)
