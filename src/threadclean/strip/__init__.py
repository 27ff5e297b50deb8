"""Stage 2, strip: each input's raw text to its noise spans (nothing is cut here).

``detect_noise`` runs the chosen detectors until they find nothing more (taking one detector's
finds out of the text can reveal another's: a jammer string that stood before a smiley code ends
its line once the smiley is gone) and returns spans into the raw text. The built-in detectors
are in ``detectors``; an engine brings its own for what its format alone writes.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from functools import lru_cache
from typing import NamedTuple

from ..spans import Detector, Span, TextView, keep_disjoint, overlaps_any
from . import bbcode, html, lines, markdown
from .detectors import (
    find_bom,
    find_copy_buttons,
    find_edit_notes,
    find_hidden_markers,
    find_invisible,
    find_jammer,
    find_move_notes,
    find_quote_headers,
    find_quote_images,
    find_quote_truncations,
    find_signature_rules,
    find_smileys,
)

#: The detector of each noise kind.
DETECTORS: dict[str, Detector] = {
    "bom": find_bom,
    "invisible": find_invisible,
    "jammer": find_jammer,
    "hidden-marker": find_hidden_markers,
    "smiley": find_smileys,
    "quote-image": find_quote_images,
    "quote-truncation": find_quote_truncations,
    "edit-note": find_edit_notes,
    "quote-header": find_quote_headers,
    "chrome": find_copy_buttons,
    "moderation": find_move_notes,
    "signature": find_signature_rules,
}

_MAX_PASSES = 4  # each pass can only uncover what the one before took out; two nearly always do

#: Text that every match of a detector contains: where none of it stands, the detector is not
#: run (most posts hold no header, smiley or note, and a detector call costs more than a look).
#: tests/test_noise.py checks each detector finds nothing on text without its triggers.
TRIGGERS: dict[Detector, tuple[str, ...]] = {
    # a jammer pair is a character and a space; the site variants all name 1point3acres or hold a space
    find_jammer: (" ", "1point3acres"),
    find_hidden_markers: ("Hidden Message", "本内容被作者隐藏", "本帖隐藏", "游客"),
    find_smileys: ("{:",),
    find_quote_images: ("back.gif",),
    find_quote_truncations: (" ...",),
    find_edit_notes: ("本帖最后由",),
    find_quote_headers: ("发表于", "原帖由"),
    find_copy_buttons: ("复制链接", "复制代码"),
    find_move_notes: ("本主题由",),
    find_invisible: ("\u200b", "\u200c", "\u200d", "\u2060", "\u00ad", "\ufeff", "\x00"),
    find_signature_rules: ("﹍﹍﹍",),
    # the dialects' (see dialects.py)
    html.find_markup: ("<",),
    html.find_entities: ("&",),
    html.find_smiley_images: ("<img", "<IMG"),
    html.find_quote_link_images: ("back.gif",),
    html.find_hidden_jammer: ("jammer", "display"),
    html.find_quote_boxes: ("<blockquote", "<BLOCKQUOTE", "quote", "bbc-block"),
    lines.find_quote_marks: (">",),
    lines.find_quote_blocks: (">",),
    bbcode.find_tags: ("[",),
    bbcode.find_smileys: ("[s:",),
    bbcode.find_quote_openings: ("[quote", "[QUOTE", "[Quote"),
    markdown.find_link_syntax: ("](",),
    markdown.find_image_syntax: ("](",),
    markdown.find_emphasis: ("**", "__", "~~"),
}
# every trigger once; one inside another ("<" in "<img") must still be seen (see the scan below)
_ALL_TRIGGERS = tuple(sorted({t for ts in TRIGGERS.values() for t in ts}))
# One scan finds the triggers: an alternation, longest first, matched without overlap. A match
# hides the triggers it holds (``<`` in ``<img``, ``quote`` in ``[quote``), which are added from
# the match; a trigger could also start inside a match and run past it (a match's end that is
# another trigger's start): where a match could hide one so, every trigger is looked for alone.
_TRIGGER_SCAN = re.compile("|".join(re.escape(t) for t in sorted(_ALL_TRIGGERS, key=lambda t: (-len(t), t))))
_HELD = {t: frozenset(u for u in _ALL_TRIGGERS if u in t) for t in _ALL_TRIGGERS}
_OVERHANG = frozenset(t for t in _ALL_TRIGGERS if any(
    u != t and u.startswith(t[k:]) and u != t[k:] for u in _ALL_TRIGGERS for k in range(1, len(t))))


def _triggers_in(text: str) -> set[str]:
    """The triggers that stand in ``text``, as ``{t for t in _ALL_TRIGGERS if t in text}``.

    >>> sorted(_triggers_in("a <img src> and {:smile:}"))
    [' ', '<', '<img', '>', '{:']
    """
    matched = set(_TRIGGER_SCAN.findall(text))
    if matched & _OVERHANG:
        return {t for t in _ALL_TRIGGERS if t in text}
    return set().union(*(_HELD[t] for t in matched))


class _Plan(NamedTuple):
    """The detectors of a choice of kinds, in the order they run, and which to run for a text."""

    detectors: tuple[Detector, ...]
    always: frozenset[int]  # those with no triggers: they run on every text
    by_trigger: dict[str, frozenset[int]]  # a trigger → the detectors it lets run
    truncations: int | None  # where find_quote_truncations stands (it reads another view)

    def to_run(self, present: set[str]) -> set[int]:
        """The detectors whose triggers stand in a text holding the triggers ``present``."""
        out = set(self.always)
        for t in present:
            out |= self.by_trigger.get(t, frozenset())
        return out


@lru_cache(maxsize=64)
def _chosen(kinds: frozenset[str], extra: tuple[tuple[str, Detector], ...]) -> _Plan:
    """The detectors of ``kinds`` (built-in, then an engine's own), with their triggers."""
    detectors = [DETECTORS[k] for k in DETECTORS if k in kinds]
    detectors += [d for k, d in extra if k in kinds and d not in detectors]
    by_trigger: dict[str, set[int]] = {}
    for i, d in enumerate(detectors):
        for t in TRIGGERS.get(d) or ():
            by_trigger.setdefault(t, set()).add(i)
    always = frozenset(i for i, d in enumerate(detectors) if TRIGGERS.get(d) is None)
    where = detectors.index(find_quote_truncations) if find_quote_truncations in detectors else None
    return _Plan(tuple(detectors), always, {t: frozenset(v) for t, v in by_trigger.items()}, where)


def detect_noise(
    text: str,
    kinds: Collection[str],
    *,
    protected: Iterable[Span] = (),
    extra: Mapping[str, Detector] | Sequence[tuple[str, Detector]] | None = None,
) -> list[Span]:
    """Every noise span of the given kinds in ``text``, sorted and disjoint.

    ``protected`` spans (quote markers of threadclean's own layout) are never noise: they stay
    in the text the detectors read, and nothing that touches them is taken out. ``extra`` adds
    a dialect's and an engine's own detectors, as ``(kind, detector)`` pairs (or a mapping by
    kind); they run when their kind is chosen, like the others, after the built-in ones.
    """
    keep = sorted(protected)
    pairs = tuple(extra.items()) if isinstance(extra, Mapping) else tuple(extra or ())
    plan = _chosen(kinds if isinstance(kinds, frozenset) else frozenset(kinds), pairs)
    found: list[Span] = []
    for _ in range(_MAX_PASSES):
        # a cut quote's " ..." is found by looking back to its header, so that detector reads
        # the text with the headers still in; the others read it with everything found taken out
        view = TextView(text, found)
        kept_headers = [s for s in found if s.kind != "quote-header"]
        header_view = TextView(text, kept_headers) if len(kept_headers) < len(found) else view
        run = plan.to_run(_triggers_in(view.text))  # the triggers of each view are read once
        if plan.truncations is not None and header_view is not view:
            run.discard(plan.truncations)
            if plan.truncations in plan.to_run(_triggers_in(header_view.text)):
                run.add(plan.truncations)
        fresh: list[Span] = []
        for i in sorted(run):
            read = header_view if i == plan.truncations else view
            for span in plan.detectors[i](read.text):
                fresh.extend(read.raw_spans(span.start, span.end, span.kind, span.header, span.replacement))
        if not fresh:
            break
        fresh = [s for s in fresh if not overlaps_any(s, found) and not overlaps_any(s, keep)]
        merged = keep_disjoint(found + fresh)
        if len(merged) == len(found):
            break
        found = merged
    return found
