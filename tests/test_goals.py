"""app/plan/goals.py: how a free-text goal becomes targets, a question, or "not covered".

The decisions are checked with a scripted embedder that gives each query chosen
similarities to chosen candidate texts, so every threshold is crossed on purpose;
test_planner.py and the goals eval suite run the real embedder.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

from app.core.resources import seeds_dir
from app.plan import goals
from app.plan.curriculum import Curriculum
from app.plan.goals import GoalResolver, expand
from app.plan.skills import SkillTree
from ingest.entries import load_entries

KUBERNETES = "cloud-computing-and-mlops/containerization-and-orchestration/kubernetes"
CONTAINERS = "cloud-computing-and-mlops/containerization-and-orchestration"
DATABASES = "programming-and-software-engineering/databases"


@functools.cache
def shipped() -> Curriculum:
    return Curriculum.load(SkillTree.from_file(seeds_dir() / "ai-engineer-skills.md"))


class ScriptedEmbedder:
    """Candidate texts on axes of their own; a query points at the texts its script names.

    `script` maps a query to {text: similarity}; the query's vector has that similarity on the
    text's axis, so the cosine to that text is exactly it (and 0 to every other text).
    """

    model_name = "scripted"

    def __init__(self, script: dict[str, dict[str, float]]) -> None:
        self.script = script
        self.texts: list[str] = []
        self.embedded = 0

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.embedded += 1
        self.texts = list(texts)
        return [[float(i == j) for j in range(len(texts))] for i in range(len(texts))]

    def embed_query(self, text: str) -> list[float]:
        wanted = next(s for q, s in self.script.items() if expand(q) == text)
        return [wanted.get(t, 0.0) for t in self.texts]


def resolver(
    script: dict[str, dict[str, float]], cache: Path | None = None
) -> tuple[GoalResolver, ScriptedEmbedder]:
    embedder = ScriptedEmbedder(script)
    return GoalResolver(shipped(), lambda: embedder, load_entries(seeds_dir() / "topics"), cache), embedder


def breadcrumb(node_id: str) -> str:
    return shipped().tree.breadcrumb(node_id)


def test_abbreviations_are_spelt_out() -> None:
    assert expand("deploy on k8s") == "deploy on k8s kubernetes"
    assert expand("stats refresher") == "stats refresher statistics"
    assert expand("learn docker") == "learn docker"
    assert expand("mle interview prep") == "mle interview prep machine learning engineer"
    # A product learners name, as the roadmap's kind ("understand how chatgpt works" was not covered).
    assert expand("how chatgpt works") == "how chatgpt works gpt large language model"
    # Tools and tasks by what the roadmap calls them ("time to learn pyspark?" was Python).
    assert expand("time to learn pyspark?") == "time to learn pyspark? spark"
    assert expand("categorize crimes") == "categorize crimes classification"
    assert expand("nlp with llms and gen ai") == (
        "nlp with llms and gen ai natural language processing large language models generative ai"
    )
    # In a question, RAG is the technique by its name; in a goal, what is built with it.
    from app.core.abbreviations import spell_out

    assert spell_out("What is RAG?") == "What is RAG? retrieval-augmented generation"
    assert (
        expand("build a rag app") == "build a rag app large language model question answering over documents"
    )


def test_every_unit_track_and_shared_section_is_a_candidate() -> None:
    found = GoalResolver(shipped(), entries=load_entries(seeds_dir() / "topics")).candidates()
    kinds = {c.kind for c, _ in found}
    assert kinds == {"track", "unit", "section"}
    units = [c.id for c, _ in found if c.kind == "unit"]
    assert sorted(units) == sorted(u.id for u in shipped().tree.units)
    texts = dict((c.id, t) for c, t in found)
    # A unit is described by its breadcrumb, its topics and its entries with their tools.
    assert texts[KUBERNETES][0] == breadcrumb(KUBERNETES)
    assert any("Horizontal Pod Autoscaler" in t for t in texts[KUBERNETES])
    assert any("Prometheus" in t for t in texts[KUBERNETES])
    sections = {c.id: c for c, _ in found if c.kind == "section"}
    assert sections[CONTAINERS].targets == tuple(shipped().tree.unit_of(CONTAINERS))
    assert all(len(c.targets) > 1 for c in sections.values())


def test_a_clear_best_is_taken() -> None:
    goals_, _ = resolver({"run my models on a cluster": {breadcrumb(KUBERNETES): 0.8}})
    resolution = goals_.resolve("run my models on a cluster")
    assert resolution.status == "matched" and resolution.targets == [KUBERNETES]
    assert resolution.confidence == pytest.approx(0.8, abs=goals.LEXICAL_WEIGHT)


def test_a_close_rival_elsewhere_is_asked_about() -> None:
    script = {"qq vv ww": {breadcrumb(KUBERNETES): 0.8, breadcrumb(DATABASES): 0.79}}
    goals_, _ = resolver(script)
    resolution = goals_.resolve("qq vv ww")
    assert resolution.status == "ask" and resolution.chosen is None
    assert [c.id for c in resolution.candidates[:2]] == [KUBERNETES, DATABASES]


def test_a_broader_reading_close_behind_its_own_unit_wins() -> None:
    section = next(t for c, ts in GoalResolver(shipped()).candidates() if c.id == CONTAINERS for t in ts)
    goals_, _ = resolver({"containers in general": {breadcrumb(KUBERNETES): 0.8, section: 0.78}})
    resolution = goals_.resolve("containers in general")
    assert resolution.status == "matched" and resolution.chosen.id == CONTAINERS


@pytest.mark.parametrize(
    ("similarity", "status"),
    [(0.2, "none"), (0.35, "none"), (0.45, "ask"), (0.6, "matched")],
    ids=["far", "weak-and-no-roadmap-words", "not-sure", "sure"],
)
def test_confidence_decides(similarity: float, status: str) -> None:
    goals_, _ = resolver({"zq wx vy": {breadcrumb(KUBERNETES): similarity}})
    assert goals_.resolve("zq wx vy").status == status


@pytest.mark.parametrize(
    ("roadmap", "field", "status", "outside"),
    [
        (0.6, 0.75, "none", True),
        (0.6, 0.65, "matched", False),
        (0.2, 0.44, "none", False),
        (0.2, 0.46, "none", True),
    ],
    ids=["clearly-closer", "not-clearly-closer", "not-close-itself", "close-enough"],
)
def test_a_goal_clearly_about_a_field_not_taught_is_not_covered(
    roadmap: float, field: float, status: str, outside: bool
) -> None:
    """Not covered, and the field named, only when the goal is close to it and clearly closer
    than to the roadmap; a goal far from everything is not covered without a field."""
    game = "video game development with Unity or Unreal Engine"
    assert game in shipped().not_covered
    goals_, _ = resolver({"zq wx vy": {breadcrumb(KUBERNETES): roadmap, game: field}})
    resolution = goals_.resolve("zq wx vy")
    assert (resolution.status, resolution.outside) == (status, game if outside else "")


def test_one_word_is_asked_about_unless_it_names_something_or_has_one_reading() -> None:
    goals_, _ = resolver({"containers": {breadcrumb(KUBERNETES): 0.9, breadcrumb(DATABASES): 0.85}})
    assert goals_.resolve("containers").status == "ask"
    # One reading far ahead of any other ("git"): nothing to choose between.
    goals_, _ = resolver({"containers": {breadcrumb(KUBERNETES): 0.9}})
    assert goals_.resolve("containers").status == "matched"
    assert goals_.resolve("Kubernetes").status == "named"
    assert goals_.resolve("Kubernetes").targets == [KUBERNETES]


def test_a_title_shared_across_areas_is_asked_about() -> None:
    resolution = GoalResolver(shipped()).resolve("optimization")
    assert resolution.status == "ask"
    ids = {c.id for c in resolution.candidates}
    assert "mathematics-and-statistics/optimization" in ids
    assert "programming-and-software-engineering/performance-optimization" in ids
    # A section's own units do not make it ambiguous: "Calculus" is one section.
    assert GoalResolver(shipped()).resolve("Calculus").status == "named"


def test_vectors_are_cached_per_model_and_texts(tmp_path: Path) -> None:
    script = {"run my models on a cluster": {breadcrumb(KUBERNETES): 0.8}}
    first, embedder = resolver(script, tmp_path)
    assert first.resolve("run my models on a cluster").targets == [KUBERNETES]
    again, second_embedder = resolver(script, tmp_path)
    second_embedder.texts = embedder.texts  # the scripted queries need the texts' order
    assert again.resolve("run my models on a cluster").targets == [KUBERNETES]
    assert (embedder.embedded, second_embedder.embedded) == (1, 0)
    assert len(list(tmp_path.glob("goal-vectors-*.npy"))) == 1


def test_a_goal_naming_a_topic_of_its_unit_focuses_on_it() -> None:
    found = GoalResolver(shipped())
    advanced = "machine-learning-and-deep-learning/advanced-machine-learning"
    spark = "data-engineering/big-data-ecosystem/distributed-systems"
    gans = "machine-learning-and-deep-learning/generative-models"
    assert found.topics_named("reinforcement learning for game agents", advanced) == (
        f"{advanced}/reinforcement-learning",
    )
    assert found.topics_named("RL for game agents", advanced) == (f"{advanced}/reinforcement-learning",)
    assert found.topics_named("process big data with Spark", spark) == (f"{spark}/apache-spark",)
    assert found.topics_named("train GANs", gans) == (f"{gans}/generative-adversarial-networks-gans",)
    # Naming the unit itself, or none of its topics, or all of them: the whole unit.
    assert found.topics_named("advanced machine learning such as reinforcement learning", advanced) == ()
    assert found.topics_named("smarter game agents", advanced) == ()
    everything = "ensemble methods, reinforcement learning and active learning"
    assert found.topics_named(everything, advanced) == ()


def test_a_goal_naming_a_topic_entry_focuses_on_its_topic() -> None:
    found = GoalResolver(shipped(), entries=load_entries(seeds_dir() / "topics"))
    forecasting = "machine-learning-and-deep-learning/time-series-forecasting"
    transformers = "machine-learning-and-deep-learning/neural-network-architectures/transformer-architectures"
    assert found.topics_named("forecast sales with ARIMA", forecasting) == (
        f"{forecasting}/traditional-methods",
    )
    # A name within the unit's own title stands for the unit.
    assert found.topics_named("understand transformers", transformers) == ()


def test_a_goal_joining_titles_is_all_of_them() -> None:
    found = GoalResolver(shipped())
    probability, statistics = (
        "mathematics-and-statistics/probability-theory",
        "mathematics-and-statistics/statistics",
    )
    joined = found.resolve("learn probability and statistics for machine learning")
    assert joined.status == "matched"
    assert set(joined.targets) == set(shipped().tree.unit_of(probability)) | set(
        shipped().tree.unit_of(statistics)
    )
    assert found.resolve("Docker + Kubernetes").targets == [f"{CONTAINERS}/docker", KUBERNETES]
    # Topics named keep their focus: SQL and Python, not every language of their units.
    sql, python = found.resolve("sql and python").focus
    assert sql.endswith("/sql") and python.endswith("/python")
    # One title with "and" in it, a part that is no title, or parts of one another: not joined.
    assert found.joined("data structures and algorithms in python") is None
    assert found.joined("xgboost and random forests") is None
    assert found.joined("statistics and descriptive statistics") is None
    assert found.joined("build and deploy a chatbot over our docs") is None


def test_a_misspelt_goal_is_read_as_the_roadmaps_words() -> None:
    """The planner reads a goal's misspelt words as the roadmap's before resolving it, and keeps the
    learner's own text ("probabilty and statistcs" joined nothing)."""
    from app.plan.planner import StudyPlanner

    planner = StudyPlanner(shipped(), entries=load_entries(seeds_dir() / "topics"))
    goal = "learn probabilty and statistcs for machine learning"
    resolution = planner.resolve(goal)
    assert resolution.goal == goal and resolution.status == "matched"
    assert (
        resolution.targets == planner.resolve("learn probability and statistics for machine learning").targets
    )
    assert GoalResolver(shipped()).joined(goal) is None  # as written, the parts name no title
