"""Reading a learner's short answer against a key, word by word: the lexical half of grading.

All of it is plain code over words: the key's answer-bearing terms (the key's
content words that the question does not already say), matched loosely enough
for typos, run-together words ("inorder", "cat boost") and an acronym spelt out
("elastic block store" for EBS); opposites ("last"
against "first", "unbounded" against "bounded"); the alternative a learner
picked in an "A or B?" question; yes or no; and answers that say nothing.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from functools import lru_cache

from app.answer.grounding import content_terms

_TOKEN = re.compile(r"[a-z0-9]+(?:[.'][a-z0-9]+)*")
_NUMBER_WORDS = "zero:0 none:0 one:1 two:2 three:3 four:4 five:5 six:6 seven:7 eight:8 nine:9 ten:10 twice:2"
_NUMBERS = dict(pair.split(":") for pair in _NUMBER_WORDS.split())
# Pairs that turn a statement into its contrary, as word stems.
_OPPOSITES = """
first/last fifo/lifo befor/after increas/decreas higher/lower high/low more/less more/fewer
larger/smaller bigger/smaller larg/small maximum/minimum max/min upper/lower true/fals posit/negat
overfit/underfit inner/outer left/right row/column synchron/asynchron stateless/state encod/decod
disk/memori global/local static/dynam explicit/implicit singl/multipl same/differ spars/dens
push/pull read/write add/remov faster/slower alway/never shrink/grow open/close start/end old/new
oldest/newest least/most earli/later bias/varianc precis/recal batch/stream horizont/vertic up/down
insid/outsid input/output server/client train/test allow/deni forward/revers forward/backward
ascent/descent increas/descent discard/return manual/automat smallest/largest strong/weak
stronger/weaker expens/cheap offlin/onlin sequenti/parallel public/privat requir/option minim/maxim
lowest/highest insert/delet includ/exclud accept/reject previous/current shorter/longer short/long
slow/fast lossless/lossi
"""
OPPOSITE: dict[str, set[str]] = {}
for _pair in _OPPOSITES.split():
    _a, _b = _pair.split("/")
    OPPOSITE.setdefault(_a, set()).add(_b)
    OPPOSITE.setdefault(_b, set()).add(_a)
_NEGATORS = {"not", "no", "never", "without", "cannot", "nt", "isnt", "dont", "doesnt", "neither", "nor"}
_ARTICLES = {"a", "an", "the", "one"}
_NEGATION_PREFIXES = ("un", "non", "in", "im", "ir", "il", "dis", "a")
_BLANK = re.compile(
    r"^\W*(i\s*d(on'?t|o not)\s*know|dunno|idk|no idea|not sure|pass|skip|\?+|n/?a|nothing|"
    r"no clue|forgot|can'?t remember|unsure|-+|\.+)?\W*$",
    re.IGNORECASE,
)
_ALTERNATIVES = re.compile(r"\b([\w'.-]+(?:\s+[\w'.-]+){0,3})\s+or\s+([\w'.-]+(?:\s+[\w'.-]+){0,3})\s*\?")
_YES_NO_QUESTION = re.compile(
    r"^(is|are|can|does|do|did|should|will|would|could|has|have|was|were|must)\b", re.IGNORECASE
)
_YES = re.compile(r"\b(yes|yeah|yep|true|correct)\b")
_NO = re.compile(r"\b(no|nope|not|never|false|cannot|can't|cant|isn't|isnt|doesn't|doesnt|don't|dont)\b")
_CLAUSE = re.compile(r"[,;:(]|\s-\s|\b(since|because|but|so|thats|that's|which|as|while)\b")
FUZZY = 0.84  # similarity of two words (difflib ratio) at which a typo still counts
_GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "θ": "theta",
    "λ": "lambda", "μ": "mu", "π": "pi", "σ": "sigma", "τ": "tau", "φ": "phi", "ω": "omega",
}  # fmt: skip
_SMALL_WORDS = {"a", "an", "the", "and", "of", "in", "for", "to", "on", "as"}


def normalize(text: str) -> str:
    """Lower case, number words as digits, hyphens and underscores joined ("in-order" -> "inorder"),
    Greek letters spelt out ("λ" -> "lambda") and a product of two letters written as the key
    writes it ("n times p", "n*p" -> "np")."""
    text = text.lower().replace("’", "'")
    text = "".join(_GREEK.get(c, c) for c in text)
    text = re.sub(r"\b([a-z])\s*(?:\*|×|·|\btimes\b)\s*([a-z])\b", r"\1\2", text)
    text = re.sub(r"(?<=[a-z0-9])[-_](?=[a-z0-9])", "", text)
    text = re.sub(r"\bnon\s+(?=[a-z])", "non", text)
    return re.sub(r"[a-z]+", lambda m: _NUMBERS.get(m.group(0), m.group(0)), text)


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(normalize(text))


@lru_cache(maxsize=8192)
def terms(text: str) -> tuple[str, ...]:
    """Stemmed content words of `text`, after `normalize`; digits count as words."""
    found = list(content_terms(normalize(text)))
    found += [t for t in tokens(text) if t.isdigit() and t not in found]
    return tuple(dict.fromkeys(found))


@lru_cache(maxsize=8192)
def stems(text: str) -> tuple[str, ...]:
    """Every word of `text` stemmed, stopwords kept: "least", "not" and "after" matter here."""
    from app.answer.grounding import _stemmer_and_stopwords

    stemmer, _ = _stemmer_and_stopwords()
    return tuple(stemmer.stemWords(tokens(text)))


def numbers(text: str) -> list[str]:
    return re.findall(r"\d+(?:\.\d+)?", normalize(text))


def number_agreement(key: str, answer: str) -> int:
    """+1 when the answer states every number of the key, -1 when its claim states another, else 0."""
    wanted = set(numbers(key))
    if not wanted:
        return 0
    given = numbers(head(answer)) or numbers(answer)
    if not given:
        return 0
    if given[0] not in wanted:
        return -1
    return 1 if wanted <= set(numbers(answer)) else 0


def negated(text: str) -> tuple[set[str], set[str]]:
    """The stems `text` asserts and those it denies ("not encrypted", "never returned"): a
    negation reaches the next content word, over small words ("does not fit on one device"
    denies "fit", not "one")."""
    from app.answer.grounding import _stemmer_and_stopwords

    _, stopwords = _stemmer_and_stopwords()
    said, denied = set(), set()
    negating = False
    for word, stem in zip(tokens(text), stems(text)):
        if stem in _NEGATORS:
            negating = True
            continue
        small = word in stopwords or word.isdigit()
        (denied if negating and not small else said).add(stem)
        negating = negating and small
    return said, denied


def is_blank(answer: str) -> bool:
    """An answer that gives no answer: empty, "idk", "?", "not sure"."""
    return bool(_BLANK.match(answer.strip())) or not tokens(answer)


_PARENTHESIS = re.compile(r"\s*\(([^()]+)\)")


def key_forms(key: str) -> list[str]:
    """The key, and where it puts another name in brackets ("Platform as a Service (PaaS)",
    "perpendicular (orthogonal)"), the key without it and the bracketed name alone: either is
    the answer."""
    found = _PARENTHESIS.search(key)
    if not found:
        return [key]
    return [key, _PARENTHESIS.sub("", key, count=1), found.group(1)]


def answer_terms(question: str, key: str) -> tuple[str, ...]:
    """The key's terms that answer the question: those the question does not already contain."""
    key_terms = terms(key)
    asked = set(terms(question))
    return tuple(t for t in key_terms if t not in asked) or key_terms


