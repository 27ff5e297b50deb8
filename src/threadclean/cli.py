"""The ``threadclean`` command: parse the arguments, call the library, print."""

from __future__ import annotations

import functools
import io
import os
import sys
import time
import traceback
import webbrowser
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NamedTuple, NoReturn

import click
import regex

from . import NOISE_KINDS, CleanResult, Config, ThreadcleanError, clean_file
from .config import COMPRESSIONS, DEFAULT_PAGES, DIALECTS, MAX_THREAD_BYTES, OUTPUT_FORMATS, BatchConfig
from .jsonio import dumps
from .read import INPUT_FORMATS
from .read.engines import names as engine_names
from .report import PAGE_SIZE, render_report

if TYPE_CHECKING:  # the batch is loaded by the command that runs one: ``clean`` starts without it
    from .batch import ArchiveReport, BatchProgress

EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, EXIT_BUG = 0, 1, 2, 3
_DEFAULT = Config()


def _fail(message: str, debug: bool) -> NoReturn:
    if debug:
        traceback.print_exc()
    click.echo(f"threadclean: error: {message}", err=True)
    sys.exit(EXIT_USAGE)


EXIT_INTERRUPTED = 130  # as a shell reports a command stopped by SIGINT


class _Commands(click.Group):
    """click's group with threadclean's one error style: every usage error (an unknown option, a
    file that cannot be opened) is one ``threadclean: error: ...`` line and exit 2, and Ctrl-C is
    exit 130, never click's three-line usage block, ``Aborted!`` and exit 1."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["standalone_mode"] = False
        try:
            code = super().main(*args, **kwargs)
        except click.UsageError as e:
            where = f" (see 'threadclean {e.ctx.info_name} --help')" if e.ctx and e.ctx.parent else \
                " (see 'threadclean --help')"
            click.echo(f"threadclean: error: {e.format_message()}{where}", err=True)
            sys.exit(EXIT_USAGE)
        except click.ClickException as e:  # a file click could not open or write
            click.echo(f"threadclean: error: {e.format_message()}", err=True)
            sys.exit(EXIT_USAGE)
        except (click.Abort, KeyboardInterrupt):
            click.echo("threadclean: interrupted", err=True)
            sys.exit(EXIT_INTERRUPTED)
        sys.exit(code if isinstance(code, int) else EXIT_OK)


_EXAMPLES = """\b
Examples:
  threadclean clean thread.html                  the cleaned thread, in threadclean's text layout
  threadclean clean --format posts dump.md       one JSON line per post, for a corpus
  threadclean show thread.json -o report.html    what cleaning did, as a page to review
  threadclean batch dumps/ -o out/               a whole archive, into JSON Lines shards
