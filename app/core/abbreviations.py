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
    "genai": "generative ai",
    "gen ai": "generative ai",
    "iac": "infrastructure as code",
    "rl": "reinforcement learning",
    "llm": "large language model",
    "llms": "large language models",
    "nlp": "natural language processing",
    "eda": "exploratory data analysis",
    "ner": "named entity recognition",
    "lora": "low-rank adaptation fine-tuning",
    "rlhf": "reinforcement learning from human feedback",
    # Products learners name for what the roadmap calls by its kind.
    "chatgpt": "gpt large language model",
    "llama": "large language model",
    "pyspark": "spark",
    "whisper": "speech recognition transformer model",
}
# What learners point a model at, in goals ("identify birds from my webcam"), is what the
# roadmap's computer vision works on.
_SEEN = {
    w: "images computer vision"
    for w in ("photo", "photos", "picture", "pictures", "webcam", "camera", "imaging")
}
_LAY = {"categorize": "classification", "categorise": "classification"}  # what a task is called
# What learners build on language models, named by the parts the roadmap has.
_BUILT_ON_LLMS = {
    "rag": "large language model question answering over documents",
    "chatbot": "large language model chatbot",
}
# Where the same letters mean one thing in a goal and another in a question: "MLE interview
# prep" is a machine learning engineer's, "what is MLE?" asks about maximum likelihood estimation.
IN_GOALS = {**ABBREVIATIONS, **_SEEN, **_LAY, **_BUILT_ON_LLMS, "mle": "machine learning engineer"}
IN_QUESTIONS = {
    **ABBREVIATIONS,
    "mle": "maximum likelihood estimation",
    "rag": "retrieval-augmented generation",
}
_WORD = re.compile(r"[a-z0-9/+#]+")


def spell_out(text: str, table: dict[str, str] = IN_QUESTIONS) -> str:
    """`text` with the abbreviations it uses spelled out after it ("k8s" → "k8s kubernetes")."""
    lowered = text.lower()
    words = _WORD.findall(lowered)
    extra = [table[w] for w in words if w in table]
    extra += [full for short, full in table.items() if " " in short and short in lowered]
    return " ".join([text, *dict.fromkeys(extra)])


def spell_out_goal(goal: str) -> str:
    """A goal with the abbreviations learners use in goals spelled out ("k8s", "MLE")."""
    return spell_out(goal, IN_GOALS)
