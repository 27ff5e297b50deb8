"""The ``threadclean`` command: parse the arguments, call the library, print."""

from __future__ import annotations

import json
import sys
import traceback
from typing import IO

import click

from . import __version__
from .config import NOISE_KINDS, Config
from .encoding import decode
from .errors import ThreadcleanError
from .pipeline import clean_text, clean_thread
from .readers import INPUT_FORMATS, parse
from .result import CleanResult

EXIT_OK, EXIT_PARTIAL, EXIT_USAGE = 0, 1, 2


def _fail(message: str, debug: bool) -> None:
    if debug:
        traceback.print_exc()
    click.echo(f"threadclean: error: {message}", err=True)
    sys.exit(EXIT_USAGE)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="threadclean")
def cli() -> None:
    """Clean scraped forum threads: strip noise, collapse repeated quotes."""


@cli.command()
@click.argument("input", type=click.File("rb"), default="-")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: the cleaned thread in threadclean's layout; json: the threadclean/1 document.")
@click.option("-o", "--output", type=click.File("w", encoding="utf-8", lazy=True), default="-",
              help="Where to write the result (default: stdout).")
@click.option("--input-format", type=click.Choice(INPUT_FORMATS), default="auto", show_default=True,
              help="How to read INPUT.")
@click.option("--min-copy-chars", type=int, default=Config().min_copy_chars, show_default=True,
              help="Shortest unmarked repeat (non-space characters) that is collapsed.")
@click.option("--no-collapse", is_flag=True, help="Only strip noise; leave repeated passages in place.")
@click.option("--skip", multiple=True, type=click.Choice(NOISE_KINDS), help="A noise kind not to detect (repeatable).")
@click.option("--debug", is_flag=True, help="Show a traceback with an error.")
def clean(input: IO[bytes], fmt: str, output: IO[str], input_format: str, min_copy_chars: int, no_collapse: bool,
          skip: tuple[str, ...], debug: bool) -> None:
    """Clean one thread: a flat text dump, a JSON thread or JSON Lines of posts (- for stdin)."""
    name = getattr(input, "name", "-")
    source = "<stdin>" if name in ("-", "<stdin>") or not isinstance(name, str) else name
    try:
        config = Config(min_copy_chars=min_copy_chars, collapse=not no_collapse,
                        detectors=frozenset(NOISE_KINDS) - set(skip))
        thread = parse(decode(input.read(), source=source), source=source, input_format=input_format)
        result: CleanResult = (
            clean_text(thread.text, config=config, title=thread.title, id=thread.id, engine=thread.engine)
            if thread.text is not None
            else clean_thread(thread.posts, config=config, title=thread.title, id=thread.id)
        )
    except ThreadcleanError as e:
        _fail(str(e) if getattr(e, "source", None) or not hasattr(e, "located") else str(e.located(source)), debug)
        return
    except OSError as e:
        _fail(f"{source}: {e.strerror or e}", debug)
        return
    if fmt == "json":
        output.write(json.dumps(result.to_dict(), ensure_ascii=False))
        output.write("\n")
    else:
        output.write(result.render())


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
