"""Choosing an answer's sentences (app/answer/compose.explain): logic only, with made-up vectors."""

from __future__ import annotations

import numpy as np

from app.answer.compose import EntryText, explain, in_full, listing
from app.answer.naming import defines
from app.answer.placing import where_line
from app.answer.retrieve import Hit
from ingest.store import StoredChunk


def entry(name: str, what: str) -> EntryText:
    chunk = StoredChunk(name, "roadmap", ("Maths", name), what, "entry", 10)
    return EntryText.of(Hit(chunk, 0.9))


def vectors(texts):
    """Every sentence equally close to the question and far enough from the others for MMR."""
    rows = np.zeros((len(texts), len(texts) + 1))
    rows[:, 0] = 1.0
    for i in range(1, len(texts)):
        rows[i, i] = 1.0
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_defines_reads_the_defined_term() -> None:
    assert defines("Gradient descent is an iterative method that minimizes a function.") == "gradient descent"
    assert defines("TF-IDF (term frequency - inverse doc frequency) is a way to weigh words.") == "tf-idf"
    assert defines("Gradient descent (full-batch) computes the gradient over the whole set.") == ""
    assert defines("A convex function is one whose chords lie above its graph.") == "convex function"
    assert defines("Why it matters: a model is a function.") == ""


def test_a_term_is_defined_once_even_when_two_entries_define_it() -> None:
    first = entry("Optimization", "Gradient descent is an iterative method. It steps against the gradient.")
    second = entry("Gradient descent and SGD", "Gradient descent is an optimization method for weights.")
    chosen = [s.text for s in explain("What is gradient descent?", [first, second], vectors)]
    assert chosen[0] == "Gradient descent is an iterative method."
    assert "Gradient descent is an optimization method for weights." not in chosen
    assert "It steps against the gradient." in chosen


def test_a_shorter_name_from_another_area_is_another_thing() -> None:
    """ "Why do we use batch normalization?" ended on database normalization; within one area a
    shorter name is the general idea (an autoencoder, for a variational autoencoder) and may stay."""

    def in_area(area: str, name: str, what: str) -> EntryText:
        return EntryText.of(Hit(StoredChunk(name, "roadmap", (area, name), what, "entry", 10), 0.9))

    batch = in_area("ML", "Batch normalization", "Batch normalization is a layer. It rescales activations.")
    schema = in_area("Data", "Normalization", "Normalization is organising a schema into tables.")
    chosen = [s.text for s in explain("Why batch normalization?", [batch, schema], vectors)]
    assert "Normalization is organising a schema into tables." not in chosen
    assert chosen == ["Batch normalization is a layer.", "It rescales activations."]
    vae = in_area("ML", "VAE", "A variational autoencoder is a generative model. It samples a latent code.")
    autoencoder = in_area("ML", "Autoencoders", "An autoencoder is a network that reproduces its input.")
    chosen = [s.text for s in explain("What is a VAE?", [vae, autoencoder], vectors)]
    assert "An autoencoder is a network that reproduces its input." in chosen


def test_a_name_written_in_lower_case_keeps_its_case() -> None:
    tsne = entry("t-SNE", "t-SNE is a nonlinear method for visualization. k = 5 is a usual choice.")
    chosen = [s.text for s in explain("What is t-SNE?", [tsne], vectors)]
    assert chosen == ["t-SNE is a nonlinear method for visualization.", "k = 5 is a usual choice."]


def clustering(name: str, topic: str = "Clustering") -> Hit:
    path = ("Machine Learning", "Unsupervised Learning", topic, name)
    return Hit(StoredChunk(name, "roadmap", path, f"{name} is a method.", "entry", 10), 0.8)


def test_a_list_names_the_entries_under_the_topic_the_question_asks_about() -> None:
    entries = [clustering("K-Means"), clustering("PCA", "Dimensionality Reduction"), clustering("DBSCAN")]
    head, group = listing("Which algorithms are used for clustering?", entries)
    assert head.text == "Under Unsupervised Learning › Clustering, the roadmap covers K-Means and DBSCAN."
    assert [h.chunk.path[-1] for h in group] == ["K-Means", "DBSCAN"]
    # The best entry's topic is not what the question asks about, or it holds one entry: no list.
    assert listing("Which algorithms are used for fraud detection?", entries) is None
    assert listing("Which algorithms are used for clustering?", entries[:2]) is None


