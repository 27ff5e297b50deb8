"""The stages in order, in one function, and the entry points that adapt each input shape to it.

::

    read → strip → split → find → settle → assemble

``clean_text``, ``clean_thread``, ``clean_pages`` and ``clean_file`` each turn their input into
a ``Reading`` (the inputs the offsets index, and where the posts lie when that is known before
the search) and hand it to ``_clean``, which runs the stages.
"""

from __future__ import annotations

import bisect
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import IO, Any, NamedTuple

import regex

from . import patterns as p
from .assemble import build_result, outside_posts
from .config import DIALECTS, Config
from .errors import ArgumentError, ConfigError, FormatError, InputError
from .find import Header, Sketches, find_copies, new_search
from .find.stream import Segment, Stream, build_stream, first_quote_end, quote_ends, split_at
from .perf import collector_paused, count, phase
from .read import Thread, read_bytes
from .read.engines import Dump, Engine, Page, PagePost, PostSpan, by_name, find_for_posts
from .read.engines import find as find_engine
from .read.generic import read_structure
from .read.generic_page import looks_like_page, read_page
from .result import CleanResult, Removal
from .settle import settle
from .spans import Detector, Input, Span, gaps, keep_disjoint, overlaps_any, read_pieces
from .split import Region, place_copies
from .split.flat import split_posts
from .split.limits import searchable, unsearched_lines
from .strip import detect_noise, dialects
from .strip.boilerplate import find_boilerplate

_DEFAULT = Config()

#: What ``clean_file`` reads: a path, a file's bytes, or a binary file open for reading.
FileSource = str | os.PathLike[str] | bytes | IO[bytes]


@dataclass(frozen=True)
class Reading:
    """A thread as the stages take it: the inputs its offsets index, and, where they are known
    before the search, its posts (per input; None: a flat dump, split after the search)."""

    inputs: list[Input]
    posts: list[list[PostSpan]] | None = None
    structure: list[list[Span]] = field(default_factory=list)  # per input: post headers, separators
    engine: Engine | None = None  # its detectors, and where its quote boxes close
    dialect: str | None = "text"  # the markup of the bodies (strip.dialects); None: no markup at all
    reader: str = "flat"  # what read it: an engine's name, "generic" (template lines), "flat", "posts"
    guess: str | None = None  # what the reader had to guess, in a sentence (no engine knew the format)
    renamed: str | None = None  # the ids the reader had to change to keep them distinct, in a sentence
    whole_files: bool = True  # the inputs are whole files (a byte-order mark may open one), not post bodies
    title: str | None = None
    id: str | None = None


def clean_text(
    text: str,
    *,
    config: Config | None = None,
    title: str | None = None,
    id: str | None = None,
    engine: str | None = "auto",
    dialect: str | None = "auto",
) -> CleanResult:
    """Clean one thread given as one text: a flat dump, or a dump format an engine reads.

    ``engine`` names the format (see ``threadclean.read.engines``); ``"auto"`` tells it from the
    text, and None reads a flat dump whatever the text looks like. Offsets in the result index
    ``text`` itself (``input`` is None), except for a saved page, whose inputs are its posts'
    bodies as the HTML parser writes them (``input`` is the post's id on the page).

    >>> quote = "办公室工作就是服务,为领导服务,为机关服务,为基层服务。参谋部永远是第一位的。"
    >>> result = clean_text("楼主说得好," + quote + "\\n" + quote + "{:soso_e121:}赞同")
    >>> result.posts[0].text == "楼主说得好," + quote
    True
    >>> [(q.post, q.text == quote) for q in result.posts[1].quotes], result.posts[1].text
    ([('1', True)], '赞同')
    """
    if not isinstance(text, str):
        raise ArgumentError(f"clean_text takes a str, not {type(text).__name__}")
    _names(title, id)
    reading = _read_texts([text], [None], engine, title=title, id=id, dialect=dialect)
    return _clean(reading, _config(config))


