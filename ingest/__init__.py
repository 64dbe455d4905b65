"""Ingest: the roadmap, its knowledge cards and topic entries → sections → chunks → vectors in Chroma."""