def test_a_list_question_that_names_an_entry_is_answered_by_that_entry_in_full() -> None:
    named = Hit(
        StoredChunk(
            "Activation functions",
            "roadmap",
            ("Deep Learning", "Core Concepts", "Neural Networks", "Activation functions"),
            "An activation function is a non-linear function. ReLU outputs max(0, x). Sigmoid squashes.",
            "entry",
            10,
        ),
        0.8,
    )
    neighbour = Hit(
        StoredChunk("Perceptron", "roadmap", (*named.chunk.path[:-1], "Perceptron"), "A unit.", "entry", 10),
        0.7,
    )
    question = "Which activation functions are used in neural networks?"
    assert listing(question, [named, neighbour]) is None  # not its neighbours
    assert [s.text for s in in_full(EntryText.of(named))] == [
        "An activation function is a non-linear function.",
        "ReLU outputs max(0, x).",
        "Sigmoid squashes.",
    ]
    assert len(in_full(EntryText.of(named), budget=8)) == 1


def test_an_entry_sharing_no_word_with_the_question_needs_to_be_much_closer() -> None:
    umap = entry("UMAP", "UMAP is a nonlinear dimensionality reduction method.")
    web = entry("Web frameworks", "FastAPI and Flask are Python frameworks for endpoints.")

    def closeness(web_relevance: float):
        def vectors(texts):
            rows = np.zeros((len(texts), 3))
            rows[0, 0] = 1.0  # the question
            for i, text in enumerate(texts[1:], start=1):
                r = web_relevance if "FastAPI" in text else 0.9
                rows[i, 0], rows[i, i % 2 + 1] = r, (1 - r * r) ** 0.5
            return rows

        return [s.text for s in explain("What is UMAP?", [umap, web], vectors)]

    assert closeness(0.4) == ["UMAP is a nonlinear dimensionality reduction method."]
    assert "FastAPI and Flask are Python frameworks for endpoints." in closeness(0.7)


def test_a_comparison_prefers_the_sentence_that_names_the_other_side() -> None:
    bagging = entry(
        "Bagging",
        "Bagging is an ensemble of models trained on bootstrap samples. Bagging suits deep trees. "
        "Bagging trains models in parallel, while boosting trains them in sequence.",
    )
    boosting = entry("Boosting", "Boosting is an ensemble of models trained one after another.")
    chosen = [
        s.text for s in explain("Bagging vs boosting?", [bagging, boosting], vectors, most=3, openers=2)
    ]
    assert chosen == [
        "Bagging is an ensemble of models trained on bootstrap samples.",
        "Bagging trains models in parallel, while boosting trains them in sequence.",
        "Boosting is an ensemble of models trained one after another.",
    ]


def test_a_sentence_that_says_again_what_is_chosen_is_left_out() -> None:
    card = entry("Containers", "A container runs an image. Containers share the host kernel.")
    topic = entry("Docker", "A Docker container runs an image. An image is a read-only template.")

    def alike(texts):
        """The two "runs an image" sentences point the same way; the rest are apart."""
        rows = vectors(texts)
        same = [i for i, t in enumerate(texts) if t.endswith("runs an image.")]
        for i in same[1:]:
            rows[i] = rows[same[0]]
        return rows

    chosen = [s.text for s in explain("What is a container?", [card, topic], alike)]
    assert chosen.count("A Docker container runs an image.") + chosen.count("A container runs an image.") == 1
    assert "An image is a read-only template." in chosen