def clean_thread(
    posts: Iterable[Mapping[str, Any] | str],
    *,
    config: Config | None = None,
    title: str | None = None,
    id: str | None = None,
    engine: str | None = "auto",
    dialect: str | None = "auto",
) -> CleanResult:
    """Clean a thread given as posts: mappings with ``text`` (and optionally ``id``, ``author``,
    ``time``) or plain strings. A post without an id gets its 1-based position.

    ``engine`` names the format the bodies are in (a Stage1st body a scraper kept is cleaned as
    the Stage1st dump's posts are); ``"auto"`` tells it from the bodies, None reads them with no
    engine's rules. ``dialect`` is the bodies' markup (``html``, ``bbcode``, ``markdown``,
    ``text``; ``"auto"`` tells it from them, None reads no markup at all). Offsets in the result
    index each post's ``text`` (``input`` is the post's id).
    """
    _names(title, id)
    typed = _page_posts(posts)
    rules = find_for_posts([p.text for p in typed]) if engine == "auto" else by_name(engine) if engine else None
    reader = f"posts:{rules.name}" if rules else "posts"  # posts, with the body rules of an engine
    return _clean(_read_posts(typed, title=title, id=id, engine=rules, dialect=dialect, reader=reader),
                  _config(config))


def clean_pages(
    pages: Sequence[str],
    *,
    names: Sequence[str] | None = None,
    config: Config | None = None,
    title: str | None = None,
    id: str | None = None,
    engine: str | None = "auto",
    dialect: str | None = "auto",
) -> CleanResult:
    """Clean one thread saved as several pages, in order, as one thread: a quote on a later page
    collapses into the earlier page it came from.

    Offsets index each page, whose ``input`` is its name in ``names`` (default ``page 1``,
    ``page 2``, ...), or for saved HTML pages each post's body, as with ``clean_text``. The
    format is told from the first page.

    >>> quote = "办公室工作就是服务,为领导服务,为机关服务,为基层服务。参谋部永远是第一位的。"
    >>> result = clean_pages(["楼主说得好," + quote, quote + "\\n赞同"])
    >>> [(p.id, p.origin.input, p.text) for p in result.posts][1:]
    [('2', 'page 2', ''), ('3', 'page 2', '赞同')]
    >>> result.posts[1].quotes[0].post
    '1'
    """
    _names(title, id)
    if isinstance(pages, (str, bytes)) or not isinstance(pages, Iterable):
        raise ArgumentError(f"pages: give a list of pages' texts, not {type(pages).__name__}")
    pages = list(pages)
    if not all(isinstance(page, str) for page in pages):
        raise ArgumentError("pages: each page is a str (decode bytes first, or use clean_file)")
    if names is not None and (isinstance(names, str) or not all(isinstance(n, str) for n in names)):
        raise ArgumentError("names: give a list of str, one per page")
    names = list(names) if names is not None else [f"page {n}" for n in range(1, len(pages) + 1)]
    if len(names) != len(pages) or len(set(names)) != len(names):
        raise ConfigError("names: clean_pages needs one distinct name per page")
    if len(pages) == 1:
        return clean_text(pages[0], config=config, title=title, id=id, engine=engine, dialect=dialect)
    if not pages:
        return _clean(_read_posts([], title=title, id=id, dialect=dialect), _config(config))
    reading = _read_texts(list(pages), list(names), engine, title=title, id=id, dialect=dialect)
    return _clean(reading, _config(config))


def clean_file(
    source: FileSource | Sequence[FileSource],
    *,
    input_format: str = "auto",
    config: Config | None = None,
    name: str | None = None,
    engine: str | None = "auto",
    dialect: str | None = "auto",
) -> CleanResult:
    """Clean one thread from a file (a path, its bytes, or a binary file): the encoding and the
    format are told from the bytes as the command line does (``input_format`` forces a format).
    A list is the files of one thread's pages, in order.

    ``engine`` names the engine whose rules read the posts of a JSON thread (``"auto"``: told
    from their bodies; None: no engine's rules), or the one that reads a text (as
    ``input_format`` does); ``dialect`` forces the bodies' markup (see ``clean_thread``).
    ``name`` is what errors call the input (default: the path, or ``<bytes>``).

    >>> result = clean_file('{"posts": [{"id": "1", "text": "好文{:soso_e121:}"}]}'.encode())
    >>> result.posts[0].text
    '好文'
    """
    sources = list(source) if isinstance(source, Sequence) and not isinstance(source, (str, bytes)) else [source]
    if not sources:
        raise ConfigError("source: clean_file needs a file")
    threads, names = [], []
    for n, one in enumerate(sources):
        data, label = _bytes_of(one)
        label = name if name is not None and n == 0 else label
        threads.append(read_bytes(data, source=label, input_format=input_format, engine=engine, dialect=dialect))
        names.append(label)
    try:
        return clean_read(threads, names=names, config=config)
    except InputError as e:  # a post that is not one, in a file: say which file
        raise (e if e.source else e.located(names[0])) from None


