"""An HTML page that shows what cleaning did to a thread: every post as it was posted, its noise
struck through and labelled by kind, each collapsed copy a link to the passage it repeats, and
each such passage naming who quoted it.

The page is one self-contained file (its CSS and script inline, no network). It is drawn from a
``threadclean/1`` document alone: the raw posts come back through ``rebuild``. Threads longer
than one page of posts keep each page in a ``<template>`` and draw it when it is shown, so a
10,000-post thread opens as fast as a short one.
"""

from __future__ import annotations

import html
import itertools
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from importlib import resources
from typing import Any

import regex

from ..errors import ConfigError, FormatError
from ..rebuild import document_of, rebuild

PAGE_SIZE = 200  # posts drawn at a time
_TOOLTIP_CHARS = 300  # of the quoted passage, in a copy's tooltip
_MIN_CANON = 2  # a first appearance shorter than this is not highlighted (a lone character says nothing)
_TAGS = regex.compile(r"<[^<>]*+>")  # a tag, for a tooltip that shows text

# Each kind has a colour (Okabe-Ito, safe for colour-blind readers) and its name as a label.
_COLOURS = ["#E69F00", "#56B4E9", "#009E73", "#CC79A7", "#0072B2", "#D55E00", "#999999", "#F0E442"]


def _asset(name: str) -> str:
    return resources.files("threadclean.report").joinpath(f"assets/{name}").read_text(encoding="utf-8")


def render_report(result: Mapping[str, Any] | Any, *, page_size: int = PAGE_SIZE, source: str | None = None,
                  thread_pages: Mapping[tuple[str, str], str] | None = None) -> str:
    """The report page of a cleaned thread (a ``CleanResult`` or its ``to_dict()``).

    >>> from threadclean import clean_text
    >>> page = render_report(clean_text("你好{:soso_e121:}\\n你好{:soso_e121:}"))
    >>> page.startswith("<!DOCTYPE html>") and 'data-kind="smiley"' in page
    True

    ``thread_pages`` names the report page of other threads by their ``(path, id)``: a copy found
    across threads links to its source there.
    """
    if isinstance(page_size, bool) or not isinstance(page_size, int) or page_size < 1:
        raise ConfigError(f"page_size: give a whole number of posts, 1 or more, not {page_size!r}")
    doc = document_of(result)
    inputs = rebuild(doc)
    try:
        return _render(doc, inputs, page_size, source, thread_pages or {})
    except (KeyError, TypeError, AttributeError, IndexError, ValueError) as e:  # a document edited by hand
        raise FormatError(f"not a threadclean/1 document: {type(e).__name__} {e}") from None


def _render(doc: Mapping[str, Any], inputs: dict[str | None, str], page_size: int, source: str | None,
            thread_pages: Mapping[tuple[str, str], str]) -> str:
    posts = doc.get("posts", [])
    quotes = [(post, q) for post in posts for q in post.get("quotes", [])]
    canon: dict[str, list[tuple[int, int, int, str]]] = defaultdict(list)  # post id -> source ranges
    for n, (post, q) in enumerate(quotes):
        if q.get("source") and not q.get("thread"):  # a source in another thread is marked on its page
            canon[q["post"]].append((q["source"]["start"], q["source"]["end"], n, post["id"]))
    by_id = {p["id"]: p for p in posts}
    kinds = _kinds(doc)
    colour = {k: _COLOURS[i % len(_COLOURS)] for i, k in enumerate(kinds)}
    numbers = {id(q): n for n, (_, q) in enumerate(quotes)}
    bodies = [_post(p, inputs, canon.get(p["id"], []), numbers, by_id, thread_pages) for p in posts]
    pages = [bodies[i : i + page_size] for i in range(0, len(bodies), page_size)] or [[]]
    where: dict[str, int] = {}
    for k, page_posts in enumerate(range(0, len(posts), page_size)):
        for p in posts[page_posts : page_posts + page_size]:
            where[f"p{p['id']}"] = k
    for n, (post, q) in enumerate(quotes):
        where[f"q{n}"] = where[f"p{post['id']}"]
        if q.get("source") and not q.get("thread"):
            where[f"c{n}"] = where.get(f"p{q['post']}", 0)
    title = doc.get("title") or source or "thread"
    css = _asset("report.css") + "".join(
        f'.k-{_css_name(k)}{{--kind:{c}}}' for k, c in colour.items())
    parts = [
        "<!DOCTYPE html>",
        '<html lang="zh"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>threadclean: {html.escape(title)}</title><style>{css}</style></head><body>",
        f'<header class="summary"><h1>{html.escape(title)}</h1>',
        _figures(doc, source),
        _legend(doc, kinds),
        _VIEWS,
        "</header>",
    ]
    if len(pages) == 1:
        parts.append(f'<main id="thread">{"".join(pages[0])}</main>')
    else:
        parts.append('<nav class="pager" aria-label="pages"></nav><main id="thread"></main>')
        parts += [f'<template id="page{k}">{"".join(page)}</template>' for k, page in enumerate(pages)]
        parts.append('<nav class="pager" aria-label="pages"></nav>')
    # "<", ">" and "&" as JSON escapes: no "</script>" or "<!--" an id holds reaches the HTML tokenizer
    data = json.dumps({"pages": len(pages), "where": where}, ensure_ascii=False)
    data = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    parts.append(f'<script type="application/json" id="report-data">{data}</script>')
    parts.append(f"<script>{_asset('report.js')}</script></body></html>")
    return "\n".join(parts)


