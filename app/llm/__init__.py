"""The language model behind a narrow seam: backend choice, the llama.cpp chat model, its queue."""