"""


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]}, epilog=_EXAMPLES)
@click.version_option(None, "-V", "--version", package_name="threadclean", prog_name="threadclean")
def cli() -> None:
    """Clean scraped forum threads: strip noise, collapse repeated quotes."""


def _cleaning_options(command: Callable[..., None]) -> Callable[..., None]:
    """The options every command that cleans shares; the command gets them as ``config``."""

    @functools.wraps(command)
    def run(*args: Any, input_format: str, engine: str, dialect: str, min_copy_chars: int, no_collapse: bool,
            skip: tuple[str, ...], max_post_chars: int, max_thread_posts: int, max_thread_chars: int, debug: bool,
            **kwargs: Any) -> None:
        try:
            config = Config(min_copy_chars=min_copy_chars, collapse=not no_collapse,
                            noise_kinds=frozenset(NOISE_KINDS) - set(skip), max_post_chars=max_post_chars,
                            max_thread_posts=max_thread_posts, max_thread_chars=max_thread_chars)
        except ThreadcleanError as e:
            _fail(str(e), debug)
        reading = Reading(input_format, None if engine == "none" else engine, None if dialect == "none" else dialect)
        command(*args, config=config, reading=reading, debug=debug, **kwargs)

    for option in reversed([
        click.option("--input-format", type=click.Choice(INPUT_FORMATS), default="auto", metavar="FORMAT",
                     help=f"How to read the input (default: told from the text): {', '.join(INPUT_FORMATS)}."),
        click.option("--engine", type=click.Choice(["auto", "none", *engine_names()]), default="auto",
                     metavar="ENGINE", help="The engine whose rules read JSON posts' bodies (default auto; none: "
                     "no engine's): any engine of --input-format."),
        click.option("--dialect", type=click.Choice(["auto", *DIALECTS, "none"]), default="auto", show_default=True,
                     help="The markup the bodies are written in: told from them by default."),
        click.option("--min-copy-chars", type=int, default=_DEFAULT.min_copy_chars, show_default=True,
                     help="Shortest unmarked repeat (non-space characters) that is collapsed."),
        click.option("--no-collapse", is_flag=True, help="Only strip noise; leave repeated passages in place."),
        click.option("--skip", multiple=True, type=click.Choice(NOISE_KINDS), metavar="KIND",
                     help=f"A noise kind not to detect (repeatable): {', '.join(NOISE_KINDS)}."),
        click.option("--max-post-chars", type=int, default=_DEFAULT.max_post_chars, show_default=True,
                     help="A longer post (a line, in a flat dump) is not searched for repeats, only cleaned of noise."),
        click.option("--max-thread-posts", type=int, default=_DEFAULT.max_thread_posts, show_default=True,
                     help="Posts after this many are not searched for repeats, only cleaned of noise."),
        click.option("--max-thread-chars", type=int, default=_DEFAULT.max_thread_chars, show_default=True,
                     help="Once the posts searched hold this many characters, later ones are not searched."),
        click.option("--debug", is_flag=True, help="Show a traceback with an error."),
    ]):
        run = option(run)
    return run


class Reading(NamedTuple):
    """How the command was asked to read its input."""

    input_format: str
    engine: str | None
    dialect: str | None


def _terminal() -> bool:
    """Whether stdin is a terminal (someone would wait on a silent prompt)."""
    return sys.stdin.isatty()


def _name(stream: IO[bytes]) -> str:
    name = getattr(stream, "name", "-")
    return "<stdin>" if name in ("-", "<stdin>") or not isinstance(name, str) else name


def _read(inputs: Sequence[IO[bytes]], *, config: Config, reading: Reading, debug: bool) -> tuple[CleanResult, str]:
    """One thread from a file or stdin, or from its pages in order; the result and its source's name."""
    first = _name(inputs[0])
    if first == "<stdin>" and _terminal():
        click.echo("threadclean: reading a thread from the terminal (end it with Ctrl-D; or give a file)", err=True)
    try:
        data = [stream.read() for stream in inputs]
        empty = next((_name(s) for s, d in zip(inputs, data, strict=True) if not d.strip()), None)
        if empty is not None:  # as batch says it: no thread to clean
            _fail(f"{empty}: empty input, no thread in it", debug)
        named = []
        for stream, blob in zip(inputs, data, strict=True):
            named.append(io.BytesIO(blob))
            named[-1].name = _name(stream)  # what errors and offsets call it
        result = clean_file(named, input_format=reading.input_format, config=config, engine=reading.engine,
                            dialect=reading.dialect)
    except ThreadcleanError as e:
        _fail(str(e), debug)
    except OSError as e:
        _fail(f"{first}: {e.strerror or e}", debug)
    for warning in result.warnings:
        click.echo(f"threadclean: warning: {first}: {warning}", err=True)
    return result, first


def _check_output(output: str | None, inputs: Sequence[IO[bytes]], debug: bool) -> None:
    """Refuse, before any work, an output that is a folder or an input (writing over an input
    would lose the result along with what it came from)."""
    if not output or output == "-" or not os.path.exists(output):
        return
    if os.path.isdir(output):
        _fail(f"{output}: is a folder; give a file name", debug)
    for stream in inputs:
        name = _name(stream)
        if name != "<stdin>" and os.path.exists(name) and os.path.samefile(name, output):
            _fail(f"{output}: is an input; write the result somewhere else", debug)


_PAGES_HELP = "The INPUTS are the pages of one thread, in order (without it, each INPUT is a thread)."


def _write_json(output: IO[str], data: bytes) -> None:
    """UTF-8 JSON to a text output: straight to its bytes where it has them (a file, stdout), so
    46 MB of a document are not decoded only to be encoded again."""
    buffer = getattr(output, "buffer", None)
    if buffer is None:
        output.write(data.decode("utf-8"))
        return
    output.flush()
    buffer.write(data)
    buffer.flush()


@cli.command(epilog="""\b
Examples:
  threadclean clean thread.md > cleaned.txt
  threadclean clean --format json page.html -o page.json
  threadclean clean --format posts dumps/*.md > posts.jsonl     several threads, one post a line
  threadclean clean --pages t-p1.html t-p2.html                 one thread saved as two pages
""")
@click.argument("inputs", type=click.File("rb"), nargs=-1)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "posts"]), default=None,
              help="text (one thread's default): threadclean's re-readable layout; json (several threads' "
                   "default): the threadclean/1 document, one a line; posts: one JSON line per post, its own "
                   "words, author, ISO time and quotes.")
