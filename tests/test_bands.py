"""A search after a change finds exactly the pairs a whole search would keep."""

from __future__ import annotations

import copy
from unittest import mock

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from threadclean import Config
from threadclean.find import candidates
from threadclean.find.bands import Memory, all_pairs, band_keys
from threadclean.find.candidates import find_candidates, signatures, tokenize, windows
from threadclean.find.stream import build_stream

# phrases that recur across posts, so buckets hold many windows and pairs depend on which is earliest
PHRASES = [
    "办公室的工作量与工作节奏决定了出差错的机率", "忙中出错很可能导致领导不满意", "群众也不满意",
    "参谋部永远是第一位的", "秋天的早晨湖面上浮着一层薄雾", "远处的山只露出一道淡淡的轮廓",
    "the committee argues about the budget again", "本人连续担任九品办公室主任", "哈哈哈哈",
]

posts = st.lists(st.lists(st.sampled_from(PHRASES), min_size=1, max_size=6).map("，".join), min_size=3, max_size=14)


def _stream(texts: list[str]):
    base, segments = 0, []
    for text in texts:
        segments.append([(base, text)])
        base += len(text) + 1
    return build_stream(segments), base


def _same(a, b) -> bool:
    return all(np.array_equal(getattr(a, f), getattr(b, f)) for f in a.__dataclass_fields__)


@settings(max_examples=60, deadline=None)
@given(posts, st.data())
def test_a_search_after_a_change_equals_a_whole_search(texts, data):
    config = Config()
    first, _ = _stream(texts)
    memory = Memory()
    find_candidates(first, config, focus=np.zeros(len(texts), dtype=bool), memory=memory)
    # some posts lose a stretch of their text, as a copy taken out of them
    changed = data.draw(st.sets(st.integers(0, len(texts) - 1), max_size=3))
    base, segments, flags = 0, [], []
    for k, text in enumerate(texts):
        if k in changed and len(text) > 4:
            a = data.draw(st.integers(0, len(text) - 2))
            b = data.draw(st.integers(a + 1, len(text)))
            pieces = [(base, text[:a]), (base + b, text[b:])]
            # the post may be cut into two segments where the stretch stood, as settling cuts at a quote
            cut = data.draw(st.booleans())
            segments += [[pieces[0]], [pieces[1]]] if cut else [pieces]
            flags += [True] * (1 + cut)
        else:
            segments.append([(base, text)])
            flags.append(k in changed)
        base += len(text) + 1
    again = build_stream(segments)
    focus = np.array(flags)
    whole = copy.deepcopy(memory)
    whole.buckets = []  # no buckets to start from: the search runs whole, then keeps the same pairs
    expected = find_candidates(again, config, focus=focus, memory=whole)
    with mock.patch.object(candidates, "_SMALL_CHANGE", 1.0):  # in a short thread every change is large
        got = find_candidates(again, config, focus=focus, memory=memory)
    assert _same(got, expected)
    assert np.array_equal(memory.pairs, whole.pairs)


def test_buckets_name_each_band_s_earliest_windows():
    stream, _ = _stream(PHRASES * 3)
    tokens = tokenize(stream, ngram=3)
    wins = windows(tokens, block=5)
    keys = band_keys(signatures(tokens, wins, num_perm=16), bands=8, rows=2)
    ids = stream.to_raw[wins.start]
    pairs, buckets = all_pairs(keys, ids, per_bucket=2)
    assert len(pairs) and all(later > earlier for later, earlier in pairs.tolist())
    for band, found in zip(keys, buckets, strict=True):
        assert np.array_equal(found.keys, np.unique(band))
        first = {}
        for key, raw in zip(band.tolist(), ids.tolist(), strict=True):
            first.setdefault(key, raw)
        assert found.earliest[:, 0].tolist() == [first[k] for k in found.keys.tolist()]