def test_another_entry_well_below_the_best_sentence_is_left_out() -> None:
    r2 = entry("R-squared", "R-squared is the share of variance explained. It is 1 - SS_res / SS_tot.")
    language = entry("R", "R is a language for statistics.")
    relevance = {"R-squared is": 0.9, "It is": 0.5, "R-squared: It is": 0.5, "R is a": 0.55}

    def vectors(texts):
        rows = np.zeros((len(texts), len(texts) + 1))
        rows[0, 0] = 1.0  # the question
        for i, text in enumerate(texts[1:], start=1):
            r = next(v for k, v in relevance.items() if text.startswith(k))
            rows[i, 0], rows[i, i] = r, (1 - r * r) ** 0.5
        return rows

    chosen = [s.text for s in explain("What does R-squared tell me?", [r2, language], vectors)]
    # 0.55 is above MIN_RELEVANCE but 0.35 below the best: off the point. The best entry's own
    # sentence at 0.5 is as far below, and still its own account.
    assert chosen == ["R-squared is the share of variance explained.", "It is 1 - SS_res / SS_tot."]


def test_an_entry_named_like_its_heading_is_not_one_of_the_listed() -> None:
    from app.answer.compose import compose, umbrella

    def hit(name: str, text: str) -> Hit:
        path = ("ML", "2. Supervised Learning", "Classification", "Algorithms", name)
        return Hit(StoredChunk(name, "roadmap", path, text, "entry", 10), 0.8)

    overview = hit("Classification", "Classification is predicting a category. It is scored with accuracy.")
    trees = hit("Decision trees", "A decision tree asks yes/no questions.")
    svm = hit("Support Vector Machines", "An SVM finds the widest margin.")
    section = Hit(StoredChunk("s", "roadmap", overview.chunk.path[:3], "- Algorithms.", "section", 5), 0.5)
    assert umbrella(overview) and not umbrella(trees)
    composition = compose(
        "Which algorithms are used for classification?",
        [overview, trees, svm],
        section,
        vectors,
        lambda path: ([], []),
        lambda side: [],
    )
    assert composition.sentences[0].text == (
        "Under Classification › Algorithms, the roadmap covers Decision trees and Support Vector Machines."
    )


def test_the_where_line_is_short_below_an_area_and_names_one_neighbour_each_way() -> None:
    """The line takes words from the explanation (a median of 32 of 120 with the area and two each way)."""
    neighbours = lambda path: (["Linear Algebra", "Probability"], ["Integral Calculus", "Optimization"])  # noqa: E731
    path = ("Mathematics and Statistics", "2. Calculus", "Differential Calculus", "Optimization")
    assert where_line(path, neighbours) == (
        "In the roadmap: Calculus › Differential Calculus › Optimization. Builds on Linear Algebra."
        " Leads to Integral Calculus."
    )
    # An area and one section keep the area: the section alone would not say where it is.
    assert where_line(("Soft Skills", "Communication"), lambda path: ([], [])) == (
        "In the roadmap: Soft Skills › Communication."
    )


def test_the_opening_entrys_own_account_is_preferred_to_an_illustration_a_little() -> None:
    """ "Explain how TF-IDF measures word importance" lost the sentence on the IDF part (0.60 to the
    question) to the example (0.65); what an entry says the thing is explains, an example illustrates."""
    what = "TF-IDF is a way to weigh words. The inverse document frequency part lowers common words."
    example = "Example: a search engine ranks pages with it."
    tfidf = EntryText.of(
        Hit(StoredChunk("TF-IDF", "roadmap", ("NLP", "TF-IDF"), what, "entry", 10), 0.9, example)
    )
    cosines = {"The inverse document frequency part lowers common words.": 0.60}

    def near(texts):
        """Each text at its cosine to the question (x), the rest of it on an axis of its own."""
        rows = np.zeros((len(texts), len(texts) + 1))
        for n, text in enumerate(texts):
            text = text.removeprefix("TF-IDF: ")  # read as the entry's, at the same cosine here
            cosine = 1.0 if n == 0 else cosines.get(text, 0.65 if text.startswith("For example") else 0.9)
            rows[n, 0], rows[n, n + 1] = cosine, (1 - cosine**2) ** 0.5
        return rows

    chosen = [s.text for s in explain("Explain how TF-IDF measures word importance", [tfidf], near, most=2)]
    assert chosen == [
        "TF-IDF is a way to weigh words.",
        "The inverse document frequency part lowers common words.",
    ]
    cosines["The inverse document frequency part lowers common words."] = 0.50  # well below: the example
    chosen = [s.text for s in explain("Explain how TF-IDF measures word importance", [tfidf], near, most=2)]
    assert chosen[1].startswith("For example, a search engine")


