"""The feedback part of /api/v1/: one module per concern, each with its own register(router)."""

from npshub.feedback.api import comments, ingest, sources, stats


def register(router):
    stats.register(router)
    ingest.register(router)
    sources.register(router)
    comments.register(router)
