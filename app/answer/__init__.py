"""Answering a question: hybrid retrieval, the tutor, grounding checks and citations."""