def test_a_question_asking_for_an_example_gets_the_opening_entrys_own() -> None:
    """ "Can you give an example of transfer learning?" got no example: the entry's (a recipe with
    resnet50) is far from the question's words, below any sentence's minimum."""
    what = "Transfer learning is reusing a trained model. Fine-tuning replaces the output head."
    example = "Example: load resnet50 and replace its fc layer."
    entry_ = EntryText.of(Hit(StoredChunk("TL", "roadmap", ("ML", "TL"), what, "entry", 10), 0.9, example))

    def near(texts):
        rows = np.zeros((len(texts), len(texts) + 1))
        for n, text in enumerate(texts):
            cosine = 1.0 if n == 0 else 0.1 if text.startswith("For example") else 0.8
            rows[n, 0], rows[n, n + 1] = cosine, (1 - cosine**2) ** 0.5
        return rows

    chosen = [s.text for s in explain("Can you give an example of transfer learning?", [entry_], near)]
    assert chosen == [  # in the order an explanation needs: what it is, then the example
        "Transfer learning is reusing a trained model.",
        "Fine-tuning replaces the output head.",
        "For example, load resnet50 and replace its fc layer.",
    ]
    chosen = [s.text for s in explain("What is transfer learning?", [entry_], near)]
    assert "For example, load resnet50 and replace its fc layer." not in chosen  # not asked: too far


def test_a_cards_headline_sentence_is_not_an_answer_sentence() -> None:
    """ "Ensemble methods combine models [2]." closed an answer on why ensembles score higher."""
    from app.answer.compose import compose

    what = "Ensemble learning is combining the predictions of several models."
    found = Hit(StoredChunk("e", "roadmap", ("ML", "Ensembles", "Ensemble learning"), what, "entry", 10), 0.9)
    card = "Ensemble methods combine models. Bagging trains models on bootstrap samples and averages them."
    section = Hit(StoredChunk("s", "roadmap", ("ML", "Ensembles"), "- Bagging.", "section", 3), 0.5, card)
    text, _ = compose(
        "Why do ensembles work?", [found], section, vectors, lambda p: ([], []), lambda s: []
    ).text_and_sources()
    assert "Bagging trains models on bootstrap samples" in text
    assert "Ensemble methods combine models" not in text


def test_why_it_matters_and_an_example_come_only_from_the_entries_asked_about() -> None:
    """ "What is attention?" ended on "Why it matters: attention-based forecasters handle long
    histories …", the time-series entry's reason to learn forecasting, not attention's."""
    note = "Why an AI engineer needs it: forecasts drive stock levels.\nExample: a model predicts sales."
    attention = entry(
        "Attention", "Attention is a weighted average of inputs. Its weights come from a softmax."
    )
    forecasting = EntryText.of(
        Hit(
            StoredChunk("TS", "roadmap", ("Maths", "TS"), "Forecasters may use attention.", "entry", 10),
            0.8,
            note,
        )
    )
    chosen = [s.text for s in explain("What is attention?", [attention, forecasting], vectors)]
    assert "Forecasters may use attention." in chosen  # what the other entry says about it stays
    assert not any(text.startswith(("Why it matters", "For example")) for text in chosen)
    own = EntryText.of(Hit(attention.hit.chunk, 0.9, note))  # its own reason and example may come
    chosen = [s.text for s in explain("What is attention?", [own, forecasting], vectors)]
    assert "Why it matters: forecasts drive stock levels." in chosen


def test_an_example_that_opens_with_an_instruction_reads_on_after_for_example() -> None:
    hit = Hit(
        entry("TL", "Transfer learning reuses a model.").hit.chunk, 0.9, "Example: Load resnet50 first."
    )
    assert ("example", "For example, load resnet50 first.") in EntryText.of(hit).candidates()


