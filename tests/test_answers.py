"""Answers composed from topic entries (app/answer/compose.py through the Tutor), on a real index.

The fixture curriculum with four topic entries (tests/data/topics), the real
embedder and Chroma; the model is scripted and, unless a test says otherwise,
never asked (`model_adds=False`).
"""

from __future__ import annotations

import pytest

from app.answer.tutor import Turn, Tutor


@pytest.fixture
def tutor(topics_retriever, script, count_tiktoken):
    def make(*replies: str, model_adds: bool = False) -> Tutor:
        neighbours = lambda path: (["Python Language"], ["Model Serving"])  # noqa: E731
        return Tutor(
            topics_retriever, script(*replies), count_tiktoken, neighbours=neighbours, model_adds=model_adds
        )

    return make


def test_a_covered_question_is_explained_first_then_placed(tutor) -> None:
    answer = tutor().ask("What is rebasing in Git?")
    assert answer.coverage == "covered" and not answer.refused
    first = answer.text.split(" [1]")[0]
    assert first.startswith("Rebasing moves a branch's commits")  # the definition opens the answer
    assert "In the roadmap: Version Control › Advanced Git." in answer.text  # the area is left out
    assert "Builds on Python Language. Leads to Model Serving" in answer.text
    assert answer.citations[0].chunk.path[-1] == "Rebasing" and answer.citations[0].chunk.kind == "entry"
    assert "Rebasing, resolving merge conflicts" not in answer.text  # no dump of the roadmap's bullets
    assert len(answer.text.split()) <= 120


def test_a_comparison_gets_both_sides(tutor) -> None:
    answer = tutor().ask("What's the difference between rebasing and merging?")
    names = [h.chunk.path[-1] for h in answer.citations]
    assert "Rebasing" in names and "Merging" in names
    assert "Rebasing moves" in answer.text and "Merging joins" in answer.text


def test_a_tools_question_gets_the_list(tutor) -> None:
    answer = tutor().ask("Which tools are used for experiment tracking?")
    assert "MLflow, Weights & Biases, TensorBoard" in answer.text


def test_a_follow_up_is_answered_for_the_previous_topic(tutor) -> None:
    first = tutor().ask("Explain rebasing simply")
    answer = tutor().ask("and which tools does it need?", [Turn("Explain rebasing simply", first.text)])
    assert "Typical tools for Rebasing: Git, GitHub, GitLab" in answer.text


def test_a_follow_up_that_names_no_topic_or_a_new_one_is_read_against_the_conversation(tutor) -> None:
    first = tutor().ask("Explain rebasing simply")
    history = [Turn("Explain rebasing simply", first.text)]
    example = tutor().ask("give me an example", history)  # was searched alone, as a new question
    assert example.coverage == "covered"
    assert example.citations[0].chunk.path[-1] == "Rebasing"
    assert "For example, git rebase main replays your feature commits" in example.text
    for question in ("what about merging?", "and what is merging?"):  # a new subject, defined first
        other = tutor().ask(question, history)
        assert other.text.startswith("Merging joins the history of one branch into another [1].")


def test_a_question_on_the_users_own_document_is_covered_by_it(tutor) -> None:
    """Names of topic entries decide "related" only where entries describe the corpus."""
    answer = tutor().ask("How should a tutor render untrusted text safely?")
    assert answer.coverage == "covered" and "does not cover" not in answer.text
    assert answer.citations[0].chunk.path[:2] == ("Untrusted notes", "Rendering untrusted text safely")


def test_an_off_topic_question_is_refused_without_the_model(tutor) -> None:
    answer = tutor().ask("How do I bake sourdough bread?")
    assert answer.refused and answer.coverage == "none" and answer.citations == []


