"""The bulk sketches equal datasketch's own, and candidates find what they must."""

from __future__ import annotations

import numpy as np
from datasketch import MinHash
from hypothesis import given, settings
from hypothesis import strategies as st

from threadclean import Config
from threadclean.find.candidates import Sketches, _permutations, find_candidates, signatures, sketch, tokenize, windows
from threadclean.find.stream import build_stream

TEXT = (
    "办公室的工作量与工作节奏决定了出差错的机率比较大。忙中出错很可能导致领导不满意,群众也不满意。"
    "The quick brown fox jumps over the lazy dog while the committee argues about the budget again."
)


def test_bulk_signatures_equal_datasketch():
    for num_perm in (16, 64):  # the default's written-out permutations, and datasketch's own
        _signatures_equal_datasketch(num_perm)


def test_the_written_out_permutations_are_datasketchs():
    a, b = MinHash(num_perm=16, seed=1).permutations
    assert np.array_equal(_permutations(16)[0], a) and np.array_equal(_permutations(16)[1], b)


def _signatures_equal_datasketch(num_perm: int) -> None:
    stream = build_stream([[(0, TEXT)], [(500, "短帖")], [(600, TEXT[7:60] + " and more words here")]])
    tokens = tokenize(stream, ngram=3)
    wins = windows(tokens, block=5)
    sigs = signatures(tokens, wins, num_perm=num_perm)
    assert wins.first.size > 10
    for i in range(wins.first.size):
        slow = MinHash(num_perm=num_perm, seed=1, hashfunc=int)
        slow.update_batch(tokens.shingles[wins.first[i] : wins.stop[i]].tolist())
        assert np.array_equal(slow.hashvalues, sigs[:, i])


def test_windows_stay_in_their_segment():
    stream = build_stream([[(0, TEXT)], [(500, TEXT)]])
    tokens = tokenize(stream, ngram=3)
    wins = windows(tokens, block=5)
    assert np.array_equal(tokens.segments[wins.first], tokens.segments[wins.stop - 1])


def test_a_cut_copy_finds_its_source():
    copy = TEXT[10:70]
    stream = build_stream([[(0, TEXT)], [(500, "我觉得" + copy + "说得对")]])
    found = find_candidates(stream, Config())
    assert len(found) and set(found.target_segment) == {1} and set(found.source_segment) == {0}


def test_unrelated_text_gives_no_candidates():
    other = "秋天的早晨，湖面上浮着一层薄雾。远处的山只露出一道淡淡的轮廓，像是用毛笔轻轻扫过。"
    stream = build_stream([[(0, TEXT)], [(500, other)]])
    assert len(find_candidates(stream, Config())) == 0


def test_a_placed_quote_is_no_target_but_still_a_source():
    quote = TEXT[10:70]
    stream = build_stream([[(0, TEXT)], [(500, quote + "说得对")], [(900, "又贴一遍" + quote)]])
    start, end = stream.bounds[1][0], stream.bounds[1][0] + len(quote)
    found = find_candidates(stream, Config(), placed=[(start, end)])
    assert len(found) and not np.any((found.target_start >= start) & (found.target_start < end))
    whole = find_candidates(stream, Config())
    assert np.any((whole.target_start >= start) & (whole.target_start < end))  # what placing spares
    # the later paste still pairs with the placed quote as well as with the post it quotes
    assert {0, 1} <= set(found.source_segment[found.target_segment == 2].tolist())


_PIECES = ["办公室的工作量与工作节奏", "决定了出差错的机率比较大。", "The quick brown fox jumps", " over the lazy dog",
           "好", "", "忙中出错很可能导致领导不满意,群众也不满意。", "words and more words here"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_PIECES), max_size=6).map("".join), min_size=1, max_size=8),
       st.lists(st.lists(st.sampled_from(_PIECES), max_size=6).map("".join), min_size=1, max_size=8))
def test_sketching_from_the_cache_equals_sketching_the_whole_stream(first, second):
    """The windows and sketches a cache gives (segments it held, read again, and new ones) are
    those of sketching the stream whole, and the second search sketches only new segments."""
    config = Config()
    cache = Sketches()
    read: list[set[str]] = []
    for texts in (first, second + first[:2]):
        stream = build_stream([[(1000 * k, t)] for k, t in enumerate(texts)])
        whole, cached = sketch(stream, config), sketch(stream, config, cache)
        for name in ("start", "end", "segment", "size", "sigs"):
            assert np.array_equal(getattr(whole, name), getattr(cached, name)), name
        segments = [stream.text[a:b] for a, b in stream.bounds]
        assert {segments[k] for k in cache.sketched} == set(segments) - (read[0] if read else set())
        read.append(set(segments))


def test_a_cache_of_other_settings_starts_afresh():
    stream = build_stream([[(0, TEXT)], [(500, TEXT[5:70])]])
    cache = Sketches()
    sketch(stream, Config(num_perm=32), cache)
    again = sketch(stream, Config(), cache)
    whole = sketch(stream, Config())
    assert np.array_equal(again.sigs, whole.sigs) and np.array_equal(again.start, whole.start)
