"""app/answer/naming.py: what a question asks about, and which entry sentence defines it."""

from __future__ import annotations

from app.answer.naming import called, defining, defining_entry, item_words

RELU = [
    "ReLU (rectified linear unit) is the activation function max(0, x).",
    "A dead ReLU is a neuron whose input is negative for every example.",
]
TERRAFORM = [
    "Infrastructure as code (IaC) is the practice of defining cloud resources in text files.",
    "Terraform is a declarative IaC tool from HashiCorp.",
]


def test_the_sentence_that_defines_what_is_asked_opens() -> None:
    assert defining("What is a dead ReLU?", RELU) == 1
    assert defining("what is terraform", TERRAFORM) == 1


def test_a_tool_is_called_by_its_name_without_its_vendor() -> None:
    # "what is Airflow?" opened on Kubeflow Pipelines, the first sentence of their comparison.
    kubeflow = [
        "Kubeflow Pipelines (KFP) is a platform for ML workflows on Kubernetes.",
        "Apache Airflow is a general-purpose workflow scheduler.",
    ]
    assert defining("What is Airflow?", kubeflow) == 1
    assert called("apache spark", "spark") and called("spark", "spark")
    # A qualifier is not a vendor: leave-one-out is one kind of cross-validation.
    assert not called("leave-one-out cross-validation", "cross-validation")
    folds = [
        "k-fold cross-validation splits the data into k folds.",
        "Leave-one-out cross-validation is the case k = n.",
    ]
    assert defining("What is cross-validation?", folds) == 0


def test_otherwise_the_first_sentence_opens() -> None:
    assert defining("What is ReLU?", RELU) == 0  # the first defines it already
    assert defining("Why do ReLUs die?", RELU) == 0  # not a "what is" question
    assert defining("What is IaC?", TERRAFORM) == 0  # no sentence defines "IaC" as asked
    t_test = ["A t-test checks whether two means differ.", "Welch's t-test is the unequal-variance version."]
    assert defining("What is a t-test?", t_test) == 0  # the first is about it, though not as "is a"


def test_item_words_compare_loosely() -> None:
    assert item_words("the DDPMs") == item_words("DDPM") == "ddpm"
    assert item_words("Special matrices") == "special matrix"
    assert item_words("`pytest`") == "pytest"


def test_the_entry_that_defines_what_is_asked_opens_the_answer() -> None:
    dag = ["A directed acyclic graph (DAG) is a directed graph with no cycles."]
    network = ["Bayesian statistics updates beliefs.", "A Bayesian network is a DAG of variables."]
    assert defining_entry("What's a Bayesian network?", [dag, network]) == 1
    # The first entry stays when it is about what is asked, or when no entry defines it.
    assert defining_entry("What's a DAG?", [dag, network]) == 0
    assert defining_entry("What is a t-test?", [["A t-test checks whether two means differ."], network]) == 0
    assert defining_entry("What is a Markov chain?", [dag, network]) == 0
    assert defining_entry("Why use a Bayesian network?", [dag, network]) == 0  # no "what is X?"


def test_a_sentence_that_opens_on_what_is_asked_opens_where_the_first_is_about_another_thing() -> None:
    texts = ["A blue-green deployment runs two environments.", "A canary deployment sends 5% of traffic."]
    assert defining("What is a canary deployment?", texts) == 1
    # A first sentence that names what is asked stays first, in whatever words it defines it.
    lstm = ["A Long Short-Term Memory (LSTM) network is a recurrent network.", "LSTM gates keep state."]
    assert defining("What is an LSTM?", lstm) == 0
    independent = ["X and Y are conditionally independent given Z …", "Conditional independence is used."]
    assert defining("What is conditional independence?", independent) == 0
