"""The case of entry text quoted in an answer: an example reads on after "For example, ", and
every candidate sentence starts as a sentence should, without lower-casing a name."""

from __future__ import annotations

_OPENER_WORDS = (
    "a an the if in of on at to for from with when where while after before during given suppose "
    "imagine say one two three four many most some each every both this that these those it you we they"
    " instead under new raw rows"
    # An instruction: "For example, load resnet50 with ImageNet weights …".
    " load add run start train write"
)
_COMMON_OPENERS = frozenset(_OPENER_WORDS.split())


def lower_first(text: str) -> str:
    """The text as it reads on after "For example, ": "Fitting a line …" → "fitting a line …";
    a name ("Python", "Kafka") keeps its case."""
    first = text.split(" ", 1)[0]
    plain = first.lower().strip(",:;")
    return text[:1].lower() + text[1:] if plain in _COMMON_OPENERS or plain.endswith("ing") else text


def full_stop(text: str) -> str:
    """The text as a sentence of its own: a plain word opening it ("the", "training") is
    capitalised, a name written in lower case keeps it ("t-SNE", "k-NN", "dbt", "pandas"), and
    it ends on a full stop."""
    text = text.strip()
    first = text.split(" ", 1)[0].lower().strip(",:;")
    if first in _COMMON_OPENERS or (first.endswith("ing") and first.isalpha()):
        text = text[:1].upper() + text[1:]
    return text if text[-1:] in ".!?" else text + "."