def _css_name(kind: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in kind)


def _kinds(doc: Mapping[str, Any]) -> list[str]:
    found = {r["kind"] for r in doc.get("removed", [])}
    found |= {r["kind"] for p in doc.get("posts", []) for r in p.get("removed", [])}
    return sorted(found)


def _figures(doc: Mapping[str, Any], source: str | None) -> str:
    stats = doc.get("stats", {})
    chars_in, chars_out = stats.get("chars_in", 0), stats.get("chars_out", 0)
    removed = stats.get("removed", {})
    noise = sum(f["chars"] for k, f in removed.items() if k != "separator")
    rows = [
        ("posts", f"{stats.get('posts', 0):,}"),
        ("characters in", f"{chars_in:,}"),
        ("characters out", f"{chars_out:,}" + (f" ({chars_out / chars_in:.0%})" if chars_in else "")),
        ("copies collapsed", f"{stats.get('quotes', 0):,} ({stats.get('chars_quoted', 0):,} characters)"),
        ("noise removed", f"{noise:,} characters"),
    ]
    if source:
        rows.insert(0, ("input", source))
    cells = "".join(f'<div{" class=wide" if k == "input" else ""}><dt>{html.escape(k)}</dt><dd>{html.escape(v)}</dd>'
                    "</div>" for k, v in rows)
    return f'<dl class="figures">{cells}</dl>'


# What each kind is, as the legend says it (a reviewer should not need docs/noise.md open).
KIND_MEANING = {
    "bom": "the byte-order mark at a file's start",
    "invisible": "characters no reader sees (zero-width spaces, soft hyphens, NUL)",
    "jammer": "Discuz's anti-copy strings of random pairs",
    "hidden-marker": "markers of hidden or paid content",
    "smiley": "smiley codes such as {:soso_e121:}",
    "quote-image": "the image that opens a quote",
    "quote-truncation": "the ' ...' that marks a quote cut short",
    "edit-note": "'last edited by' notes",
    "quote-header": "who wrote a quote and when",
    "markup": "tags and markup of the forum's page",
    "signature": "the poster's signature",
    "attachment": "attachment lines",
    "moderation": "notices of moderators or of a post hidden",
    "rating": "ratings and scores given to a post",
    "quote-mark": "the '>' that marks a quoted line",
    "chrome": "the forum's page around the posts",
    "entity": "an HTML entity, read as its character",
    "boilerplate": "lines repeated across the posts of a thread no engine knows",
    "post-header": "a post's own header line (author, floor, time), which the result keeps as fields",
    "separator": "space between posts",
}


def _legend(doc: Mapping[str, Any], kinds: Sequence[str]) -> str:
    removed = doc.get("stats", {}).get("removed", {})
    items = [
        f'<li class="k-{_css_name(k)}"><del class="noise" data-kind="{html.escape(k)}">{html.escape(k)}</del> '
        f'{html.escape(KIND_MEANING.get(k, "noise"))}: '
        f'{removed.get(k, {}).get("count", 0):,} × ({removed.get(k, {}).get("chars", 0):,} characters)</li>'
        for k in kinds
    ]
    items.append('<li><a class="copy marked"><span class="copy-label">quote of #N</span></a> a quote the forum '
                 "marked, collapsed: follow it to where the words first appeared</li>")
    items.append('<li><a class="copy found"><span class="copy-label">repeat of #N</span></a> a repeat threadclean '
                 "found with no quote marking it (pasted or reposted)</li>")
    items.append('<li><span class="canon">first appearance</span> of words repeated later, with who repeated '
                 "them</li>")
    return f'<section class="legend" aria-label="legend"><h2>Legend</h2><ul id="legend">{"".join(items)}</ul></section>'