def _bytes_of(source: FileSource) -> tuple[bytes, str]:
    if isinstance(source, bytes):
        return source, "<bytes>"
    if isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)
        try:
            with open(path, "rb") as f:
                return f.read(), path
        except OSError as e:
            raise InputError(e.strerror or str(e), source=path) from None
    if hasattr(source, "read"):
        label = getattr(source, "name", None)
        label = "<stdin>" if label in ("-", "<stdin>", 0) else label if isinstance(label, str) else "<stream>"
        return source.read(), label
    raise ArgumentError(f"clean_file takes a path, bytes or a binary file, not {type(source).__name__}")


def clean_read(threads: Sequence[Thread], *, names: Sequence[str], config: Config | None = None) -> CleanResult:
    """One thread as ``read_bytes`` read it, from one file or from each of its pages."""
    first = threads[0]
    if all(t.text is None for t in threads):
        posts = [post for t in threads for post in t.posts]
        return clean_thread(posts, config=config, title=first.title, id=first.id, engine=first.engine,
                            dialect=first.dialect)
    if any(t.text is None for t in threads):
        raise InputError("the pages of one thread are in different formats (JSON and text)", source=names[0])
    return clean_pages([t.text or "" for t in threads], names=names, config=config, title=first.title, id=first.id,
                       engine=first.engine, dialect=first.dialect)


def _engine(text: str, name: str | None) -> Engine | None:
    """The engine that reads ``text``: the one named, the one whose format it is (``auto``), or
    none (``generic``: no engine, the generic reader; None: no engine, a flat dump)."""
    if name == "auto":
        return find_engine(text)
    return by_name(name) if name and name != GENERIC else None


#: The name that asks for the generic reader (engines off): posts from the dump's own template lines,
#: or for a saved page from its repeated post element.
GENERIC = "generic"
GENERIC_PAGE = "generic-page"


def _read_texts(texts: list[str], names: list[str | None], engine_name: str | None, *, title: str | None,
                id: str | None, dialect: str | None) -> Reading:
    """Texts as an engine reads them (a page's posts, a dump's posts), or with no engine as the
    generic reader reads them (posts between template lines), or as a flat dump."""
    engine = _engine(texts[0], engine_name)
    documents: list[Dump | Page] = [engine.parse(text) for text in texts] if engine else []
    reader, guess = engine.name if engine else "flat", None
    if engine is not None and engine_name not in ("auto", None) and not any(d.posts for d in documents):
        raise FormatError(f"no post found reading it as {engine.name}: the text is not in that format")
    if engine is None and engine_name in ("auto", GENERIC):
        if all(looks_like_page(text) for text in texts):  # saved pages: their repeated post element
            documents, reader = [read_page(text) for text in texts], GENERIC_PAGE
            guess = f"no engine knows this page: read by the generic page reader, {_posts_of(documents)} posts"
        else:
            found = [read_structure(text) for text in texts]
            if all(d is not None for d in found):
                documents, reader = [d for d in found if d is not None], GENERIC
                guess = (f"no engine knows this format: read by the generic reader, {_posts_of(documents)} posts "
                         f"told from header lines such as {_header_example(texts[0], documents[0])!r}")
            else:
                guess = "no format known and no header lines found: read as a flat dump, a post per line"
    if documents and isinstance(documents[0], Page):  # saved pages: all their posts, in order
        posts = [post for d in documents if isinstance(d, Page) for post in d.posts]
        if not posts and guess is None:  # the page's template is the engine's, its posts are not there
            guess = f"read as a {reader} page, but no post was found on it: the result is empty"
        ids, renamed = distinct_ids([post.id for post in posts])
        posts = [replace(post, id=new) for post, new in zip(posts, ids, strict=True)] if renamed else posts
        reading = _read_posts(posts, title=title or documents[0].title, id=id, engine=engine, dialect=dialect,
                              reader=reader)
        return replace(reading, guess=guess, renamed=renamed)
    inputs, base = [], 0
    for name, text in zip(names, texts, strict=True):
        inputs.append(Input(name, text, base))
        base += len(text)
    markup = _dialect(dialect, engine, texts)
    if not documents:
        return Reading(inputs, dialect=markup, reader=reader, guess=guess, title=title, id=id)
    dumps = [d if isinstance(d, Dump) else Dump([]) for d in documents]
    ids, renamed = distinct_ids([post.id for d in dumps for post in d.posts])
    given = iter(ids)
    spans = [[replace(post, id=next(given)) for post in d.posts] for d in dumps]
    return Reading(inputs, spans, [d.structure for d in dumps], engine, markup, reader, guess, renamed,
                   title=title, id=id)