def _matches(term: str, words: set[str], compact: str) -> bool:
    if term in words:
        return True
    if len(term) >= 4 and term in compact:  # "catboost" in "cat boost", "inord" in "inorder"
        return True
    return len(term) >= 4 and any(
        abs(len(w) - len(term)) <= 2 and SequenceMatcher(None, term, w).ratio() >= FUZZY for w in words
    )


@lru_cache(maxsize=8192)
def acronyms(text: str) -> tuple[str, ...]:
    """The initials of every run of three to six words, with and without small words, stemmed as
    terms are: "elastic block store" gives "ebs", "last in first out" gives "lifo"."""
    words = tokens(text)
    found = set()
    for kept in (words, [w for w in words if w not in _SMALL_WORDS]):
        for start in range(len(kept)):
            for end in range(start + 3, min(start + 6, len(kept)) + 1):
                found.add("".join(w[0] for w in kept[start:end]))
    return tuple(content_terms(" ".join(sorted(found))))


def coverage(wanted: tuple[str, ...], answer: str) -> float:
    """Share of `wanted` terms that the answer contains, typos, run-together words and a key's
    acronym spelt out allowed."""
    if not wanted:
        return 0.0
    words, initials = set(terms(answer)), set(acronyms(answer))  # initials match exactly, never as typos
    compact = "".join(tokens(answer)) + " " + "".join(stems(answer))  # "off policy": "offpolici"
    return sum(t in initials or _matches(t, words, compact) for t in wanted) / len(wanted)


