"""Exceptions of the streaming boundary."""

from __future__ import annotations


class StreamingError(RuntimeError):
    """A streaming operation failed (broker unreachable, topic creation refused, delivery failed)."""


class BrokerError(StreamingError):
    """The embedded broker could not be started, found or stopped."""


class SourceError(StreamingError):
    """A replay source folder is missing or does not follow the lake layout."""