def distinct_ids(ids: Sequence[str]) -> tuple[list[str], str | None]:
    """The ids a reader took from the input, each made distinct (a floor number twice in a dump:
    the later one ``2-2``), and a sentence naming what changed, or None.

    >>> distinct_ids(["1", "2", "2", "2-2", "3"])
    (['1', '2', '2-3', '2-2', '3'], "1 post had an earlier post's id ('2'): renamed '2-3'")
    """
    seen = set(ids)
    if len(seen) == len(ids):
        return list(ids), None
    out, used, changed = [], set(), []
    tried: dict[str, int] = {}  # per id, the suffix to try next: 100,000 posts of one id stay linear
    for post_id in ids:
        if post_id not in used:
            used.add(post_id)
            out.append(post_id)
            continue
        n = tried.get(post_id, 2)
        while f"{post_id}-{n}" in seen or f"{post_id}-{n}" in used:
            n += 1
        tried[post_id] = n + 1
        new = f"{post_id}-{n}"
        used.add(new)
        out.append(new)
        changed.append((post_id, new))
    first, new = changed[0]
    if len(changed) == 1:
        return out, f"1 post had an earlier post's id ({first!r}): renamed {new!r}"
    return out, f"{len(changed)} posts had an earlier post's id (such as {first!r}): renamed (such as {new!r})"


def _posts_of(documents: Sequence[Dump | Page]) -> str:
    return f"{sum(len(d.posts) for d in documents):,}"


def _header_example(text: str, dump: Dump | Page) -> str:
    """The first post header of a dump the generic reader read, its last line, shortened."""
    header = next((s for s in dump.structure if s.kind == "post-header"), None) if isinstance(dump, Dump) else None
    line = text[header.start : header.end].strip().splitlines()[-1].strip() if header else ""
    return line if len(line) <= 80 else line[:77] + "..."


def _dialect(dialect: str | None, engine: Engine | None, texts: Sequence[str]) -> str | None:
    """The dialect asked for, the engine's, or the one the texts show."""
    if dialect != "auto":
        if dialect is not None and dialect not in DIALECTS:
            raise ConfigError(f"dialect: unknown dialect {dialect!r}; known: {', '.join(DIALECTS)}")
        return dialect
    return engine.dialect if engine and engine.dialect else dialects.tell(texts)


def _config(config: Config | None) -> Config:
    """The config given, or the defaults; an ``ArgumentError`` for anything else (``"fast"``, ``{}``)."""
    if config is None:
        return _DEFAULT
    if not isinstance(config, Config):
        raise ArgumentError(f"config: give a threadclean.Config, not {type(config).__name__}")
    return config


def _names(title: Any, id: Any) -> None:
    for name, value in (("title", title), ("id", id)):
        if value is not None and not isinstance(value, str):
            raise ArgumentError(f"{name}: give a str or None, not {type(value).__name__}")


