"""The answer suite: real answers from the tutor, scored for citations, support, key facts and refusals."""

from __future__ import annotations

from app.answer.placing import without_where
from app.core.errors import TutorError
from app.core.resources import seeds_dir
from app.wiring import Parts
from evals import cases as datasets
from evals import scorers
from evals.metrics import AnswerMetrics
from evals.progress import Progress
from evals.results import AnswerRecord, RefusalRecord
from evals.similarity import Similarity


def support_threshold(parts: Parts, similarity: Similarity) -> tuple[float, float, int]:
    """Calibrate the similarity above which an excerpt supports a sentence.

    Labelled pairs come from the shipped knowledge cards, which are written to explain
    their roadmap section: each card sentence paired with its own section's roadmap text
    is supported; paired with a section from another part of the roadmap, it is not.
    Returns (threshold, accuracy on the pairs, number of pairs).
    """
    from ingest.sync import chunk_file

    sections: dict[tuple[str, ...], str] = {}
    for chunk in chunk_file(parts.settings.seeds[0]):
        if chunk.kind == "section":
            sections.setdefault(chunk.path, chunk.text)
    explanations: dict[tuple[str, ...], str] = {}
    shipped = seeds_dir() / "cards"
    for path in sorted(shipped.glob("*.md")):
        for chunk in chunk_file(path, card=True):
            if chunk.path in sections:
                explanations.setdefault(chunk.path, chunk.text)  # the explanation comes first
    paths = sorted(sections)
    similarity.warm(
        [*sections.values(), *(s for text in explanations.values() for s in scorers.sentences(text))]
    )
    positives, negatives = [], []
    for path, text in explanations.items():
        start = (paths.index(path) + len(paths) // 2) % len(paths)
        other = next(sections[p] for p in paths[start:] + paths[:start] if p[0] != path[0])
        for sentence in scorers.sentences(text):
            positives.append(similarity(sentence, sections[path]))
            negatives.append(similarity(sentence, other))
    if not positives:
        raise TutorError(f"no knowledge cards in {shipped} match the roadmap: cannot calibrate")
    threshold = scorers.calibrate_threshold(positives, negatives)
    correct = sum(p >= threshold for p in positives) + sum(n < threshold for n in negatives)
    return threshold, correct / (len(positives) + len(negatives)), len(positives) + len(negatives)


def answers(parts: Parts, split: str, limit: int | None, progress: Progress):
    similarity = Similarity(parts.retriever.embeddings)
    threshold, accuracy, pairs = support_threshold(parts, similarity)
    tutor = parts.tutor
    records = []
    for case in progress(datasets.answers(split, limit), "answers"):
        answer = tutor.ask(case.question)
        context = [h.chunk.text + ("\n" + h.note if h.note else "") for h in answer.retrieved]
        cited = [h.chunk.text + ("\n" + h.note if h.note else "") for h in answer.citations]
        # The closing "In the roadmap: …" line comes from the curriculum, not from an excerpt.
        claims = without_where(answer.text)
        records.append(
            AnswerRecord(
                id=case.id,
                split=case.split,
                question=case.question,
                answer=answer.text,
                refused=answer.refused,
                citation_validity=scorers.citation_validity(
                    answer.text,
                    [h.chunk.id for h in answer.citations],
                    [h.chunk.id for h in answer.retrieved],
                ),
                citation_support=scorers.citation_support(claims, cited, similarity, threshold),
                groundedness=scorers.groundedness(claims, context, similarity, threshold),
                draft_groundedness=scorers.groundedness(answer.generated, context, similarity, threshold),
                model_sentences=len(answer.kept) + len(answer.dropped),  # as the checks split them
                model_sentences_kept=len(answer.kept),
                cites_expected=any(
                    scorers.is_relevant(h.chunk.path, case.expected) for h in answer.citations
                ),
                key_fact_recall=scorers.key_fact_recall(answer.text, case.key_facts),
                words=scorers.word_count(answer.text),
                first_token_ms=answer.timings_ms.get("first_token"),
                retrieved=[list(h.chunk.path) for h in answer.retrieved],
                expected=case.expected,
            )
        )
    refusal = refusals(parts, split, limit, progress)
    listed = [
        tutor.coverage_of(question) == "covered"
        for question in progress(datasets.listed_items(parts.settings.seeds[0], limit), "listed items")
    ]
    decisions = [(r.should_refuse, r.refused) for r in refusal] + [(False, r.refused) for r in records]
    drafted = sum(r.model_sentences for r in records)
    metrics = AnswerMetrics(
        citation_validity=scorers.mean(r.citation_validity for r in records),
        citation_support=scorers.mean(r.citation_support for r in records),
        groundedness=scorers.mean(r.groundedness for r in records),
        draft_groundedness=scorers.mean(r.draft_groundedness for r in records),
        model_sentences_kept=sum(r.model_sentences_kept for r in records) / drafted if drafted else 0.0,
        cites_expected_section=scorers.mean(r.cites_expected for r in records),
        key_fact_recall=scorers.mean(r.key_fact_recall for r in records),
        **scorers.refusal_scores(decisions),
        listed_items_covered=scorers.mean(listed),
        answer_words_mean=scorers.mean(r.words for r in records),
        answer_words_max=max((r.words for r in records), default=0),
        support_threshold=threshold,
        support_calibration_accuracy=accuracy,
        support_calibration_pairs=pairs,
        cases=len(records),
        refusal_cases=len(decisions),
        listed_items=len(listed),
    )
    return metrics, records + refusal


def refusals(parts: Parts, split: str, limit: int | None, progress: Progress) -> list[RefusalRecord]:
    """Whether the tutor refuses each refusal case: its coverage decision is "none" (made before
    the model is called, read and decided as `Tutor.coverage_of` does for a learner's question)."""
    tutor = parts.tutor
    records = []
    for case in progress(datasets.refusals(split, limit), "refusals"):
        asked = tutor.read(case.question)[0]
        found = tutor.find(asked)
        records.append(
            RefusalRecord(
                id=case.id,
                split=case.split,
                question=case.question,
                should_refuse=case.should_refuse,
                refused=tutor.decide(asked, found) == "none",
                retrieved=[list(h.chunk.path) for h in found.hits],
            )
        )
    return records
