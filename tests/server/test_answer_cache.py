"""``AnswerCache``: answers of one generation, least recently used dropped first."""

from __future__ import annotations

from modelreg.server.answer_cache import AnswerCache


def test_an_answer_is_served_only_for_its_generation() -> None:
    cache = AnswerCache(max_bytes=100)
    cache.put(7, "a", b"seven")
    assert cache.get(7, "a") == b"seven"
    assert cache.get(8, "a") is None
    assert cache.get(7, "b") is None


def test_storing_another_generation_drops_every_answer_of_the_previous_one() -> None:
    cache = AnswerCache(max_bytes=100)
    cache.put(7, "a", b"seven")
    cache.put(7, "b", b"seven too")
    cache.put(8, "c", b"eight")
    assert (cache.get(7, "a"), cache.get(8, "a"), cache.get(8, "c")) == (None, None, b"eight")
    assert (len(cache), cache.size) == (1, 5)
    # A generation may go back (a restored backup): it is a different one, never "older".
    cache.put(3, "a", b"three")
    assert (cache.get(8, "c"), cache.get(3, "a")) == (None, b"three")


def test_the_least_recently_used_answers_go_first_past_the_byte_budget() -> None:
    cache = AnswerCache(max_bytes=10)
    cache.put(1, "a", b"aaaa")
    cache.put(1, "b", b"bbbb")
    assert cache.get(1, "a") == b"aaaa"  # now the most recently used
    cache.put(1, "c", b"cccc")
    assert (cache.get(1, "a"), cache.get(1, "b"), cache.get(1, "c")) == (b"aaaa", None, b"cccc")
    assert cache.size == 8


def test_replacing_an_answer_counts_its_bytes_once_and_oversized_ones_are_not_kept() -> None:
    cache = AnswerCache(max_bytes=10)
    cache.put(1, "a", b"aaaa")
    cache.put(1, "a", b"aaaaaa")
    assert (cache.size, len(cache)) == (6, 1)
    cache.put(1, "big", b"x" * 11)
    assert cache.get(1, "big") is None
    assert cache.get(1, "a") == b"aaaaaa"
