"""The shared stemmer: Snowball's, with the plural of an initialism made singular."""

from __future__ import annotations

import pytest

from app.core.stemming import english_stemmer


@pytest.mark.parametrize(
    ("word", "stem"),
    [
        ("gpus", "gpu"),  # Snowball keeps the s after a vowel that ends the word's first part
        ("llms", "llm"),
        ("cnns", "cnn"),
        ("vms", "vm"),
        ("vcpus", "vcpu"),
        ("grus", "gru"),
        ("models", "model"),  # Snowball's own
        ("plus", "plus"),  # English words keep their s
        ("bus", "bus"),
        ("focus", "focus"),
        ("corpus", "corpus"),
        ("class", "class"),
        ("k8s", "k8s"),
    ],
)
def test_an_initialisms_plural_stems_like_its_singular(word: str, stem: str) -> None:
    assert english_stemmer().stemWord(word) == stem


def test_search_terms_match_an_initialisms_plural() -> None:
    """A question on "GPUs" finds text on "GPU": search, grounding and grading share the stemmer."""
    from app.answer.grounding import content_terms

    assert content_terms("GPUs and LLMs") == content_terms("a GPU and an LLM") == ["gpu", "llm"]
