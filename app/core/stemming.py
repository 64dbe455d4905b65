"""One English stemmer for every word match: search, grounding, grading and goals.

Snowball's English stemmer takes a plural s off a word only when the word has
a vowel earlier than the letter just before the s ("models" -> "model"), so the
plural of an initialism keeps it: "GPUs", "LLMs" and "CNNs" stayed "gpus", "llms" and "cnns" and never
matched "GPU", "LLM" or "CNN". This stemmer also takes that s off a word that
is all consonants before it, or ends in "pu" or "ru" ("cpus", "grus"). What it
does depends on the lower-cased word alone, so the roadmap's text and a
learner's question, in whatever case, stem alike.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

# A plural initialism Snowball leaves alone: "llms", "svms", "vms", "gpus", "vcpus", "grus".
_INITIALISMS = re.compile(r"(?:[b-df-hj-np-tv-z]{2,}|[b-df-hj-np-tv-z]*[pr]u)s")


class EnglishStemmer:
    """PyStemmer's Snowball English stemmer, with the plurals of initialisms made singular.
    It has PyStemmer's `stemWord` and `stemWords`, so bm25s takes it as it is."""

    def __init__(self) -> None:
        import Stemmer

        self._snowball = Stemmer.Stemmer("english")

    def stemWords(self, words: Sequence[str]) -> list[str]:  # noqa: N802 (PyStemmer's name)
        return [_singular(word, stem) for word, stem in zip(words, self._snowball.stemWords(list(words)))]

    def stemWord(self, word: str) -> str:  # noqa: N802 (PyStemmer's name)
        return self.stemWords([word])[0]


def _singular(word: str, stem: str) -> str:
    if stem == word and _INITIALISMS.fullmatch(word):
        return word[:-1]
    return stem


@lru_cache(maxsize=1)
def english_stemmer() -> EnglishStemmer:
    return EnglishStemmer()
