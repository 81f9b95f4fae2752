"""Errors a user can fix; each message names the value, where it came from, and the fix.

    RagError
    ├── TranscriptFormatError   a file that cannot be read as a transcript
    ├── QuestionSetError        a question-set file with a bad line
    ├── IndexNotFoundError      no index at the configured directory
    ├── IndexMismatchError      index built with another embedding model or format version
    └── IndexDamagedError       an index file that cannot be read (truncated, garbled, deleted)

An embedding model that cannot load raises embeddings' ModelNotAvailableError, which the
edges (CLI, UI) show like these. The optional models' errors are RagErrors defined beside
them: GeneratorNotAvailableError (rag.generative), RerankerNotAvailableError (rag.reranking). Programmer mistakes raise the builtin ValueError/TypeError instead.
"""

from __future__ import annotations


class RagError(Exception):
    """Base of every error a user can act on; shown without a traceback."""


class TranscriptFormatError(RagError):
    pass


class QuestionSetError(RagError):
    pass


class IndexNotFoundError(RagError):
    pass


class IndexMismatchError(RagError):
    pass


class IndexDamagedError(RagError):
    pass
