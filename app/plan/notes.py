"""Prose around a plan: per-week self-check tips (from the cards) and an LLM summary (bounded).

The plan itself never depends on the model. Tips are taken by code from the
knowledge cards: each week gets the first self-check question of its first
new topic. The summary is the model's, given a time budget; a sentence that
names things the plan does not contain is dropped, and on timeout or failure
the plan simply has no summary.
"""

from __future__ import annotations

import concurrent.futures
import logging
import re
from pathlib import Path
from typing import TYPE_CHECKING

from app.answer.grounding import split_sentences, support
from app.core.prompts import load_prompt
from app.plan.schedule import Plan
from app.plan.weeks import weeks_text
from ingest.markdown import parse_cards

if TYPE_CHECKING:
    from langchain_core.language_models.chat_models import BaseChatModel

log = logging.getLogger(__name__)
SUMMARY_TIMEOUT_S = 20.0
SUMMARY_SUPPORT = 0.6
SUMMARY_MAX_TOKENS = 80
_QUESTION = re.compile(r"^- Q:\s*(?P<q>.+?)\s+A:\s*(?P<a>.+)$", re.MULTILINE)


def load_card_questions(cards_dir: Path) -> dict[tuple[str, ...], list[tuple[str, str]]]:
    """Self-check (question, answer) pairs of every card, by roadmap path."""
    questions: dict[tuple[str, ...], list[tuple[str, str]]] = {}
    if not cards_dir.is_dir():
        return questions
    for path in sorted(cards_dir.glob("*.md")):
        for card in parse_cards(path.read_text(encoding="utf-8")):
            questions[card.path] = [(m["q"], m["a"]) for m in _QUESTION.finditer(card.text)]
    return questions


def week_tips(plan: Plan, questions: dict[tuple[str, ...], list[tuple[str, str]]]) -> dict[int, str]:
    """Each week's checkpoint (a self-check from its sub-topics' entries, or a small exercise);
    a week without one gets its topics' first unused card question, none repeated across weeks."""
    tips: dict[int, str] = {}
    used: set[str] = set()
    for week in plan.weeks:
        if week.checkpoint is not None:
            check = week.checkpoint
            tips[week.week] = (
                f"Check yourself: {check.text} (Answer: {check.answer})" if check.answer else check.text
            )
            used.add(check.text)
            continue
        for item in week.items:
            if item.kind not in ("learn", "essentials"):
                continue
            fresh = [(q, a) for q, a in questions.get(item.path, []) if q not in used]
            if fresh:
                question, answer = fresh[0]
                used.add(question)
                tips[week.week] = f"Check yourself: {question} (Answer: {answer})"
                break
    return tips


def digest(plan: Plan) -> str:
    """The plan in one paragraph, as the summary prompt shows it."""
    weeks = "; ".join(
        f"Week {w.week}: " + ", ".join(dict.fromkeys(i.title for i in w.items if i.kind != "review"))
        for w in plan.weeks
    )
    return f"Goal: {plan.goal}. {weeks_text(len(plan.weeks))} at {plan.hours_per_week:g} h a week. {weeks}."


def summarize(llm: BaseChatModel, plan: Plan, timeout_s: float = SUMMARY_TIMEOUT_S) -> str:
    """The model's one- or two-sentence summary, or "" when it fails, is slow or says nothing supported."""
    from langchain_core.messages import HumanMessage

    prompt = load_prompt("plan_summary")
    text = prompt.render(plan=digest(plan))
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=1)
    # Short on purpose: a call that outlives the timeout still holds the model until it ends.
    future = pool.submit(
        lambda: llm.invoke([HumanMessage(text)], stop=prompt.stop, max_tokens=SUMMARY_MAX_TOKENS).content
    )
    try:
        raw = str(future.result(timeout=timeout_s))
    except concurrent.futures.TimeoutError:
        log.warning("plan summary took longer than %.0fs; the plan is shown without it", timeout_s)
        return ""
    except Exception:
        log.exception("plan summary failed; the plan is shown without it")
        return ""
    finally:
        pool.shutdown(wait=False)
    evidence = [digest(plan), "study plan learn week weeks hours start finish project review learner"]
    allowed = _numbers(digest(plan))
    kept = [
        s for s in split_sentences(raw) if support(s, evidence) >= SUMMARY_SUPPORT and _numbers(s) <= allowed
    ]
    return " ".join(kept[:2])


_NUMBER_WORDS = {
    w: str(n)
    for n, w in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
        ]
    )
}


def _numbers(text: str) -> set[str]:
    """Numbers a sentence states, digits or words: a summary must not invent any."""
    found = set(re.findall(r"\d+(?:\.\d+)?", text))
    found |= {_NUMBER_WORDS[w] for w in re.findall(r"[a-z]+", text.lower()) if w in _NUMBER_WORDS}
    return found
