"""Coverage-guided fuzzing of the whole path a file takes: bytes, decoding, reading, cleaning,
and rebuilding. Any exception other than an InputError is a crash atheris reports.

    pip install atheris
    python fuzz/atheris_pipeline.py -atheris_runs=1000000 fuzz/corpus

The corpus folder (created if missing) starts from a few seeds written below; atheris adds
the inputs that reach new code.
"""

from __future__ import annotations

import os
import sys

import atheris

with atheris.instrument_imports():
    from threadclean import InputError, rebuild
    from threadclean.pipeline import clean_read
    from threadclean.read import read_bytes

SEEDS = [
    "楼主说得好\n村夫 发表于 2013-7-11 11:01 static/image/common/back.gif\n楼主说得好 ...{:soso_e121:}\n".encode(),
    b'{"posts": [{"text": "a"}, {"text": "a b", "author": "x"}]}',
    b'{"text": "one"}\n{"text": "two"}\n',
    '<div class="t_msgfont" id="postmessage_1">正文<br /><font class="jammer">x8</font></div>'.encode("gb18030"),
    "\n*****\n\n####  山风  \n##### 1#       楼主       发表于 2021-5-3 10:00\n\n正文\n".encode(),
]


def one(data: bytes) -> None:
    try:
        thread = read_bytes(data, source="fuzz")
        result = clean_read([thread], names=["fuzz"])
    except InputError:
        return
    whole = thread.text is not None and all(p.origin.input is None for p in result.posts)
    if whole and rebuild(result.to_dict()).get(None, "") != thread.text:
        raise AssertionError("rebuild lost text")


def main() -> None:
    corpus = next((a for a in sys.argv[1:] if not a.startswith("-")), None)
    if corpus and not os.path.isdir(corpus):
        os.makedirs(corpus)
        for n, seed in enumerate(SEEDS):
            with open(os.path.join(corpus, f"seed{n}"), "wb") as f:
                f.write(seed)
    atheris.Setup(sys.argv, one)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