@click.option("--pages", "as_pages", is_flag=True, help=_PAGES_HELP)
@click.option("-o", "--output", type=click.File("w", encoding="utf-8", lazy=True), default="-",
              help="Where to write the result (default: stdout).")
@_cleaning_options
def clean(inputs: tuple[IO[bytes], ...], fmt: str | None, as_pages: bool, output: IO[str], config: Config,
          reading: Reading, debug: bool) -> None:
    """Clean threads: a flat text dump, a dump or page format, a JSON thread or JSON Lines of
    posts (- or nothing for stdin). Several INPUTS are several threads, unless --pages."""
    streams: tuple[IO[bytes], ...] = inputs or (sys.stdin.buffer,)
    _check_output(getattr(output, "name", None), streams, debug)
    threads = [streams] if as_pages or len(streams) == 1 else [(stream,) for stream in streams]
    fmt = fmt or ("text" if len(threads) == 1 else "json")
    if fmt == "text" and len(threads) > 1:
        _fail("several threads do not make one text layout: give --format json or posts (JSON Lines), "
              "or --pages if they are the pages of one thread", debug)
    for pages in threads:
        result, source = _read(pages, config=config, reading=reading, debug=debug)
        if fmt == "posts":
            thread = result.id or (source if len(threads) > 1 or source != "<stdin>" else None)
            _write_json(output, b"".join(dumps(r) + b"\n" for r in result.post_records(thread=thread)))
        elif fmt == "json":
            doc = result.to_dict()
            if len(threads) > 1:
                doc = {"path": source, **doc}
            _write_json(output, dumps(doc) + b"\n")
        else:
            output.write(result.render())


@cli.command(epilog="""\b
Examples:
  threadclean show thread.html                    writes report.html
  threadclean show thread.json -o - | less        the page on stdout
  threadclean show --pages p1.html p2.html --open
""")
@click.argument("inputs", type=click.File("rb"), nargs=-1, required=True)
@click.option("-o", "--output", default="report.html", show_default=True,
              help="Where to write the page (- for stdout).")
@click.option("--pages", "as_pages", is_flag=True, help=_PAGES_HELP)
@click.option("--open", "open_page", is_flag=True, help="Open the page in the web browser.")
@click.option("--page-size", type=click.IntRange(min=1), default=PAGE_SIZE, show_default=True,
              help="Posts drawn at a time in the page (longer threads are paged).")
@_cleaning_options
def show(inputs: tuple[IO[bytes], ...], output: str, as_pages: bool, open_page: bool, page_size: int, config: Config,
         reading: Reading, debug: bool) -> None:
    """Write one self-contained HTML page showing what cleaning a thread did: noise marked by kind,
    each collapsed copy linked to where its words first appeared."""
    if len(inputs) > 1 and not as_pages:
        _fail("show draws one thread: give one INPUT, or --pages if these are the pages of one thread", debug)
    _check_output(output, inputs, debug)
    result, source = _read(inputs, config=config, reading=reading, debug=debug)
    page = render_report(result, page_size=page_size, source=source)
    if output == "-":
        click.echo(page, nl=False)
        return
    try:
        with open(output, "w", encoding="utf-8") as f:
            f.write(page)
    except OSError as e:
        _fail(f"{output}: {e.strerror or e}", debug)
    click.echo(f"threadclean: wrote {output} ({result.stats.posts:,} posts)", err=True)
    if open_page:
        webbrowser.open(Path(output).resolve().as_uri())


@cli.command(epilog="""\b
Examples:
  threadclean batch dumps/ -o out/                       every thread under dumps/, JSON Lines shards
  threadclean batch dumps/ -o out/ --resume              go on after a stop (Ctrl-C, a crash, a kill)
  threadclean batch a.jsonl.gz b/ -o out/ --format parquet --report-dir out/html
  threadclean batch dumps/ -o out/ --across --index idx/  repeats across threads too, against idx/
  threadclean batch dumps/ -o out/ --scheduler tcp://10.0.0.5:8786   on a Dask cluster
""")
@click.argument("sources", nargs=-1, required=True)
@click.option("-o", "--output", required=True, type=click.Path(file_okay=False),
              help="Folder for the shards and report.json (created if missing).")
@click.option("--glob", help="Only files whose name matches this pattern, e.g. '*.md'.")
@click.option("--exclude", multiple=True, help="Skip files whose name matches this pattern (repeatable).")
@click.option("--pages", "pages", default=None,
              help="A regex with groups (?P<thread>...) and (?P<page>...) that tells the pages of one thread "
                   "from a file name (without extension); 'none' cleans every file alone.")