def _page_posts(posts: Iterable[Mapping[str, Any] | str]) -> list[PagePost]:
    """Posts given as mappings (or strings) as typed posts, checked; ids default to positions."""
    if isinstance(posts, (str, bytes)) or not isinstance(posts, Iterable):
        raise ArgumentError(f"posts: give a list of posts, not {type(posts).__name__}")  # "abc" is no 3 posts
    out: list[PagePost] = []
    for n, post in enumerate(posts, 1):
        if isinstance(post, str):
            post = {"text": post}
        if not isinstance(post, Mapping):
            raise InputError(f"a post must be an object with a text, not {type(post).__name__}", where=f"post {n}")
        text = post.get("text")
        if not isinstance(text, str):
            raise InputError("a post needs a \"text\" string", where=f"post {n}")
        pid = str(post["id"]) if post.get("id") is not None else str(n)
        out.append(PagePost(pid, text, _opt_str(post.get("author")), _opt_str(post.get("time"))))
    return out


def _opt_str(value: Any) -> str | None:
    return None if value is None else str(value)


def _read_posts(posts: Sequence[PagePost], *, title: str | None, id: str | None,
                engine: Engine | None = None, dialect: str | None = "auto", reader: str = "posts") -> Reading:
    """Posts whose bodies are the inputs: each one post, known before the search."""
    inputs, known, base = [], [], 0
    seen: set[str] = set()
    for n, post in enumerate(posts, 1):
        if post.id in seen:
            raise InputError(f"two posts have the id {post.id!r}", where=f"post {n}")
        seen.add(post.id)
        inputs.append(Input(post.id, post.text, base, post.author, post.time))
        known.append([PostSpan(post.id, 0, len(post.text), post.author, post.time)])
        base += len(post.text)
    markup = _dialect(dialect, engine, [post.text for post in posts])
    return Reading(inputs, known, engine=engine, dialect=markup, reader=reader, whole_files=False, title=title, id=id)


class _Unit(NamedTuple):
    """What the stream's segments belong to before the search: a known post, or a flat input."""

    base: int  # its input's thread offset
    noise: list[Span]
    author: str | None
    time: str | None
    id: str | None
    raw: str  # its input's text, and where in it the unit ends
    end: int


def _clean(reading: Reading, config: Config) -> CleanResult:
    """Read → strip → split → find → settle → assemble."""
    with collector_paused():
        inputs = reading.inputs
        quote_end = _quote_ends(reading)
        with phase("noise"):  # 2 strip
            markers = [[Span(m.start(), m.end(), "marker") for m in p.QUOTE_MARKER.finditer(r.raw)] for r in inputs]
            noise = _strip(reading, markers, config)
        with phase("split"):  # 3 split: the posts known before the search, and what of them is searched
            if reading.posts is not None:
                regions, limits = _known_regions(reading, noise, config)
                # across the posts of a dump or JSON no engine knows (not threadclean's own layout,
                # whose posts hold no noise any more)
                if "boilerplate" in config.noise_kinds and reading.engine is None and reading.dialect is not None:
                    _add_boilerplate(regions, quote_end, dialects.box_end(reading.dialect))
                segments, owner = _region_segments(regions, markers, quote_end)
                units = [_Unit(r.record.base, r.noise, r.record.author, r.record.time, r.id, r.record.raw, r.end)
                         for r in regions]
            else:
                cut, limits = unsearched_lines([r.raw for r in inputs], config)
                segments, owner = _flat_segments(inputs, noise, markers, cut, quote_end)
                units = [_Unit(r.base, n, r.author, r.time, r.input, r.raw, len(r.raw))
                         for r, n in zip(inputs, noise, strict=True)]
            stream = build_stream(segments)
        with phase("find"):  # 4 find
            who = [units[k] for k in owner]
            headers = _headers(stream, owner, units, quote_end, dialects.box_end(reading.dialect))
            sketches = Sketches()  # each search of the thread sketches only what the one before did not read
            # a thread whose posts the input gives is read by the first search as the layout
            # writes it, post by post: settling starts from what that search saw
            search = new_search() if reading.posts is not None else None
            copies = find_copies(
                stream, headers=headers, authors=[u.author for u in who],
                times=[p.parse_time(u.time) if u.time else None for u in who], ids=[u.id for u in who],
                posts=owner if reading.posts is not None else None, sketches=sketches, search=search,
                config=config)
        with phase("split"):  # 3 split, again: a flat dump's posts, cut once its quotes' ends are known
            if reading.posts is None:
                regions, outside = _flat_regions(inputs, noise, cut, copies, stream)
            elif reading.structure:  # a dump: its headers and separators stand between the posts
                outside = _outside(inputs, noise, regions)
            else:  # posts whose bodies are the inputs: nothing stands outside them
                outside = []
            place_copies(regions, copies, stream)
        count("posts", len(regions))
        with phase("settle"):  # 5 settle
            settle(regions, config, delimited=reading.posts is not None, sketches=sketches, search=search)
        with phase("assemble"):  # 6 assemble
            result = build_result(inputs, regions, outside, title=reading.title, id=reading.id,
                                  flat=reading.posts is None, not_searched=limits)
        guessed = tuple(x for x in (reading.guess, reading.renamed) if x)
        return replace(result, reader=reading.reader, dialect=reading.dialect, warnings=guessed + result.warnings)


