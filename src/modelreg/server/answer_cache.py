"""``AnswerCache``: rendered answers of registry reads, valid for one generation."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable

__all__ = ["AnswerCache"]


class AnswerCache:
    """Answers (response bodies) of one registry generation, the least recently used
    dropped first once they hold more than ``max_bytes``.

    An answer is only served for the generation it was rendered at. Answers of any other
    generation are dropped as soon as one is stored: the generation is a database counter
    that may also go back (a restored backup), so "newer" is never assumed.
    """

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._generation: int | None = None
        self._answers: OrderedDict[Hashable, bytes] = OrderedDict()
        self._bytes = 0

    def get(self, generation: int, key: Hashable) -> bytes | None:
        """The answer to ``key`` rendered at ``generation``, if kept."""
        if generation != self._generation:
            return None
        answer = self._answers.get(key)
        if answer is not None:
            self._answers.move_to_end(key)
        return answer

    def put(self, generation: int, key: Hashable, answer: bytes) -> None:
        """Keep ``answer`` to ``key`` as rendered at ``generation``."""
        if len(answer) > self.max_bytes:
            return
        if generation != self._generation:
            self._answers.clear()
            self._bytes = 0
            self._generation = generation
        previous = self._answers.pop(key, None)
        if previous is not None:
            self._bytes -= len(previous)
        self._answers[key] = answer
        self._bytes += len(answer)
        while self._bytes > self.max_bytes:
            _, dropped = self._answers.popitem(last=False)
            self._bytes -= len(dropped)

    @property
    def size(self) -> int:
        """The bytes of answers kept."""
        return self._bytes

    def __len__(self) -> int:
        return len(self._answers)