def leads_with_key(question: str, key: str, answer: str) -> bool:
    """Whether the answer's first content word is one of the key's or the question's: a learner
    who opens with another term ("bert is the decoder …", "java, scala is only an api") names
    another thing, whatever key words follow."""
    found = terms(answer)
    if not found:
        return False
    return _matches(found[0], set(terms(key)), "") or found[0] in terms(question)


def head(answer: str) -> str:
    """The answer's first clause: where a learner states their claim before any "because"."""
    parts = _CLAUSE.split(normalize(answer), maxsplit=1)
    return parts[0] if parts and parts[0].strip() else answer


def opposed(key: str, answer: str) -> bool:
    """Whether the answer's claim says the contrary of the key: an opposite word, or a word it denies."""
    key_said, key_denied = negated(key)
    said, denied = negated(head(answer))
    content = set(terms(key))
    if (said & key_denied) - key_said or (denied & content) - said:
        return True
    key_terms = key_said
    for term in said - key_terms:
        if OPPOSITE.get(term, set()) & key_terms:
            return True
        for prefix in _NEGATION_PREFIXES:
            if term.startswith(prefix) and term[len(prefix) :] in key_terms:
                return True
            if prefix + term in key_terms:
                return True
    return False


def alternatives(question: str) -> tuple[str, str] | None:
    """The two options of an "A or B?" question, as word stems."""
    match = _ALTERNATIVES.search(normalize(question))
    if not match:
        return None
    first = match.group(1).split()
    second = [w for w in match.group(2).split() if w not in _ARTICLES]
    if not second:
        return None
    # "Is a warehouse built for OLTP or OLAP workloads?": the options are the words beside "or".
    options = stems(first[-1]), stems(second[0])
    if not options[0] or not options[1]:
        return None
    return options[0][0], options[1][0]


def picked(options: tuple[str, str], text: str) -> str | None:
    """The option that `text` names first ("multiprocessing" names "process"), or None."""
    said = normalize(text)
    where = []
    for option in options:
        # Short stems must be whole words: "on" is inside too many others.
        pattern = re.escape(option) if len(option) >= 4 else rf"\b{re.escape(option)}\b"
        if match := re.search(pattern, said):
            where.append((match.start(), option))
    return min(where)[1] if where else None


def choice_agreement(question: str, key: str, answer: str) -> int:
    """+1 when an "A or B?" answer picks the key's option, -1 when it picks the other, 0 otherwise."""
    options = alternatives(question)
    if options is None or options[0] == options[1]:
        return 0
    wanted, given = picked(options, key), picked(options, answer)
    if wanted is None or given is None:
        return 0
    return 1 if wanted == given else -1


def polarity(text: str) -> int | None:
    """+1 for yes, -1 for no, None when the text opens with neither."""
    first = normalize(text).split(maxsplit=3)[:3]
    opening = " ".join(first)
    yes, no = _YES.search(opening), _NO.search(opening)
    if yes and (not no or yes.start() < no.start()):
        return 1
    if no:
        return -1
    return None


def yes_no_agreement(question: str, key: str, answer: str) -> int:
    """+1 / -1 when a yes/no question's answer agrees with / contradicts the key's yes or no."""
    if not _YES_NO_QUESTION.match(question.strip()) or alternatives(question):
        return 0
    wanted, given = polarity(key), polarity(answer)
    if wanted is None or given is None:
        return 0
    return 1 if wanted == given else -1
