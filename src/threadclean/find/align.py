"""Phase 2 of the repeat finder: align a candidate against its source, exactly.

A candidate pair only says two windows look alike. Alignment (an LCS alignment from RapidFuzz,
bit-parallel and linear in memory per row) finds which characters of the later text really
repeat the earlier one, so a copy's boundaries are exact even when it was cut mid-word, and
small edits (a dropped or doubled character) do not split it.

This is the only module that imports rapidfuzz.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz.distance import Indel

_MIN_EDGE_BLOCK = 3  # a chain does not start or end on a match shorter than this (stray '的', ',')


@dataclass(frozen=True, slots=True)
class Chain:
    """``target[target_start:target_end]`` repeats ``source[source_start:source_end]``.

    ``blocks`` are the exactly equal runs ``(source offset, target offset, length)`` inside it;
    ``matched`` is their total length and ``similarity`` the Indel similarity of the two spans.
    """

    source_start: int
    source_end: int
    target_start: int
    target_end: int
    matched: int
    similarity: float
    blocks: tuple[tuple[int, int, int], ...]

    def shifted(self, source_base: int, target_base: int) -> Chain:
        """The same chain with offsets moved into a larger text."""
        return Chain(
            self.source_start + source_base,
            self.source_end + source_base,
            self.target_start + target_base,
            self.target_end + target_base,
            self.matched,
            self.similarity,
            tuple((s + source_base, t + target_base, n) for s, t, n in self.blocks),
        )


def similarity(a: str, b: str) -> float:
    """Indel similarity of two strings, 0 to 1 (1 for two empty strings)."""
    return float(Indel.normalized_similarity(a, b))


def _extend_edges(chain: list[tuple[int, int, int]], source: str, target: str) -> None:
    """The chain's first block grown back and its last grown on while the two texts still agree:
    a longest common subsequence may spend the first letters of a run elsewhere ("It could" read
    as "t could", its "i" matched earlier), and a copy's edge is where they stop agreeing."""
    s, t, n = chain[0]
    while s > 0 and t > 0 and source[s - 1] == target[t - 1]:
        s, t, n = s - 1, t - 1, n + 1
    chain[0] = (s, t, n)
    s, t, n = chain[-1]
    while s + n < len(source) and t + n < len(target) and source[s + n] == target[t + n]:
        n += 1
    chain[-1] = (s, t, n)  # growing back and on, the edges never reach the blocks between them


def align(source: str, target: str, *, max_gap: int, min_matched: int = 1) -> list[Chain]:
    """The runs of ``target`` that repeat ``source``, as chains of equal blocks.

    Consecutive equal blocks belong to one chain while the edit between them is at most
    ``max_gap`` characters on each side. Chains matching fewer than ``min_matched``
    characters are left out.

    >>> [(c.source_start, c.target_start, c.target_end) for c in align("xxabcdefgyy", "abcXdefgzz", max_gap=2)]
    [(2, 0, 8)]
    """
    if not source or not target:
        return []
    # the longest common subsequence bounds what any chain can match, and costs a fraction of
    # the alignment: most candidate regions share only scattered characters and stop here
    most = len(source) + len(target) - 2 * min_matched
    if most < 0 or Indel.distance(source, target, score_cutoff=most) > most:
        return []
    blocks = [(b.a, b.b, b.size) for b in Indel.opcodes(source, target).as_matching_blocks() if b.size]
    chains: list[list[tuple[int, int, int]]] = []
    for block in blocks:
        if chains:
            s, t, n = chains[-1][-1]
            if block[0] - (s + n) <= max_gap and block[1] - (t + n) <= max_gap:
                chains[-1].append(block)
                continue
        chains.append([block])
    out = []
    for chain in chains:
        while len(chain) > 1 and chain[0][2] < _MIN_EDGE_BLOCK:
            chain.pop(0)
        while len(chain) > 1 and chain[-1][2] < _MIN_EDGE_BLOCK:
            chain.pop()
        _extend_edges(chain, source, target)
        matched = sum(n for _, _, n in chain)
        if matched < min_matched:
            continue
        s0, t0, _ = chain[0]
        s1, t1, n1 = chain[-1]
        out.append(
            Chain(
                s0, s1 + n1, t0, t1 + n1,
                matched,
                similarity(source[s0 : s1 + n1], target[t0 : t1 + n1]),
                tuple(chain),
            )
        )
    return out