@click.option("--shard-size", type=int, default=1000, show_default=True, help="Threads per output shard.")
@click.option("--format", "output_format", type=click.Choice(OUTPUT_FORMATS), default="jsonl", show_default=True,
              help="jsonl: threadclean/1 results, one a line; parquet: a row a thread (needs pyarrow); posts, "
                   "posts-parquet: a line or row a post, its own words, author, ISO time and quotes.")
@click.option("--compress", type=click.Choice(COMPRESSIONS), default="none", show_default=True,
              help="Compression of JSON Lines shards.")
@click.option("--report-dir", type=click.Path(file_okay=False),
              help="Also write an HTML report page per thread there, with an index page.")
@click.option("--workers", type=int, default=None, help="Processes to clean with (default: the cores).")
@click.option("--max-thread-mb", type=click.IntRange(min=1), default=MAX_THREAD_BYTES >> 20, show_default=True,
              help="Skip (and report) a thread larger than this once decompressed: a compression bomb costs no more.")
@click.option("--across", is_flag=True,
              help="Also find passages that already stand in another thread of the archive (or of --index) "
                   "and make each a quote naming that thread.")
@click.option("--index", "index", type=click.Path(file_okay=False),
              help="With --across: the index to check against and add to (default: inside OUTPUT); "
                   "share one between batches to check new scrapes against every thread indexed before.")
@click.option("--max-shared", type=click.IntRange(min=2), default=1000, show_default=True,
              help="With --across: a sketch key held by more windows than this is boilerplate, left out and counted.")
@click.option("--scheduler", metavar="ADDRESS",
              help="Run on the Dask cluster of this scheduler (tcp://HOST:PORT; the cluster extra). Sources and "
                   "OUTPUT must be on a file system its workers see.")
@click.option("--cluster", "cluster", type=click.IntRange(min=1), metavar="N",
              help="Run on a Dask LocalCluster of N worker processes started here (the cluster extra).")
@click.option("--resume", is_flag=True, help="Continue a batch that was stopped, with the same settings.")
@click.option("--strict", is_flag=True, help="Exit with 1 when any file or thread failed.")
@click.option("-q", "--quiet", is_flag=True, help="No progress and no table.")
@_cleaning_options
def batch(sources: tuple[str, ...], output: str, glob: str | None, exclude: tuple[str, ...], pages: str | None,
          shard_size: int, output_format: str, compress: str, report_dir: str | None, workers: int | None,
          max_thread_mb: int, across: bool, index: str | None, max_shared: int, scheduler: str | None,
          cluster: int | None, resume: bool, strict: bool,
          quiet: bool, config: Config, reading: Reading,
          debug: bool) -> None:
    """Clean every thread under SOURCES (folders, files, JSON Lines of threads, .gz/.bz2/.xz/.zst, - for stdin)
    into sharded JSON Lines in OUTPUT, with a report."""
    show = None if quiet else _Progress()
    try:
        options = BatchConfig(
            input_format=reading.input_format, engine=reading.engine, dialect=reading.dialect, glob=glob,
            exclude=exclude,
            pages=DEFAULT_PAGES if pages is None else () if pages == "none" else (pages,),
            shard_size=shard_size, output_format=output_format, compress=compress, workers=workers,
            report_dir=report_dir, max_thread_bytes=max_thread_mb << 20, across=across or index is not None,
            index=index, max_shared=max_shared, scheduler=scheduler, cluster=cluster,
        )
        missing = [s for s in sources if s != "-" and not os.path.exists(s)]
        if missing:
            _fail(f"{missing[0]}: no such file or folder", debug)
        os.makedirs(output, exist_ok=True)
        from .batch import clean_archive

        report = clean_archive(sources, output, config=config, batch=options, resume=resume, progress=show,
                               stdin=sys.stdin.buffer)
    except (ThreadcleanError, OSError, regex.error) as e:
        _fail(str(e), debug)
        return
    except KeyboardInterrupt:  # the finished shards stand; the one being written is dropped
        if show is not None:
            show.close()
            show = None
        click.echo(f"threadclean: interrupted: rerun with --resume to continue into {output}", err=True)
        sys.exit(EXIT_INTERRUPTED)
    finally:
        if show is not None:
            show.close()
    for line in _page_groups(report):
        click.echo(line, err=True)
    if not quiet:
        click.echo(_table(report, output))
    sys.exit(EXIT_PARTIAL if strict and report.failed else EXIT_OK)


