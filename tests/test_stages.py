"""Stages tested alone, not through the whole pipeline: alignment, collapse, flat splitting and
settling, each given its typed input by hand."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from threadclean import Config
from threadclean.find.align import Chain, align
from threadclean.find.atoms import snap
from threadclean.find.collapse import Copy, Found, select, to_first_appearance
from threadclean.find.stream import build_stream
from threadclean.settle import settle
from threadclean.spans import Input, QuoteHeader, Span
from threadclean.split import PlacedCopy, Region, own_pieces
from threadclean.split.flat import split_posts

QUOTE = "办公室工作就是服务,为领导服务,为机关服务,为基层服务。"


# --- alignment -------------------------------------------------------------------------------

def test_align_bridges_a_dropped_character():
    source = "前言。" + QUOTE + "后记"
    target = "回复:" + QUOTE.replace("为机关", "为关") + "赞"
    [chain] = align(source, target, max_gap=4, min_matched=10)
    assert source[chain.source_start : chain.source_end] == QUOTE
    assert target[chain.target_start : chain.target_end] == QUOTE.replace("为机关", "为关")
    assert chain.matched == len(QUOTE) - 1 and chain.similarity > 0.95


def test_align_splits_where_an_edit_is_longer_than_max_gap():
    source = "甲乙丙丁戊己庚辛壬癸" + "子丑寅卯辰巳午未申酉"
    target = "甲乙丙丁戊己庚辛壬癸" + "一二三四五六七八" + "子丑寅卯辰巳午未申酉"
    chains = align(source, target, max_gap=4)
    assert [(c.target_start, c.target_end) for c in chains] == [(0, 10), (18, 28)]


def test_align_finds_nothing_in_unrelated_text():
    assert align("the quick brown fox", "完全不同的文字内容", max_gap=4, min_matched=5) == []


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="abcdef甲乙丙", max_size=40), st.text(alphabet="abcdef甲乙丙", max_size=40),
       st.integers(0, 6))
def test_every_block_of_a_chain_is_exactly_equal_text(source, target, gap):
    """The slow truth: whatever the alignment says is equal is equal, in order, inside its chain."""
    for chain in align(source, target, max_gap=gap):
        assert chain.source_start <= chain.blocks[0][0] and chain.target_start <= chain.blocks[0][1]
        last_s = last_t = -1
        for s, t, n in chain.blocks:
            assert source[s : s + n] == target[t : t + n] and n > 0
            assert s > last_s and t > last_t
            last_s, last_t = s + n - 1, t + n - 1
        assert last_s + 1 == chain.source_end and last_t + 1 == chain.target_end
        assert chain.matched == sum(n for _, _, n in chain.blocks)


# --- collapse --------------------------------------------------------------------------------

def test_a_copy_never_ends_inside_a_word_a_tag_or_an_address():
    text = "the quick brown fox <img src=\"a/b.png\"> https://example.org/x jumps"
    a, b = snap(text, text.index("uick"), text.index("mple.org"))
    assert text[a:b] == " brown fox <img src=\"a/b.png\"> "
    assert snap(text, 5, 7)[0] >= snap(text, 5, 7)[1]  # inside one word: nothing left


def test_two_images_of_one_template_are_not_a_copy_but_one_image_again_is():
    one = '<img src="https://img.example.com/forum/202407/17/142404i7pvxhw6eg17tvr1.jpg" referrerpolicy="x">'
    two = one.replace("142404i7pvxhw6eg17tvr1", "142359oo3x8u39chiv36iu")
    text = one + "甲" + two + "乙" + one
    # the second image aligned with the first: the atoms differ, nothing is left of the copy
    second = Chain(0, len(one), len(one) + 1, 2 * len(one) + 1, len(one) - 22, 0.9,
                   ((0, len(one) + 1, 55), (77, len(one) + 78, len(one) - 77)))
    assert select([Found(second)], min_chars=30, text=text) == []
    third = len(one) + 1 + len(two) + 1
    again = Chain(0, len(one), third, third + len(one), len(one), 1.0, ((0, third, len(one)),))
    [copy] = select([Found(again)], min_chars=30, text=text)
    assert (copy.target_start, copy.target_end) == (third, third + len(one))


def _chain(s0: int, t0: int, n: int) -> Chain:
    return Chain(s0, s0 + n, t0, t0 + n, n, 1.0, ((s0, t0, n),))


def test_select_gives_every_character_to_one_chain_an_explicit_quote_first():
    text = "字" * 400
    unmarked = Found(_chain(0, 200, 100))
    quote = Found(_chain(50, 250, 80), explicit=True, header=QuoteHeader("甲"))
    copies = select([unmarked, quote], min_chars=30, text=text)
    assert [(c.target_start, c.target_end, c.explicit) for c in copies] == [(200, 250, False), (250, 330, True)]


def test_select_leaves_a_short_unmarked_piece_but_keeps_a_short_quote():
    text = "词" * 200
    assert select([Found(_chain(0, 100, 10))], min_chars=30, text=text) == []
    [quote] = select([Found(_chain(0, 100, 10), explicit=True)], min_chars=30, text=text)
    assert (quote.target_start, quote.target_end) == (100, 110)


def test_a_copy_of_a_copy_points_at_the_first_appearance():
    first = Copy(100, 150, 0, 50, 1.0, False, None)  # [100, 150) repeats [0, 50)
    second = Copy(300, 350, 100, 150, 1.0, False, None)  # [300, 350) repeats the copy
    assert [(c.target_start, c.source_start, c.source_end) for c in to_first_appearance([first, second])] == [
        (100, 0, 50), (300, 0, 50)]


# --- flat splitting --------------------------------------------------------------------------

def test_flat_posts_are_lines_and_a_quote_runs_on_to_the_reply():
    text = "第一帖的话\n村夫 发表于 2013-7-11 11:01\n被引的话\n回复的话\n第三帖"
    header = text.index("村夫")
    noise = [Span(header, header + len("村夫 发表于 2013-7-11 11:01"), "quote-header")]
    quote_end = text.index("被引的话") + len("被引的话")
    posts = split_posts(text, noise, {header: quote_end})
    assert [text[a:b] for a, b in posts] == ["第一帖的话", "村夫 发表于 2013-7-11 11:01\n被引的话\n回复的话", "第三帖"]


def test_a_line_of_noise_alone_still_counts_as_its_own_stretch():
    text = "正文\n{:5_108:}\n下一帖"
    noise = [Span(3, 12, "smiley")]
    assert [text[a:b] for a, b in split_posts(text, noise, {})] == ["正文", "{:5_108:}", "下一帖"]


# --- settling --------------------------------------------------------------------------------

def test_settling_reads_a_post_as_the_text_layout_writes_it():
    """A quote leaves a marker where it stood, so text before a quote does not end a line: a
    jammer string there stays, as it does when the layout's text is cleaned again."""
    from threadclean import clean_thread

    raw = "好文5 u4 B' i8 `$ T5 h6 M' t0 `1 ^" + QUOTE + "\n下一行"
    at = raw.index(QUOTE)
    region = Region("2", Input("2", raw, 1000), 0, len(raw), [])
    region.add_copy(PlacedCopy(at, at + len(QUOTE), 0, len(QUOTE), 1.0, True, QuoteHeader("甲")))
    settle([region], Config())
    assert region.noise == []
    pieces, quotes = own_pieces(region)
    own = "".join(piece.text for piece in pieces)
    assert own == raw.replace(QUOTE, "") and quotes == [(at, at + len(QUOTE))]
    as_layout = own.replace("\n", "[quote #1 ¶1]\n", 1)
    assert clean_thread([as_layout]).posts[0].removed == ()