def _outside(inputs: list[Input], noise: list[list[Span]], regions: list[Region]) -> list[Removal]:
    """What stands outside every known post of each input (a dump's headers and separators)."""
    of_input: dict[str | None, list[Region]] = {}
    for g in regions:
        of_input.setdefault(g.record.input, []).append(g)
    outside = []
    for k, r in enumerate(inputs):
        outside += outside_posts(r, of_input.get(r.input, []), noise[k])
    return outside


def _strip(reading: Reading, markers: list[list[Span]], config: Config) -> list[list[Span]]:
    """Each input's noise: the detectors' finds, with an engine's structure (post headers,
    separators) winning where they overlap."""
    # a byte-order mark is noise at the start of a file, not at the start of every post
    kinds = config.noise_kinds if reading.whole_files else config.noise_kinds - {"bom"}
    extra = _detectors(reading)
    noise = []
    for k, r in enumerate(reading.inputs):
        structure = keep_disjoint(sorted(reading.structure[k])) if k < len(reading.structure) else []
        if not structure:
            noise.append(detect_noise(r.raw, kinds, protected=markers[k], extra=extra))
            continue
        # post headers and separators are the engine's; the detectors read each stretch between
        # them on its own, as they read a post given alone: no tag or smiley reaches across a
        # header (a tag opened on a header line would hide what follows it in the post, and the
        # layout, which has no header, would read it differently)
        found = list(structure)
        for a, b in gaps(0, len(r.raw), structure):
            inside = [Span(m.start - a, m.end - a, m.kind) for m in markers[k] if a <= m.start and m.end <= b]
            within = kinds if a == 0 else kinds - {"bom"}  # a byte-order mark opens the file, not a post
            found += [replace(s, start=s.start + a, end=s.end + a)
                      for s in detect_noise(r.raw[a:b], within, protected=inside, extra=extra)]
        noise.append(sorted(found))
    return noise


def _add_boilerplate(regions: list[Region], quote_end: Sequence[regex.Pattern[str]],
                     box_end: Callable[[str, int, int], int | None] | None) -> None:
    """Lines that recur across the posts of a thread no engine read (signatures, footers, notices):
    noise of their own kind, where no other noise stands. What a quote header introduces is
    quoted text, never boilerplate: a line a dozen replies quote is a copy."""
    quoted = []
    for r in regions:
        unit = _Unit(r.record.base, r.noise, r.record.author, r.record.time, r.id, r.record.raw, r.end)
        stretches = []
        for s in r.noise:
            if s.kind == "quote-header" and s.header:
                end, _ = _quote_extent(unit, s, quote_end, box_end)
                stretches.append((s.start, s.end if end is None else end))
        quoted.append(stretches)
    found = find_boilerplate([(r.record.raw, r.start, r.end) for r in regions], quoted)
    for region, spans in zip(regions, found, strict=True):
        fresh = [s for s in spans if not overlaps_any(s, region.noise)]
        if fresh:
            region.add_noise(fresh)


