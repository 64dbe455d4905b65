"""How learners shorten the roadmap's words, spelled out next to them before searching.

Goals ("deploy on k8s") and questions ("what is an LLM?") both use it: the
embedder and BM25 know "kubernetes" and "large language model" far better than
the short forms, which the roadmap rarely writes.
"""

from __future__ import annotations

import re

ABBREVIATIONS = {
    "k8s": "kubernetes",
    "stats": "statistics",
    "dsa": "data structures and algorithms",
    "mle": "machine learning engineer",
    "genai": "generative ai",
    "gen ai": "generative ai",
    "iac": "infrastructure as code",
    "rl": "reinforcement learning",
    "llm": "large language model",
    "llms": "large language models",
    "nlp": "natural language processing",
}
_WORD = re.compile(r"[a-z0-9/+#]+")


def spell_out(text: str) -> str:
    """`text` with the abbreviations it uses spelled out after it ("k8s" → "k8s kubernetes")."""
    lowered = text.lower()
    words = _WORD.findall(lowered)
    extra = [ABBREVIATIONS[w] for w in words if w in ABBREVIATIONS]
    extra += [full for short, full in ABBREVIATIONS.items() if " " in short and short in lowered]
    return " ".join([text, *dict.fromkeys(extra)])