_VIEWS = (
    '<div class="views" role="group" aria-label="view">'
    '<label><input type="checkbox" id="view-clean"> cleaned text only</label>'
    '<label><input type="checkbox" id="hide-markup"> hide markup</label></div>'
)


def _post(
    post: Mapping[str, Any], inputs: Mapping[str | None, str], canon: list[tuple[int, int, int, str]],
    numbers: Mapping[int, int], by_id: Mapping[str, Any], thread_pages: Mapping[tuple[str, str], str],
) -> str:
    origin = post["origin"]
    raw = inputs.get(origin["input"], "")
    start, end = origin["start"], origin["end"]
    marks: list[tuple[int, int, str, Any]] = []
    marks += [(r["origin"]["start"], r["origin"]["end"], "noise", r["kind"]) for r in post.get("removed", [])]
    marks += [(q["origin"]["start"], q["origin"]["end"], "copy", q) for q in post.get("quotes", [])]
    # a first appearance of one character is no passage to show (its anchor and badge stay)
    marks += [(a, b, "canon", (n, who)) for a, b, n, who in canon if b - a >= _MIN_CANON]
    cuts = sorted({start, end, *(x for a, b, _, _ in marks for x in (a, b) if start <= x <= end)})
    out: list[str] = []
    open_copy: Any = None
    anchors: dict[int, list[int]] = defaultdict(list)
    badges: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for a, b, n, who in canon:
        anchors[a].append(n)
        badges[b].append((n, who))
    pending: list[str] = []  # "repeated in" badges hold links: never inside a copy's link
    for a, b in itertools.pairwise(cuts):
        out += [f'<span class="anchor" id="c{n}"></span>' for n in anchors.pop(a, [])]
        active = [m for m in marks if m[0] <= a and b <= m[1]]
        copy = next((m[3] for m in active if m[2] == "copy"), None)
        if copy is not open_copy:
            if open_copy is not None:
                out.append("</a>")
                out += pending
                pending = []
            if copy is not None:
                out.append(_copy_open(copy, numbers[id(copy)], by_id, thread_pages))
            open_copy = copy
        noise = [m[3] for m in active if m[2] == "noise"]
        text = html.escape(raw[a:b])
        classes = " canon" if any(m[2] == "canon" for m in active) else ""
        if noise:
            kind = noise[-1]
            out.append(f'<del class="noise k-{_css_name(kind)}{classes}" data-kind="{html.escape(kind)}">{text}</del>')
        elif classes:
            out.append(f'<span class="{classes.strip()}">{text}</span>')
        else:
            out.append(text)
        if b in badges:
            pending.append(_badge(badges.pop(b)))
        if open_copy is None:
            out += pending
            pending = []
    if open_copy is not None:
        out.append("</a>")
    out += pending + [_badge(badges[b]) for b in sorted(badges)]
    who = " · ".join(html.escape(x) for x in (post.get("author"), post.get("time")) if x)
    return (f'<article class="post" id="p{html.escape(post["id"])}"><h3><a href="#p{html.escape(post["id"])}">'
            f'#{html.escape(post["id"])}</a> {who}</h3><div class="body">{"".join(out)}</div></article>')