def test_settling_collapses_a_repeat_that_only_shows_once_noise_is_out():
    long = QUOTE + "参谋部永远是第一位的。"
    first = Input("1", long, 0)
    broken = long[:10] + "{:5_108:}" + long[10:]  # the smiley splits the words: no copy until it is gone
    second = Input("2", broken, len(long))
    regions = [Region("1", first, 0, len(long), []),
               Region("2", second, 0, len(broken), [Span(10, 19, "smiley")])]
    settle(regions, Config())
    [copy] = regions[1].copies
    assert (copy.start, copy.end, copy.source_start) == (0, len(broken), 0)


def test_settling_a_clean_thread_changes_nothing():
    regions = [Region("1", Input("1", "只是一句话", 0), 0, 5, [])]
    settle(regions, Config())
    assert regions[0].copies == [] and regions[0].noise == []


# --- find/exact: exact repeats, against an all-pairs oracle -----------------------------------

_CODE = ['@set ^"n=^^^%lf%%lf%^%lf%%lf%^<nul ^^"', "setlocal enabledelayedexpansion & echo on",
         "total used free shared buff/cache available", "x y", "q"]


@settings(max_examples=80, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_CODE), min_size=1, max_size=4), min_size=1, max_size=5))
def test_exact_repeats_against_all_pairs(posts):
    """Every character the pass marks repeats an earlier post exactly, and every stretch of an
    earlier post's text of min_copy_chars or more that a later post holds is marked."""
    from threadclean.find.exact import exact_repeats

    segments, base = [], 0
    for lines in posts:
        text = " | ".join(lines)
        segments.append([(base, text)])
        base += len(text) + 10
    stream = build_stream(segments)
    text = stream.text
    found = exact_repeats(stream, Config())
    marked = set()
    for f in found:
        c = f.chain
        assert text[c.source_start:c.source_end] == text[c.target_start:c.target_end]
        assert stream.segment_at(c.source_start) < stream.segment_at(c.target_start)
        marked |= set(range(c.target_start, c.target_end))
    least = Config().min_copy_chars
    for k, (lo, hi) in enumerate(stream.bounds):  # the oracle: every window against every earlier post
        earlier = [text[a:b] for a, b in stream.bounds[:k]]
        for i in range(lo, hi - least + 1):
            window = text[i:i + least]
            if any(window in e for e in earlier):
                assert set(range(i, i + least)) <= marked, (k, window)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 6), min_size=1, max_size=60))
def test_each_runs_earliest_equal_against_a_dictionary(values):
    from threadclean.find.exact import _earliest

    seen: dict[int, int] = {}
    oracle = [seen.setdefault(v, i) for i, v in enumerate(values)]
    assert _earliest(np.asarray(values, dtype=np.uint64)).tolist() == oracle


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="ab\x00", max_size=40), st.integers(0, 40), st.integers(0, 40), st.booleans())
def test_agreeing_lengths_against_a_step_by_step_walk(text, source, target, backward):
    from threadclean.find.exact import _agreeing

    source, target = min(source, len(text)), min(target, len(text))
    most = min(source, target) if backward else len(text) - max(source, target)
    n = 0
    while n < most and (text[source - n - 1] == text[target - n - 1] if backward
                        else text[source + n] == text[target + n]):
        n += 1
    assert _agreeing(text, source, target, most, backward=backward) == n
