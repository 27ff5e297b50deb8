"""The search across threads' pieces against slow oracles: bucket pairing, cutting blocks, and
a post's pieces against its raw input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from threadclean import clean_file
from threadclean.across.entries import own_pieces, post_number
from threadclean.across.search import PER_BUCKET, _cut_blocks, pairs_in
from threadclean.across.sketch import POSTING
from threadclean.rebuild import rebuild

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _oracle(rows: list[tuple[int, int, int, int]], max_shared: int) -> list[tuple[int, int]]:
    """pairs_in as its docstring says it, one bucket and one window at a time."""
    out = []
    for key in sorted({r[0] for r in rows}):
        bucket = sorted(r for r in rows if r[0] == key)  # (key, rank, gpn, start)
        if len(bucket) > max_shared:
            continue
        heads, seen = [], set()
        for r in bucket:
            if (r[2] >> 24) not in seen and len(heads) < 3:
                heads.append(r)
                seen.add(r[2] >> 24)
        for i, r in enumerate(bucket):
            taken = 0
            for h in heads:
                if bucket.index(h) < i and (h[2] >> 24) != (r[2] >> 24) and taken < PER_BUCKET:
                    out.append((r[2], h[2]))
                    taken += 1
    return sorted(out)


_ROW = st.tuples(st.integers(0, 4), st.integers(0, 3), st.integers(0, 5), st.integers(0, 3), st.integers(0, 50))


@settings(max_examples=300, deadline=None)
@given(st.lists(_ROW, max_size=40, unique_by=lambda r: (r[0], r[2], r[3], r[4])), st.integers(2, 8))
def test_pairs_in_pairs_as_the_rule_says(rows, max_shared):
    data = np.zeros(len(rows), POSTING)
    flat = []
    for i, (key, rank, thread, post, start) in enumerate(rows):
        gpn = post_number(0, thread, post)
        data[i] = (key, rank, gpn, start, start + 5)
        flat.append((key, rank, gpn, start))
    pairs, keys, held = pairs_in(data, max_shared=max_shared)
    assert sorted(zip(pairs["target"].tolist(), pairs["source"].tolist(), strict=True)) == _oracle(flat, max_shared)
    sizes = [sum(1 for r in rows if r[0] == k) for k in {r[0] for r in rows}]
    assert keys == sum(1 for n in sizes if n > max_shared) and held == sum(n for n in sizes if n > max_shared)


_BLOCKS = st.lists(st.tuples(st.integers(0, 100), st.integers(0, 100), st.integers(1, 12)), max_size=6)


@settings(max_examples=300, deadline=None)
@given(_BLOCKS, st.lists(st.tuples(st.integers(0, 110), st.integers(1, 10)), max_size=5), st.integers(0, 1))
def test_cutting_blocks_keeps_exactly_the_characters_outside_the_holes(blocks, raw_holes, side):
    holes, at = [], 0
    for a, n in sorted(raw_holes):  # sorted, disjoint
        a = max(a, at)
        holes.append((a, a + n))
        at = a + n + 1
    cut = _cut_blocks(blocks, holes, side=side)
    inside = {x for a, b in holes for x in range(a, b)}
    want = sorted((s + k, t + k) for s, t, n in blocks for k in range(n) if (s, t)[side] + k not in inside)
    got = sorted((s + k, t + k) for s, t, n in cut for k in range(n))
    assert got == want and all(n > 0 for _, _, n in cut)


def test_a_posts_pieces_read_its_text_from_the_raw_input():
    files = sorted(p for p in FIXTURES.rglob("*") if p.suffix in (".txt", ".md", ".json", ".html")
                   and "golden" not in p.parts and not p.name.endswith(".gold.json"))
    checked = 0
    for path in files[:40]:
        try:
            doc = clean_file(str(path)).to_dict()
        except Exception:
            continue
        raw = rebuild(doc)
        for post in doc["posts"]:
            text = post["text"]
            rebuilt = []
            for t0, tn, r0, rn in own_pieces(post):
                if tn == rn:
                    assert text[t0 : t0 + tn] == raw[post["origin"]["input"]][r0 : r0 + rn], path
                rebuilt.append(text[t0 : t0 + tn])
            assert "".join(rebuilt) == text, path
            checked += 1
    assert checked > 50


def test_the_caps_of_the_search_within_a_thread_apply_across():
    from threadclean import Config
    from threadclean.across.entries import PostEntry
    from threadclean.across.sketch import postings

    text = "这是一段足够长的文字，用来看跨帖子的搜索是否守住上限的设置，以及别的种种情形。" * 3
    entries = [PostEntry(post_number(0, 0, k), 0, "p", "t", str(k), None, None, text,
                         ((0, len(text), 0, len(text)),), ()) for k in range(3)]
    every = postings(entries, Config())
    assert len(every) and set(every["gpn"].tolist()) == {e.gpn for e in entries}
    assert len(postings(entries, Config(max_post_chars=len(text) - 1))) == 0
    assert set(postings(entries, Config(max_thread_chars=2 * len(text)))["gpn"].tolist()) == {0, 1}
    assert len(postings(entries, Config(min_copy_chars=len(text) + 1))) == 0
