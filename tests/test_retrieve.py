"""app/answer/retrieve.py: hybrid retrieval and the coverage decision, on the fixture index."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.answer.retrieve import (
    CLOSER,
    ENTRY_RELEVANCE,
    LEXICAL_FLOOR,
    WHOLE_SECTION_TOKENS,
    Retrieval,
    closest_first,
    defining_first,
)

EXPERIMENT_TRACKING = ("Machine Learning Operations", "1. Experiment Tracking")
VERSION_CONTROL = ("Programming Basics", "2. Version Control")
GLOSSARY = ("Programming Basics", "3. Algorithms Glossary")
STANDARD_LIBRARY = ("Programming Basics", "1. Python Language", "Standard Library")


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Which tools does the roadmap list for experiment tracking?", EXPERIMENT_TRACKING),
        ("How do I rebase and resolve merge conflicts in Git?", VERSION_CONTROL),
        ("Which algorithm finds shortest paths with negative edge weights?", GLOSSARY),
        ("What is in the Python standard library?", STANDARD_LIBRARY),
    ],
)
def test_question_finds_its_section_in_the_top_3(retriever, question: str, expected) -> None:
    hits = retriever.search(question, 3)
    assert len(hits) == 3
    assert expected in [h.chunk.path for h in hits]


def test_a_tool_name_is_found_by_its_words(retriever) -> None:
    (top,) = retriever.search("Rabin-Karp", 1)
    assert top.chunk.path == GLOSSARY
    # The glossary is too long to quote whole, so the matching bullet group is returned.
    assert top.chunk.kind == "group"
    assert top.chunk.text.startswith("- Rabin-Karp:")


def test_hits_are_collapsed_to_one_per_section(retriever) -> None:
    hits = retriever.search("Which tools track experiments and serve models?", 10)
    paths = [(h.chunk.source, h.chunk.path) for h in hits]
    assert len(hits) == 10
    assert len(set(paths)) == len(paths)
    # The two identical "Checklist" sections share a path, so at most one is returned.
    everything = retriever.search("Pin library versions in the image", 20)
    checklist = ("Machine Learning Operations", "2. Model Serving", "Checklist")
    assert [h.chunk.path for h in everything].count(checklist) == 1


def test_short_sections_are_returned_whole(retriever) -> None:
    for question in ("Git rebasing", "MLflow", "Weights & Biases", "Docker images", "generators"):
        for hit in retriever.search(question, 5):
            if hit.chunk.kind == "group":
                section = retriever.corpus.sections[hit.chunk.path]
                assert section.tiktoken_tokens > WHOLE_SECTION_TOKENS, hit.chunk.path
    (top,) = retriever.search("Weights & Biases", 1)
    assert top.chunk.path == EXPERIMENT_TRACKING
    assert top.chunk.text == (
        "- Tools:\n  - MLflow, Weights & Biases (W&B).\n- Tracking:\n  - Metrics, hyperparameters, artifacts."
    )


def test_scores_are_the_cosine_similarity_of_the_matching_chunk(retriever, embeddings) -> None:
    question = "How do I rebase and resolve merge conflicts in Git?"
    (top,) = retriever.search(question, 1)
    assert top.chunk.path == VERSION_CONTROL
    similarity = dict(retriever.store.nearest(embeddings.embed_query(question), 100))
    # A short section is returned whole but scored by whichever of its chunks matched.
    same_section = {similarity[c.id] for c in retriever.chunks if c.path == VERSION_CONTROL}
    assert any(top.score == pytest.approx(s) for s in same_section)
    assert top.score >= similarity[top.chunk.id]
    assert 0.3 < top.score <= max(similarity.values()) <= 1.0


def test_k_limits_the_hits(retriever) -> None:
    assert len(retriever.search("Git", 2)) == 2
    assert len(retriever.search("Git", 1)) == 1


def test_a_query_of_only_stopwords_still_searches_by_meaning(retriever) -> None:
    hits = retriever.search("the and of ???", 3)
    assert len(hits) == 3
    assert retriever.lexical_coverage("the and of ???") == 0.0


def test_off_topic_question_is_not_covered(retriever) -> None:
    question = "How do I bake sourdough bread?"
    hits = retriever.search(question, 4)
    assert max(h.score for h in hits) < retriever.min_relevance
    assert retriever.lexical_coverage(question) == 0.0
    assert retriever.covers(question, hits) is False


def test_on_topic_question_is_covered(retriever) -> None:
    question = "Which tools does the roadmap list for experiment tracking?"
    hits = retriever.search(question, 4)
    assert max(h.score for h in hits) >= retriever.min_relevance
    assert retriever.covers(question, hits) is True


def test_everyday_question_sharing_a_few_words_is_not_covered(retriever) -> None:
    question = "What is the best time to visit Kyoto?"
    assert retriever.covers(question, retriever.search(question, 4)) is False


@pytest.mark.parametrize(
    ("query", "score", "covered"),
    [
        ("Kruskal", 0.15, True),  # weak match, but a word only the corpus uses
        ("Kruskal", LEXICAL_FLOOR - 0.01, False),  # too weak for words to rescue it
        ("programming basics", 0.15, False),  # every word known, none specific
        ("sourdough", 0.15, False),  # no word known
        ("sourdough", 0.25, True),  # a close enough embedding match decides alone
    ],
)
def test_coverage_below_min_relevance_needs_specific_words(
    retriever, make_hit, query: str, score: float, covered: bool
) -> None:
    assert retriever.min_relevance == 0.25
    assert retriever.covers(query, [make_hit(("A",), "text", score=score)]) is covered


def test_rare_terms_are_the_ones_few_chunks_use(retriever) -> None:
    assert retriever.has_rare_term("What is Kruskal?") is True
    assert retriever.has_rare_term("What are programming basics?") is False  # in every glossary chunk
    assert retriever.has_rare_term("What is sourdough?") is False  # not in the corpus at all


def test_nothing_retrieved_is_not_covered(retriever) -> None:
    assert retriever.covers("Git", []) is False


@pytest.mark.parametrize(("score", "covered"), [(ENTRY_RELEVANCE, True), (ENTRY_RELEVANCE - 0.01, False)])
def test_a_close_topic_entry_covers_what_the_sections_do_not(
    retriever, make_hit, score: float, covered: bool
) -> None:
    """Sections too far (0.2, and no word specific to the corpus), an entry close enough decides."""
    sections = [make_hit(("A",), "text", score=0.2)]
    entries = [make_hit(("A", "Topic", "Pooling"), "Pooling is ...", score=score)]
    assert retriever.covers("sourdough", sections) is False
    assert retriever.covers("sourdough", sections, entries) is covered


def test_lexical_coverage_weighs_known_words(retriever) -> None:
    assert retriever.lexical_coverage("Rabin-Karp") == 1.0
    assert retriever.lexical_coverage("sourdough bread") == 0.0
    assert 0.0 < retriever.lexical_coverage("Rabin-Karp sourdough") < 1.0


def test_a_card_travels_with_its_section_as_the_note(make_settings, shared_embedder) -> None:
    from app.wiring import open_retriever
    from ingest.sync import ingest

    settings = make_settings(cards=Path(__file__).parent / "data" / "cards")
    ingest(settings, progress=False)
    hits = open_retriever(settings).search("what happens in a merge conflict when rebasing?", 3)
    top = hits[0]
    assert top.chunk.path == ("Programming Basics", "2. Version Control")
    assert top.chunk.kind != "card"  # the roadmap's own text is what the lead quotes
    assert top.note.startswith("Git records a project's history as commits.")
    assert len({h.chunk.path for h in hits}) == len(hits)  # card and section collapse to one hit


def test_a_one_chunk_section_of_an_extra_document_is_not_outranked(
    make_settings, shared_embedder, tmp_path: Path
) -> None:
    """Sections score by their two best chunks; a section with one chunk counts it twice."""
    from app.wiring import open_retriever
    from ingest.sync import ingest

    extra = tmp_path / "notes.md"
    extra.write_text(
        "# Team notes\n\n## Showing untrusted text\n\n"
        "Escape HTML before rendering text from documents or learners in the browser.\n",
        encoding="utf-8",
    )
    settings = make_settings(cards=Path(__file__).parent / "data" / "cards")
    ingest(settings, [extra], progress=False)
    retriever = open_retriever(settings)
    assert sum(c.path == ("Team notes", "Showing untrusted text") for c in retriever.chunks) == 1
    hits = retriever.search("how should a tutor render untrusted text safely in the browser?", 3)
    assert hits[0].chunk.path == ("Team notes", "Showing untrusted text")


@pytest.mark.parametrize(("third", "first"), [(0.4 + CLOSER + 0.001, "C"), (0.4 + CLOSER - 0.001, "A")])
def test_an_entry_clearly_closer_in_meaning_opens(make_hit, third: float, first: str) -> None:
    """Fused ranks put A first; C, third, opens only when it is `CLOSER` to the question than A."""
    entries = [
        make_hit(("T", name), name, score=score) for name, score in (("A", 0.4), ("B", 0.3), ("C", third))
    ]
    found = closest_first(Retrieval([], entries))
    assert [h.chunk.path[-1] for h in found.entries] == [first, *(n for n in "ABC" if n != first)]
    fourth = make_hit(("T", "D"), "D", score=0.9)  # only the next two may move up
    assert closest_first(Retrieval([], [entries[0], entries[1], entries[1], fourth])).entries[0] is entries[0]


def test_the_first_entry_keeps_its_place_when_it_holds_the_words_asked_side_by_side(make_hit) -> None:
    """ "What is a validation set?": Data validation is closer in meaning (0.57 against 0.44), but
    only the split entry says "validation set"."""
    splits = make_hit(("T", "Splits"), "The validation set guides choices like hyperparameters.", score=0.44)
    checks = make_hit(("T", "Data validation"), "Data validation checks each new batch.", score=0.57)

    def terms(text: str) -> list[str]:
        return [w.rstrip("s") for w in text.lower().replace(".", "").replace("?", "").split() if len(w) > 2]

    found = Retrieval([], [splits, checks])
    assert closest_first(found, terms, "what is a validation set?").entries[0] is splits
    assert closest_first(found, terms, "why check data?").entries[0] is checks  # no pair: closer wins
    assert closest_first(found).entries[0] is checks  # without the words, meaning alone


def test_the_entry_that_defines_what_is_asked_comes_first(make_hit) -> None:
    """ "What is a GAN?" opened on DCGAN, a GAN design ranked first, before the entry that says what
    a GAN is; a short name in brackets counts as the name."""
    dcgan = make_hit(("T", "DCGAN"), "DCGAN (Deep Convolutional GAN, 2015) is a GAN design.", score=0.6)
    gan = make_hit(("T", "GANs"), "A generative adversarial network (GAN) is a pair of networks.", score=0.5)
    found = Retrieval([], [dcgan, gan])
    assert defining_first(found, "what is a GAN?").entries == [gan, dcgan]
    assert defining_first(found, "What are generative adversarial networks?").entries[0] is gan
    assert defining_first(found, "what is DCGAN?").entries[0] is dcgan  # the first defines it already
    assert defining_first(found, "how do GANs train?").entries[0] is dcgan  # not a "what is" question


def test_else_the_entry_named_by_what_is_asked_comes_first(make_hit) -> None:
    """ "What is attention in NLP?" opened on the definition of NLP."""
    nlp = make_hit(("T", "Natural language processing"), "NLP is the field of language.", score=0.6)
    attention = make_hit(("T", "Attention mechanism"), "Attention weights the inputs.", score=0.5)
    found = Retrieval([], [nlp, attention])
    assert defining_first(found, "what is attention in NLP?").entries == [attention, nlp]
    assert defining_first(found, "what is NLP?").entries[0] is nlp  # no name starts with "nlp"
