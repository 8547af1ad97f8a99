"""``RegistryReads``: how the server runs registry reads, where they cost least, and cached.

On SQLite a read is a few local queries taking microseconds that never wait for a writer
(WAL mode): it runs on the event loop, since a trip through the thread pool, and the GIL
handovers it brings under concurrency, costs more than the read itself. On a database
server a read waits on the network, so it runs in the thread pool and the event loop keeps
serving other requests meanwhile.

Cached reads first read the registry's generation (one row; every committed change to the
registry or its permissions increments it in the change's own transaction). An answer
rendered at that generation, for the same request by the same principal, is exactly what
rendering it again would give, and is served as is. A fresh answer is kept only if the
generation was unchanged after rendering it, so no answer can mix two generations.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import ParamSpec, TypeVar

from starlette.concurrency import run_in_threadpool

from modelreg.identity import current_principal
from modelreg.server.answer_cache import AnswerCache

__all__ = ["RegistryReads"]

P = ParamSpec("P")
T = TypeVar("T")


class RegistryReads:
    """Runs registry reads (``inline`` on the event loop, else in the thread pool) and keeps
    up to ``cache_bytes`` of rendered answers, checked against ``generation()``."""

    def __init__(self, *, inline: bool, generation: Callable[[], int], cache_bytes: int) -> None:
        self.inline = inline
        self.generation = generation
        self.cache = AnswerCache(cache_bytes) if cache_bytes > 0 else None

    async def __call__(self, read: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """The result of ``read(*args, **kwargs)``."""
        if self.inline:
            return read(*args, **kwargs)
        return await run_in_threadpool(read, *args, **kwargs)

    async def cached(
        self, render: Callable[P, bytes], /, *args: P.args, **kwargs: P.kwargs
    ) -> bytes:
        """The answer ``render(*args, **kwargs)`` gives now, from the cache when it holds this
        generation's.

        The function, its (hashable) arguments and the acting principal name the answer:
        permissions decide what a read may see.
        """
        if self.cache is None:
            return await self(render, *args, **kwargs)
        key: Hashable = (render, args, tuple(sorted(kwargs.items())), current_principal())
        generation = await self(self.generation)
        kept = self.cache.get(generation, key)
        if kept is not None:
            return kept
        answer, unchanged = await self(self._render, generation, render, *args, **kwargs)
        if unchanged:
            self.cache.put(generation, key, answer)
        return answer

    def _render(
        self, generation: int, render: Callable[P, bytes], /, *args: P.args, **kwargs: P.kwargs
    ) -> tuple[bytes, bool]:
        answer = render(*args, **kwargs)
        return answer, self.generation() == generation