def _detectors(reading: Reading) -> list[tuple[str, Detector]]:
    """The dialect's detectors and the engine's, as ``(kind, detector)`` pairs: where an engine
    has its own detector of a kind, it reads that kind in its format instead of the dialect's."""
    own = dict(reading.engine.detectors) if reading.engine else {}
    return [(k, d) for k, d in dialects.detectors(reading.dialect) if k not in own] + list(own.items())


def _quote_ends(reading: Reading) -> tuple[regex.Pattern[str], ...]:
    """Where quotes end in this reading: the engine's quote boxes and the dialect's."""
    engine = reading.engine.quote_end if reading.engine and reading.engine.quote_end else None
    return ((engine,) if engine else ()) + tuple(q for q in dialects.quote_ends(reading.dialect) if q is not engine)


def _known_regions(reading: Reading, noise: list[list[Span]], config: Config) -> tuple[list[Region], Any]:
    """A region per known post, with the noise inside it, and which of them the caps leave out."""
    assert reading.posts is not None
    ok, limits = searchable([p.end - p.start for posts in reading.posts for p in posts], config)
    regions: list[Region] = []
    for record, posts, spans in zip(reading.inputs, reading.posts, noise, strict=True):
        starts = [s.start for s in spans]
        for post in posts:
            i, j = bisect.bisect_left(starts, post.start), bisect.bisect_left(starts, post.end)
            inside = [s for s in spans[i:j] if s.end <= post.end]
            own = record if (record.author, record.time) == (post.author, post.time) else \
                replace(record, author=post.author, time=post.time)
            regions.append(Region(post.id, own, post.start, post.end, inside, searched=ok[len(regions)]))
    return regions, limits


def _region_segments(
    regions: list[Region], markers: list[list[Span]], quote_end: Sequence[regex.Pattern[str]]
) -> tuple[list[Segment], list[int]]:
    """The searched regions' words as stream segments, cut at quote markers and where quote
    boxes close (a quote marker of threadclean's own layout stands where a quote was: no copy
    spans it); the region each segment belongs to."""
    segments: list[Segment] = []
    owner: list[int] = []
    inputs: dict[str | None, int] = {}
    for k, region in enumerate(regions):
        at = inputs.setdefault(region.record.input, len(inputs))
        if not region.searched:
            continue
        marks = [m for m in markers[at] if region.start <= m.start < region.end]
        breaks = sorted([(m.start, m.end) for m in marks]
                        + quote_ends(region.record.raw, region.start, region.end, quote_end))
        pieces = read_pieces(region.record.raw, region.start, region.end, region.noise + marks)
        for piece in split_at(region.record, pieces, breaks):
            segments.append(piece)
            owner.append(k)
    return segments, owner


def _flat_segments(
    inputs: list[Input], noise: list[list[Span]], markers: list[list[Span]], cut: list[list[tuple[int, int]]],
    quote_end: Sequence[regex.Pattern[str]],
) -> tuple[list[Segment], list[int]]:
    """A flat dump's words as stream segments (its posts are not known yet): each input cut at
    quote markers, at the lines the caps leave out and where quote boxes close."""
    segments: list[Segment] = []
    owner: list[int] = []
    for k, (r, spans, marks) in enumerate(zip(inputs, noise, markers, strict=True)):
        breaks = sorted([(m.start, m.end) for m in marks] + cut[k] + quote_ends(r.raw, 0, len(r.raw), quote_end))
        left_out = [Span(a, b, "not-searched") for a, b in cut[k]]
        for piece in split_at(r, read_pieces(r.raw, 0, len(r.raw), spans + marks + left_out), breaks):
            segments.append(piece)
            owner.append(k)
    return segments, owner


