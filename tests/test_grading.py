"""app/learner/wording.py and grading.py: the lexical checks, and the grader on answers it must get right.

Agreement with the labelled set is measured by the `grading` eval suite
(README: Evaluation); here each check is shown to move the grade.
"""

from __future__ import annotations

import pytest
import yaml

from app.learner import wording
from app.learner.grading import FEATURES, Calibration, Grader, default_calibration
from app.learner.items import ItemBank


def item(bank: ItemBank, question: str):
    return next(i for i in bank.items if i.question == question)


@pytest.mark.parametrize("answer", ["", "idk", "  ?? ", "I don't know", "not sure", "-"])
def test_an_answer_that_says_nothing_is_blank(answer: str) -> None:
    assert wording.is_blank(answer)


def test_a_short_real_answer_is_not_blank() -> None:
    assert not wording.is_blank("no") and not wording.is_blank("0")


def test_the_option_picked_in_an_a_or_b_question() -> None:
    question = "Which holds raw data of any format, a lake or a warehouse?"
    assert wording.choice_agreement(question, "A data lake.", "lake") == 1
    assert wording.choice_agreement(question, "A data lake.", "the warehouse, the lake is for tables") == -1
    assert wording.choice_agreement(question, "A data lake.", "a big store") == 0
    threads = "For CPU-bound Python code, threads or processes?"
    assert wording.choice_agreement(threads, "Processes, because of the GIL.", "multiprocessing") == 1


def test_yes_or_no_against_the_key() -> None:
    question = "Can a primary key column contain NULL?"
    assert wording.yes_no_agreement(question, "No.", "no, never") == 1
    assert wording.yes_no_agreement(question, "No.", "yes it can") == -1
    assert wording.yes_no_agreement(question, "No.", "it depends") == 0


def test_opposites_and_denials_are_seen() -> None:
    assert wording.opposed("The least recently used entry.", "the most recently used")
    assert wording.opposed("Base64-encoded, not encrypted.", "encrypted in base64")
    assert wording.opposed("Bounded.", "unbounded")
    assert not wording.opposed("The least recently used entry.", "the entry used least recently")
    # A negation reaches the next content word only: "does not fit on one device" denies "fit".
    assert not wording.opposed("When the model does not fit on one device.", "model too large for one gpu")
    assert wording.opposed("When the model does not fit on one device.", "when the model fits on one device")


def test_numbers_must_agree() -> None:
    assert wording.number_agreement("About 95%.", "99.7%") == -1
    assert wording.number_agreement("One.", "just 1") == 1
    assert wording.number_agreement("72 hours.", "within a few days") == 0
    assert wording.number_agreement("72 hours.", "within three days") == -1


def test_typos_and_run_together_words_still_cover_the_key() -> None:
    assert wording.coverage(wording.answer_terms("Which agent?", "The kubelet."), "kublet") == 1.0
    assert wording.coverage(wording.answer_terms("Which library?", "CatBoost."), "cat boost") == 1.0
    assert wording.coverage(wording.answer_terms("Which library?", "CatBoost."), "xgboost") == 0.0


def test_an_acronym_spelt_out_covers_it() -> None:
    ebs = wording.answer_terms("Which service?", "Amazon EBS.")
    assert wording.coverage(ebs, "elastic block store") == 0.5  # "amazon" is not said
    assert wording.coverage(wording.answer_terms("Which order?", "LIFO."), "last in first out") == 1.0
    assert wording.coverage(wording.answer_terms("Which order?", "LIFO."), "first in first out") == 0.0
    # Two-letter initials are too easy to hit by chance ("not perfect" is no "NP").
    assert wording.coverage(wording.answer_terms("Which class?", "NP."), "not perfect") == 0.0


def test_a_name_in_brackets_is_the_answer_as_well_as_the_key() -> None:
    question = "Which cloud model sits between IaaS and SaaS in customer responsibility?"
    forms = wording.key_forms("Platform as a Service (PaaS).")
    assert forms == ["Platform as a Service (PaaS).", "Platform as a Service.", "PaaS"]
    assert max(wording.coverage(wording.answer_terms(question, f), "paas") for f in forms) == 1.0
    assert wording.key_forms("Layer 7, HTTP.") == ["Layer 7, HTTP."]


def test_a_hyphenated_key_said_in_two_words_covers_it() -> None:
    assert (
        wording.coverage(
            wording.answer_terms("Is Q-learning on- or off-policy?", "Off-policy."), "off policy"
        )
        == 1.0
    )


def test_greek_letters_and_products_read_as_the_key_writes_them() -> None:
    question = "What is the mean of a Binomial(n, p) distribution?"
    for answer in ("n times p", "n*p", "n × p"):
        assert wording.coverage(wording.answer_terms(question, "np."), answer) == 1.0
    assert wording.coverage(wording.answer_terms("Mean of a Poisson?", "Lambda."), "it is λ") == 1.0


def test_common_antonyms_are_opposites() -> None:
    assert wording.opposed("Releases automatically.", "releases are manual")
    assert wording.opposed("The smallest item.", "the largest item")
    assert wording.opposed("Stronger privacy.", "weaker privacy")
    assert not wording.opposed("The smallest item.", "the smallest one")


def test_an_answer_opening_with_another_term_is_seen() -> None:
    question = "Which language is Apache Spark written in?"
    assert not wording.leads_with_key(question, "Scala.", "java, scala is only an api on top")
    assert wording.leads_with_key(question, "Scala.", "scala, on the jvm")
    # "spark" is the question's word: the answer names what was asked about first
    assert wording.leads_with_key(question, "Scala.", "spark itself is written in scala")
    assert not wording.leads_with_key(question, "Scala.", "?")


def test_the_shipped_calibration_names_every_feature() -> None:
    data = yaml.safe_load(default_calibration().read_text(encoding="utf-8"))
    assert set(data["weights"]) == set(FEATURES)
    assert 0 < data["threshold"] < 1


def test_the_grader_accepts_right_answers_and_rejects_wrong_ones(bank: ItemBank, grader: Grader) -> None:
    stack = item(bank, "Which item does a stack remove first?")
    assert grader.grade(stack, "the last one pushed, LIFO").correct
    assert not grader.grade(stack, "the first one added (FIFO)").correct
    assert not grader.grade(stack, "idk").correct
    spark = item(bank, "Is the input of a batch job bounded or unbounded?")
    assert grader.grade(spark, "bounded").correct
    assert not grader.grade(spark, "unbounded").correct


def test_multiple_choice_is_graded_by_the_choice(bank: ItemBank, grader: Grader) -> None:
    stack = item(bank, "Which item does a stack remove first?")
    wrong = next(c for c in bank.choices(stack) if c != stack.key)
    assert grader.grade(stack, stack.key, choice=True).correct
    assert not grader.grade(stack, wrong, choice=True).correct


def test_a_calibration_that_ignores_everything_rejects_everything(bank: ItemBank, grader: Grader) -> None:
    # The weights do the work: with all of them at zero and a negative bias, nothing passes.
    silent = Grader(bank, grader.embed, Calibration(dict.fromkeys(FEATURES, 0.0), -1.0))
    stack = item(bank, "Which item does a stack remove first?")
    assert not silent.grade(stack, "the last one pushed, LIFO").correct
