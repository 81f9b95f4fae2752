"""Transcript Q&A: parse, chunk, index, retrieve and answer with cited lines."""