def _copy_open(q: Mapping[str, Any], n: int, by_id: Mapping[str, Any],
               thread_pages: Mapping[tuple[str, str], str]) -> str:
    if q.get("thread"):  # a repeat of words that first stood in another thread of the archive
        other = q["thread"]
        where = f"{other['id']} ({other['path']})"
        tip = (f"repeat of #{q['post']} in thread {where}" + (f" by {q['author']}" if q.get("author") else "")
               + f", similarity {q['similarity']:.2f}\n" + _readable(q["text"])[:_TOOLTIP_CHARS])
        page = thread_pages.get((other["path"], other["id"]))
        href = f' href="{html.escape(page)}#p{html.escape(q["post"])}"' if page else ""
        return (f'<a class="copy found across" id="q{n}"{href} data-post="{html.escape(q["post"])}" '
                f'data-thread="{html.escape(str(other["id"]))}" data-similarity="{q["similarity"]:.2f}" '
                f'title="{html.escape(tip)}"><span class="copy-label">repeat of #{html.escape(q["post"])} '
                f'in thread {html.escape(str(other["id"]))}</span>')
    if not q.get("source"):  # a quote of words whose post is not in the thread
        whose = q.get("author") or "someone"
        tip = f"quote of {whose}, whose post is not in this thread\n" + _readable(q["text"])[:_TOOLTIP_CHARS]
        return (f'<a class="copy outside" id="q{n}" data-similarity="0" title="{html.escape(tip)}">'
                f'<span class="copy-label">quote of {html.escape(whose)} (not in this thread)</span>')
    src = by_id.get(q["post"], {})
    whose = src.get("author") or q.get("author") or ""
    marked = bool(q.get("explicit"))
    label = f"{'quote' if marked else 'repeat'} of #{q['post']}"
    tip = (label + (f" by {whose}" if whose else "") + f", similarity {q['similarity']:.2f}"
           + ("" if marked else ", no quote marked it") + "\n" + _readable(q["text"])[:_TOOLTIP_CHARS])
    return (f'<a class="copy {"marked" if marked else "found"}" id="q{n}" href="#c{n}" '
            f'data-post="{html.escape(q["post"])}" data-similarity="{q["similarity"]:.2f}" title="{html.escape(tip)}">'
            f'<span class="copy-label">{html.escape(label)}</span>')


def _readable(text: str) -> str:
    """A passage as a tooltip shows it: its entities read (an escaped ``&quot;`` is a quote mark,
    not the six characters twice escaped) and its tags out.

    >>> _readable('<a href="x">he said &quot;hi&quot;</a>')
    'he said "hi"'
    """
    return html.unescape(_TAGS.sub("", text))


def _badge(quoters: list[tuple[int, str]]) -> str:
    first: dict[str, int] = {}  # each post that repeated the words once, at its first repeat
    for n, who in quoters:
        first.setdefault(who, n)
    links = ", ".join(f'<a href="#q{n}">#{html.escape(who)}</a>' for who, n in first.items())
    return f'<span class="quoted-by">repeated in {links}</span>'


def render_index(pages: Iterable[Mapping[str, Any]], batch: Mapping[str, Any]) -> Iterator[str]:
    """The index page of a batch's reports, piece by piece (an archive may have millions)."""
    yield ('<!DOCTYPE html><html lang="zh"><head><meta charset="utf-8">'
           '<meta name="viewport" content="width=device-width, initial-scale=1">'
           f'<title>threadclean: batch report</title><style>{_asset("report.css")}</style></head><body>'
           '<header class="summary"><h1>Batch report</h1>')
    figures = [("threads", batch.get("threads", 0)), ("failed", batch.get("failed", 0)),
               ("posts", batch.get("posts", 0)), ("characters in", batch.get("chars_in", 0)),
               ("characters out", batch.get("chars_out", 0)),
               ("copies collapsed", batch.get("quotes", 0))]
    yield '<dl class="figures">' + "".join(f"<div><dt>{k}</dt><dd>{v:,}</dd></div>" for k, v in figures) + "</dl>"
    yield '</header><main><table class="index"><thead><tr><th>thread</th><th>read by</th><th>posts</th>'
    yield "<th>characters in</th><th>out</th><th>copies</th></tr></thead><tbody>"
    for p in pages:
        name = html.escape(f"{p['path']} · {p['id']}" + (f" · {p['title']}" if p.get("title") else ""))
        reader = html.escape(p.get("reader") or "")
        yield (f'<tr><td><a href="{html.escape(p["file"])}">{name}</a></td><td>{reader}</td><td>{p["posts"]:,}</td>'
               f'<td>{p["chars_in"]:,}</td><td>{p["chars_out"]:,}</td><td>{p["quotes"]:,}</td></tr>')
    yield "</tbody></table>"
    for e in batch.get("errors", []):
        where = f" line {e['line']}" if e.get("line") else ""
        yield f'<p class="error">error: {html.escape(e["path"] + where)}: {html.escape(e["reason"])}</p>'
    yield "</main></body></html>"
