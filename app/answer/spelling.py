"""Misspelt words of a question, read as the corpus's own words before searching.

"what is a confusoin matrix?" was answered from Matrix inverse, "how does k means
clustring work?" was told the roadmap does not cover "k means clustring", and
"explain backpropogation" opened on forward propagation. SymSpell (symspellpy)
finds, for a word the corpus does not hold, the corpus words one edit away (two
for words of eleven letters or more), and the most frequent of them is read
instead. A word is left as written when the corpus holds it, when it is an
English word (symspellpy's frequency dictionary of 82,765 words: "bread" is not
a misspelt "break"), when it is shorter than five letters ("pls", "lstm") or has capitals inside
("DeepL"), when
nothing in the corpus that close starts with the same letter ("pretrained" is
not a misspelt "retrained"), or when nothing is that close at all ("sourdough").
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from functools import cache
from importlib.resources import files

MIN_LENGTH = 5  # shorter words are abbreviations or too close to too many others
LONG = 11  # from this length a word may be two edits away ("dockerize" is not "dockerfile")
# A word of letters alone: not part of "shouldn't", "read_csv" or LaTeX's "\\begin{bmatrix}".
_WORD = re.compile(r"(?<![\\\w'’{])[A-Za-z]+(?![\w'’])")


@cache
def english_words() -> frozenset[str]:
    """The words of symspellpy's English frequency dictionary."""
    text = (files("symspellpy") / "frequency_dictionary_en_82_765.txt").read_text(encoding="utf-8")
    return frozenset(line.split(" ", 1)[0] for line in text.splitlines() if line)


class Speller:
    """Corrects words against the vocabulary of `texts` (the indexed chunks)."""

    def __init__(self, texts: Iterable[str]) -> None:
        from symspellpy import SymSpell

        counts = Counter(word.lower() for text in texts for word in _WORD.findall(text))
        self.known = set(counts) | english_words()
        self.symspell = SymSpell(max_dictionary_edit_distance=2, prefix_length=7)
        for word, count in counts.items():
            if len(word) >= MIN_LENGTH:
                self.symspell.create_dictionary_entry(word, count)

    def correct(self, text: str) -> str:
        """`text` with each unknown word read as the closest corpus word, where one is close."""
        from symspellpy import Verbosity

        def read(match: re.Match[str]) -> str:
            word = match.group(0)
            lower = word.lower()
            if len(lower) < MIN_LENGTH or lower in self.known or not word[1:].islower():
                return word  # short, known, or a name written with capitals inside ("DeepL")
            distance = 2 if len(lower) >= LONG else 1
            found = self.symspell.lookup(lower, Verbosity.CLOSEST, max_edit_distance=distance)
            # Typos spare the first letter: "pretrained" is not a misspelt "retrained".
            return next((s.term for s in found if s.term[0] == lower[0]), word)

        return _WORD.sub(read, text)
