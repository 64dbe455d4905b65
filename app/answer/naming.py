"""What a question asks about and what a sentence defines, in words that compare loosely.

"What is a dead ReLU?" asks about "dead relu"; "A dead ReLU is a neuron …"
defines it; "the DDPMs" and "DDPM" are the same item. The coverage decision,
the roadmap's bullets and the composed answer's opening all read questions and
sentences this way.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# Where an entry's name splits into the names of its parts ("Precision, recall and F1-score").
NAME_PARTS = re.compile(r"\s*(?:,|\band\b|\bor\b|\bvs\.?|\bversus\b|[():/])\s*", re.I)
_WORD = re.compile(r"[a-z0-9]+(?:[-&'][a-z0-9]+)*[+#]*")  # "W&B", "t-test", "C++", "C#"

_SUBJECT = [
    re.compile(r"^(what|who)(\s+(is|are|was|were)|['’]?s)\s+(?P<s>.+)$", re.I),  # "what's" too
    re.compile(r"^how\s+(does|do|did|can|would|should)\s+(?P<s>.+?)\s+(work|works|help|function)$", re.I),
    re.compile(r"^what\s+(does|do)\s+(?P<s>.+?)\s+do$", re.I),
    re.compile(r"^(can|could)\s+you\s+(explain|describe|define)\s+(?P<s>.+)$", re.I),
    re.compile(r"^(explain|describe|define|tell me about)\s+(?P<s>.+)$", re.I),
    # A follow-up on a new subject ("what about kubernetes?"), not on the last one ("… about it?").
    re.compile(r"^(what|how)\s+about\s+(?!(it|its|this|that|these|those|them|the other)\b)(?P<s>.+)$", re.I),
]


# What a subject is asked in or for, not part of its name: "what is attention *in NLP*?", "what
# are eigenvalues *used for in ML*?", "what is a loss function *for classification*?".
_CONTEXT = re.compile(
    r"\s+and\s+(?:why|how|when|what|where|which|who)\b.*"  # a second question: "… and why is it used?"
    r"|\s+(?:(?:(?:is|are)\s+)?(?:used|useful|good|bad|needed|important)\s+(?:for|in|at)\b.*"
    r"|(?:for|about)$"  # "what is docker for?"
    r"|(?:in|within|during|for)\s+(?:the\s+)?(?:context\s+of\s+)?[\w./+-]+(?:\s+[\w./+-]+){0,3})$",
    re.I,
)


# What a question asks of its subject, not part of its name: "what's *the point of* a validation set?".
_PURPOSE = re.compile(
    r"^(?:point|purpose|use|role|meaning|idea|intuition|goal|aim)\s+(?:of|behind)\s+(?:(?:the|an?)\s+)?", re.I
)
# A follow-up that is only a name after "and": "and kubernetes?", "and the GRU?" (not "and why?").
_BARE = re.compile(
    r"^(?!(?:it|its|this|that|these|those|they|them|the other|why|how|what|which|when|where|who|is|are"
    r"|was|do|does|did|can|could|should|would|will|i|you|we|more|else|then|so|also|again|please)\b)"
    r"[\w][\w.+#/-]*(?:\s+[\w][\w.+#/-]*){0,3}$",
    re.I,
)
_LEAD = re.compile(r"^(?:and|also|so|but|then|ok|okay)\b[,\s]*", re.I)


def subject(question: str) -> str:
    """The phrase a question asks about, for "the roadmap does not cover …" (empty if unclear),
    without what it is asked in or for ("attention" of "what is attention in NLP?")."""
    whole = question.strip().rstrip(" ?.!")
    text = _LEAD.sub("", whole)  # "and what is momentum?"
    for pattern in _SUBJECT:
        if match := pattern.match(text):
            found = _PURPOSE.sub("", re.sub(r"^(the|an?)\s+", "", match["s"].strip(), flags=re.I))
            found = _CONTEXT.sub("", found) or found
            return found if 0 < len(found.split()) <= 6 else ""
    if text != whole and _BARE.match(text):  # "and kubernetes?": what about kubernetes
        return re.sub(r"^(the|an?)\s+", "", text, flags=re.I)
    return ""


_DEFINITION = re.compile(
    r"^(?:an?\s+|the\s+)?(?P<term>[^,;:()]{2,60}?)(?:\s*\((?P<short>[^),;]*)[^)]*\))?\s+(?:is|are)\s+(?:an?|the|one)\b",
    re.I,
)


def _definition(sentence: str) -> re.Match[str] | None:
    """The definition a sentence opens with, when its term is short enough to be a name."""
    match = _DEFINITION.match(sentence)
    return match if match and len(match["term"].split()) <= 6 else None


def defines(sentence: str) -> str:
    """The term a sentence defines ("Gradient descent is an iterative method ..." → "gradient
    descent"), or "" when it is not a definition."""
    match = _definition(sentence)
    return match["term"].casefold() if match else ""


def defines_as(sentence: str, asked: str) -> bool:
    """Whether a sentence defines `asked` (as `item_words`) by its name or by the short name in
    brackets: "A generative adversarial network (GAN) is …" defines "gan"."""
    match = _definition(sentence)
    if not asked or match is None:
        return False
    return called(item_words(match["term"]), asked) or item_words(match["short"] or "") == asked


def item_words(text: str) -> str:
    """Lower-case words without articles, backticks or a plural ending: "the DDPMs" → "ddpm"."""
    words = []
    for word in _WORD.findall(text.lower().replace("`", "")):
        if word in ("a", "an", "the"):
            continue
        if word.endswith("ices") and len(word) > 5:  # matrices → matrix
            word = word[:-4] + "ix"
        elif word.endswith("s") and len(word) > 3 and not word.endswith("ss"):
            word = word[:-1]
        words.append(word)
    return " ".join(words)


def defining(question: str, texts: Sequence[str]) -> int:
    """Which of an entry's "what it is" sentences should open the answer to `question`: the one
    that defines what a "what is X?" question asks about, where the first is about something
    else. "What is a dead ReLU?" opens on "A dead ReLU is a neuron …", not on "ReLU (rectified
    linear unit) is …"; "what is Terraform?" on "Terraform is a declarative IaC tool …", not on
    the definition of infrastructure as code that comes first; "what is Airflow?" on "Apache
    Airflow is …", not on Kubeflow Pipelines. 0 (the first) otherwise."""
    asked = item_words(subject(question))
    if not asked or not texts or f"{item_words(texts[0])} ".startswith(f"{asked} "):
        return 0  # "A t-test checks whether …" is about the t-test, though not as "is a"
    found = next((i for i, text in enumerate(texts) if defines_as(text, asked)), None)
    if found is None and not _mentions(texts[0], asked):  # "A canary deployment sends …" after
        found = next(
            (i for i, text in enumerate(texts) if f"{item_words(text)} ".startswith(f"{asked} ")), None
        )
    return found or 0


_GLUE = {"in", "of", "for", "on", "to", "with", "and", "or"}


def _mentions(text: str, asked: str) -> bool:
    """Whether every word of `asked` (as `item_words`) begins a word of the text, its ending aside:
    "Two variables are conditionally independent …" mentions conditional independence."""
    words = item_words(text).split()
    return all(
        any(word.startswith(part[:6]) for word in words) for part in asked.split() if part not in _GLUE
    )


def defining_entry(question: str, whats: Sequence[Sequence[str]]) -> int:
    """Which entry, given each one's "what it is" sentences, should open the answer to a "what is
    X?" question: the first, unless it never says what X is and a later one defines it. "What's a
    Bayesian network?" opened on the DAG entry's "A directed acyclic graph (DAG) is a directed
    graph with no cycles", the Bayesian network's own definition coming last."""
    asked = item_words(subject(question))
    if not asked or not whats:
        return 0

    def about(texts: Sequence[str]) -> bool:
        return any(f"{item_words(text)} ".startswith(f"{asked} ") for text in texts)

    def defines_it(texts: Sequence[str]) -> bool:
        return any(called(item_words(defines(text)), asked) for text in texts)

    if about(whats[0]) or defines_it(whats[0]):
        return 0
    return next((n for n, texts in enumerate(whats) if n and defines_it(texts)), 0)


VENDORS = ("apache", "amazon", "aws", "google", "microsoft", "azure")  # "Apache Airflow" is Airflow


def called(name: str, thing: str) -> bool:
    """Whether `name` (as `item_words`) is `thing`, or `thing` after its vendor: "apache airflow"
    is what a learner asking about "airflow" means (but "leave-one-out cross-validation" is not
    what one asking about cross-validation does)."""
    return bool(thing) and name in (thing, *(f"{vendor} {thing}" for vendor in VENDORS))