def test_another_entrys_account_of_its_own_topic_is_left_out_of_a_what_is_question() -> None:
    """ "What is transfer learning?" was answered with "Reinforcement learning (RL) is learning by
    trial and error": close, both are "learning", but about something else."""
    transfer = entry("Transfer learning", "Transfer learning is reusing a pre-trained model. It saves data.")
    rl = entry("Reinforcement learning", "Reinforcement learning (RL) is learning by trial and error.")
    cte = entry("Common table expressions (CTE)", "A CTE is a named subquery.")
    chosen = [s.text for s in explain("What is transfer learning?", [transfer, rl], vectors)]
    assert chosen == ["Transfer learning is reusing a pre-trained model.", "It saves data."]
    # A question that names the other entry, or a part of its name, keeps its sentence.
    asked = "What are transfer learning and reinforcement learning?"
    assert "Reinforcement learning (RL) is learning by trial and error." in [
        s.text for s in explain(asked, [transfer, rl], vectors)
    ]
    chosen = [s.text for s in explain("What are window functions and CTEs?", [transfer, cte], vectors)]
    assert "A CTE is a named subquery." in chosen
    # A question that asks no "what is X?" may draw on it.
    chosen = [s.text for s in explain("Why does transfer learning save data?", [transfer, rl], vectors)]
    assert "Reinforcement learning (RL) is learning by trial and error." in chosen


def test_the_entry_defining_what_is_asked_opens_though_another_was_found_first() -> None:
    dag = entry("Directed acyclic graph", "A DAG is a directed graph with no cycles.")
    network = entry("Bayesian networks", "A Bayesian network is a DAG of variables.")
    chosen = [s.text for s in explain("What's a Bayesian network?", [dag, network], vectors)]
    assert chosen[0] == "A Bayesian network is a DAG of variables."


def test_a_sentence_whose_words_the_answer_already_holds_is_left_out() -> None:
    """A card's one-line summary after the entry's fuller account ("A random forest is bagging of
    decision trees plus a random subset of features") says it again, though not alike enough for
    the embedder."""
    forest = entry(
        "Random forest",
        "A random forest is an ensemble of decision trees. Each tree sees a random subset of features.",
    )
    card = entry("Classification", "A random forest is bagging of decision trees with random features.")
    other = entry("Gradient boosting", "Gradient boosting fits each new tree to the remaining errors.")
    chosen = [s.text for s in explain("When should I use a random forest?", [forest, card, other], vectors)]
    assert "A random forest is bagging of decision trees with random features." not in chosen
    assert "Gradient boosting fits each new tree to the remaining errors." in chosen


def test_an_entry_from_another_area_on_the_first_word_of_what_is_asked_is_a_homonym() -> None:
    def in_area(area: str, name: str, what: str) -> EntryText:
        return EntryText.of(Hit(StoredChunk(name, "roadmap", (area, name), what, "entry", 10), 0.9))

    resnet = in_area("DL", "ResNet", "ResNet is a CNN of residual blocks. Each block adds its input.")
    residual = in_area("Stats", "Residuals", "A residual is an observed value minus a prediction. Patterns.")
    chosen = [s.text for s in explain("What is a residual connection?", [resnet, residual], vectors)]
    assert chosen == ["ResNet is a CNN of residual blocks.", "Each block adds its input."]


def test_an_entry_from_another_area_on_a_shorter_name_of_the_opening_entry_is_a_homonym() -> None:
    """ "Why should I normalize features?" opened on Min-max normalization, whose sentences define
    nothing "is a", then quoted database normalization."""

    def in_area(area: str, name: str, what: str) -> EntryText:
        return EntryText.of(Hit(StoredChunk(name, "roadmap", (area, name), what, "entry", 10), 0.9))

    scaling = in_area("ML", "Min-max normalization", "Min-max normalization rescales a feature to 0-1.")
    schema = in_area("Data", "Normalization", "Normalization is organising a schema. It removes redundancy.")
    chosen = [s.text for s in explain("Why should I normalize features?", [scaling, schema], vectors)]
    assert chosen == ["Min-max normalization rescales a feature to 0-1."]
