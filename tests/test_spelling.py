"""app/answer/spelling.py: misspelt words read as the corpus's own (symspellpy, a made-up corpus)."""

from __future__ import annotations

import pytest

from app.answer.spelling import Speller

CORPUS = [
    "Backpropagation computes gradients. A confusion matrix counts predictions.",
    "Clustering groups points; k-means clustering is one method. Transformers use attention.",
    "Pre-trained models are retrained on new data. A Dockerfile builds an image. Break leaves a loop.",
]


@pytest.fixture(scope="module")
def speller() -> Speller:
    return Speller(CORPUS)


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("explain backpropogation", "explain backpropagation"),
        ("what is a confusoin matrix?", "what is a confusion matrix?"),
        ("how does k means clustring work", "how does k means clustering work"),
        ("Tranformers", "transformers"),
        # Left as written:
        ("How do I bake sourdough bread?", "How do I bake sourdough bread?"),  # English ("bread" ≠ "break")
        ("is lstm good", "is lstm good"),  # short
        ("what about DeepL", "what about DeepL"),  # a name with capitals inside
        ("is a pretrained model better", "is a pretrained model better"),  # not a misspelt "retrained"
        ("can I dockerize it", "can I dockerize it"),  # two edits from "dockerfile", too short for two
        ("why shouldn't I", "why shouldn't I"),  # part of a word with an apostrophe
        ("\\begin{bmatrix} 1 \\end{bmatrix}", "\\begin{bmatrix} 1 \\end{bmatrix}"),  # LaTeX
    ],
)
def test_misspelt_words_are_read_as_the_corpus_words(speller: Speller, text: str, read: str) -> None:
    assert speller.correct(text) == read