def _page_groups(report: ArchiveReport) -> list[str]:
    """One line on the multi-page threads the file names made, so a wrong grouping shows."""
    if not report.paged:
        return []
    example = report.paged_examples[0] if report.paged_examples else {"id": "?", "pages": []}
    pages = [os.path.basename(p) for p in example["pages"]]
    shown = ", ".join(pages[:3]) + (", ..." if len(pages) > 3 else "")
    return [f"threadclean: {report.paged:,} threads read from several files grouped by name, such as "
            f"{example['id']} ({shown}); --pages none reads every file alone"]


class _Progress:
    """A live bar on a terminal, a log line every few seconds elsewhere."""

    def __init__(self) -> None:
        self.bar: Any = None
        self.last = 0.0
        self.seen: BatchProgress | None = None
        if sys.stderr.isatty():
            from tqdm import tqdm

            self.bar = tqdm(unit="B", unit_scale=True, unit_divisor=1024, dynamic_ncols=True, file=sys.stderr)

    def __call__(self, p: BatchProgress) -> None:
        moved_on = self.seen is not None and self.seen.stage != p.stage
        self.seen = p
        if moved_on:  # a new stage says so at once, bar or log
            if self.bar is not None:
                self.bar.set_description_str(p.stage)
            else:
                click.echo(f"threadclean: {p.stage} ({p.threads} threads cleaned, {p.failed} failed)", err=True)
                self.last = time.monotonic()
                return
        if self.bar is not None:
            self.bar.total = p.bytes_total
            self.bar.n = p.bytes_done
            self.bar.set_postfix_str(f"{p.threads} threads, {p.failed} failed", refresh=False)
            self.bar.update(0)
        elif time.monotonic() - self.last >= _LOG_EVERY:
            self.last = time.monotonic()
            of = f" of {p.bytes_total / 1e6:.1f}" if p.bytes_total else ""
            click.echo(f"threadclean: {p.threads} threads, {p.failed} failed, {p.bytes_done / 1e6:.1f}{of} MB",
                       err=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        elif self.seen is not None:  # a log always ends with where the batch stopped
            self.last = 0.0
            self(self.seen)


_LOG_EVERY = 5.0  # seconds between progress lines when not on a terminal


def _table(report: ArchiveReport, output: str) -> str:
    rows = [
        ("threads written", f"{report.threads:,}"),
        ("threads failed", f"{report.failed:,}"),
        ("posts", f"{report.posts:,}"),
        ("bytes read (on disk)", f"{report.bytes_on_disk:,}" if report.bytes_on_disk is not None else "stdin"),
        ("bytes in / out", f"{report.bytes_in:,} / {report.bytes_out:,} (decompressed)"),
        ("characters in / out", f"{report.chars_in:,} / {report.chars_out:,}"),
        ("copies collapsed", f"{report.quotes:,} ({report.chars_quoted:,} characters)"),
    ]
    if report.across is not None:
        a = report.across
        rows.append(("copies across threads",
                     f"{a['quotes']:,} ({a['chars']:,} characters) in {a['threads']:,} threads"))
        if a["stop_listed"]["keys"]:
            rows.append(("boilerplate keys skipped", f"{a['stop_listed']['keys']:,} "
                                                      f"({a['stop_listed']['postings']:,} windows)"))
    rows += [(f"noise: {kind}", f"{f['count']:,} ({f['chars']:,} characters)")
             for kind, f in sorted(report.removed.items())]
    if report.warnings:
        rows.append(("threads partly not searched", f"{len(report.warnings):,} (see report.json: warnings)"))
    rows.append(("seconds", f"{report.seconds:,.1f}" + (f" (resumed after {report.resumed_shards} shards)"
                                                         if report.resumed_shards else "")))
    width = max(len(k) for k, _ in rows)
    lines = [f"{k:<{width}}  {v}" for k, v in rows]
    lines += [f"error: {e['path']}" + (f" line {e['line']}" if e.get("line") else "") + f": {e['reason']}"
              for e in report.errors[:_SHOWN_ERRORS]]
    if len(report.errors) > _SHOWN_ERRORS:
        lines.append(f"... and {len(report.errors) - _SHOWN_ERRORS} more errors")
    lines.append(f"report: {os.path.join(output, 'report.json')}")
    return "\n".join(lines)


_SHOWN_ERRORS = 20


def main() -> None:
    try:
        cli()
    except Exception as e:  # a bug: one line, the traceback only with --debug
        if "--debug" in sys.argv:
            raise
        click.echo(f"threadclean: internal error: {type(e).__name__}: {e} (--debug shows the traceback; "
                   "please report it)", err=True)
        sys.exit(EXIT_BUG)


if __name__ == "__main__":
    main()