def test_the_model_may_add_a_sentence_only_when_it_passes(tutor) -> None:
    fresh = (
        "After git rebase main, the feature commits start from the latest main, and the clean history "
        "helps find the change that broke a pipeline [1]."
    )
    copied = (
        "With rebasing, a clean history makes it easy to find which change broke a training pipeline [1]."
    )
    off_topic = "Binary search needs its input array sorted before any lookup happens [1]."
    answer = tutor(f"{fresh} {copied} {off_topic}", model_adds=True).ask("What is rebasing in Git?")
    assert answer.kept == [fresh]
    assert copied in answer.dropped and off_topic in answer.dropped
    assert answer.text.startswith(answer.composed) and answer.text.endswith(fresh)


def test_answer_json_says_the_coverage(tutor) -> None:
    record = tutor().ask("What is rebasing in Git?").to_json()
    assert record["coverage"] == "covered" and record["refused"] is False


def test_a_quoted_list_is_not_read_as_citation_markers(tutor) -> None:
    # The example "finding 7 in [1, 3, 5, 7, 9]" reached the learner as "finding 7 in [1]".
    answer = tutor().ask("Give an example of binary search")
    assert "[1, 3, 5, 7, 9]" in answer.text
    assert answer.citations[0].chunk.path[-1] == "Binary search"


def test_entries_are_read_by_path_and_scored_against_the_question(topics_retriever) -> None:
    found = topics_retriever.retrieve("How do I find a value in a sorted array?", 2, entries=2)
    path = next(h.chunk.path for h in found.entries if h.chunk.path[-1] == "Binary search")
    (hit,) = topics_retriever.entries_at([path, ("No", "such", "entry")], found.vector)
    assert hit.chunk.path == path and hit.chunk.text.startswith("Binary search finds a value")
    assert "Why an AI engineer needs it" in hit.note
    assert hit.score > 0.3  # the question's own similarity, not a placeholder


def test_a_question_on_what_comes_before_a_topic_opens_with_its_prerequisites(tutor) -> None:
    """ "How much Git do I need for rebasing?" found by its own words would be about Git in general;
    the topic alone finds the entry, and the curriculum says what comes before it."""
    answer = tutor().ask("What should I learn before rebasing?")
    assert answer.coverage == "covered"
    assert answer.text.startswith(
        "Before rebasing, the roadmap has you learn Python Language [1]. Rebasing moves"
    )
    assert answer.citations[0].chunk.path[-1] == "Rebasing"


def test_which_of_two_topics_comes_first_is_answered_from_the_curriculum(
    topics_retriever, script, count_tiktoken
) -> None:
    orders = []

    def learning_order(first, second):
        orders.append((first[-1], second[-1]))
        return "Git basics", "Advanced Git", 1

    tutor = Tutor(topics_retriever, script(), count_tiktoken, model_adds=False, learning_order=learning_order)
    answer = tutor.ask("Should I learn merging or rebasing first?")
    assert answer.text.startswith(
        "Learn merging first: in the roadmap, rebasing (Advanced Git) builds on merging (Git basics) [1]."
    )
    assert "Merging joins" in answer.text and "Rebasing moves" in answer.text
    assert [hit.chunk.path[-1] for hit in answer.citations] == ["Merging", "Rebasing"]
    assert len(orders) == 1


def test_a_misspelt_question_is_read_as_the_corpus_words(tutor) -> None:
    answer = tutor().ask("What is rebasng in Git?")
    assert answer.query == "What is rebasng in Git?"  # the learner's words are kept
    assert answer.coverage == "covered" and answer.text.startswith("Rebasing moves a branch's commits")


def test_a_follow_up_on_a_follow_up_stays_on_the_topic_named_before(tutor) -> None:
    first = tutor().ask("what is rebasing?")
    tools = tutor().ask("which tools does it need?", [Turn("what is rebasing?", first.text)])
    history = [Turn("what is rebasing?", first.text), Turn("which tools does it need?", tools.text)]
    example = tutor().ask("give me an example", history)  # "it" of the last question: rebasing
    assert example.coverage == "covered"
    assert example.citations[0].chunk.path[-1] == "Rebasing"
    assert "For example, git rebase main replays your feature commits" in example.text