def _headers(
    stream: Stream, owner: list[int], units: list[_Unit], quote_end: Sequence[regex.Pattern[str]],
    box_end: Callable[[str, int, int], int | None] | None = None,
) -> list[Header]:
    """The quote headers in each unit's noise, placed in the stream, each with where its quoted
    text ends (see ``_quote_extent``)."""
    headers = []
    for k, unit in enumerate(units):
        for s in unit.noise:
            if s.kind == "quote-header" and s.header:
                at = stream.at_or_after(unit.base + s.end)
                seg = stream.segment_at(at)
                if 0 <= seg < len(owner) and owner[seg] == k and at < stream.bounds[seg][1]:
                    end, known = _quote_extent(unit, s, quote_end, box_end)
                    place = None if end is None else stream.at_or_after(unit.base + end)
                    headers.append(Header(at, seg, s.header, unit.base + s.start, place if known else None,
                                          None if known else place))
    return headers


_CUT_REACH = 400  # how far after a header the " ..." of a cut quote may stand
_CLOSE_REACH = 50_000  # how far after a header its quote's close is looked for (a quote's text is read to 3,000)


def _quote_extent(unit: _Unit, header: Span, quote_end: Sequence[regex.Pattern[str]],
                  box_end: Callable[[str, int, int], int | None] | None = None) -> tuple[int | None, bool]:
    """Where the text a quote header introduces ends (input offsets), and whether the input says
    so: where the box it stands in closes, or where the format closes its quote (a box, a block
    of ``>`` lines), or at the " ..." that marks a cut quote; else, a guess, the end of the
    quote's first line (where a quote with no source is taken to end; the search is not bound by
    it); None where nothing follows the header."""
    raw, start = unit.raw, header.end
    closed = box_end(raw, header.start, unit.end) if box_end is not None else None
    if closed is not None:
        return closed, True
    closes = first_quote_end(raw, start, min(unit.end, start + _CLOSE_REACH), quote_end)
    if closes is not None:
        return closes, True
    i = bisect.bisect_left(unit.noise, start, key=lambda s: s.start)  # the noise is sorted
    while i < len(unit.noise) and unit.noise[i].start < start + _CUT_REACH:
        if unit.noise[i].kind == "quote-truncation":
            return unit.noise[i].start, True
        i += 1
    body = _words_after(unit, start)
    if body >= unit.end:
        return None, False
    line = raw.find("\n", body, unit.end)
    return (unit.end if line < 0 else line), False


def _words_after(unit: _Unit, at: int) -> int:
    """Where the first words after ``at`` stand: past white space and past noise (the
    ``back.gif`` after a Discuz header, a smiley), so a quote's first line is a line of words."""
    while at < unit.end:
        if unit.raw[at] in p.BLANK:
            at += 1
            continue
        i = bisect.bisect_right(unit.noise, at, key=lambda s: s.start) - 1  # noise is sorted
        if i >= 0 and unit.noise[i].start <= at < unit.noise[i].end:
            at = unit.noise[i].end
            continue
        break
    return at


def _flat_regions(
    inputs: list[Input], noise: list[list[Span]], cut: list[list[tuple[int, int]]], copies: Sequence[Any],
    stream: Stream,
) -> tuple[list[Region], list[Removal]]:
    """A flat dump's posts: a post starts at every line and every quote header, and one that
    opens with a quote header runs on over the quote to the replier's own words."""
    ends = []  # (thread offset of the header that marked it, thread end of the copy)
    for c in copies:
        if c.explicit and c.header_at is not None:
            ends.append((c.header_at, int(stream.to_raw[c.target_end - 1]) + 1))
    regions: list[Region] = []
    outside: list[Removal] = []
    for k, record in enumerate(inputs):
        lo, hi = record.base, record.base + len(record.raw)
        stops = {at - lo: end - lo for at, end in ends if lo <= at < hi}
        spans = split_posts(record.raw, noise[k], stops)
        starts = [s.start for s in noise[k]]
        first = len(regions) + 1
        mine = []
        for n, (a, b) in enumerate(spans, first):
            i, j = bisect.bisect_left(starts, a), bisect.bisect_left(starts, b)
            region = Region(str(n), record, a, b, noise[k][i:j])
            region.searched = not any(x < region.end and region.start < y for x, y in cut[k])
            mine.append(region)
        regions += mine
        outside += outside_posts(record, mine, noise[k])
    return regions, outside
