"""Embedding models and vector indexes; they see vectors and texts, never transcripts."""
