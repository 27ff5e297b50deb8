"""Mailing-list archive pages: a message as pipermail (Mailman 2) or hypermail writes it, one
page a message; several pages given together are one thread, in the order given.

pipermail::

    <H1>[list] Subject</H1>
    <B>Ann Example</B> <A HREF="mailto:list%40example.org?Subject=…&In-Reply-To=%3C1%40x%3E">ann at example.org</A><BR>
    <I>Tue Oct 10 22:28:37 UTC 2023</I>
    <!--beginarticle-->
    <PRE>words, with quoted lines as <I>&gt; quoted</I>
    </PRE>
    <!--endarticle-->

hypermail keeps what it knows in comments (``<!-- name="Ann" -->``, ``<!-- sent="…" -->``,
``<!-- id="…" -->``) and the words between ``<!-- body="start" -->`` and ``<!-- body="end" -->``.

A post is the message's words as the page shows them (the parser's text: entities read, tags
gone), so its quoting is the text dialect's; the page around them is not a post's words.
"""

from __future__ import annotations

import html as std_html
from urllib.parse import unquote

import regex

from . import Engine, Page, PagePost, mail
from . import html as h
from ._mail import DETECTORS

_PIPERMAIL = regex.compile(r"<!--beginarticle-->(?P<body>.*?)<!--endarticle-->", regex.S)
_PIPER_AUTHOR = regex.compile(r"(?is)</H1>\s*<B>(?P<author>[^<>]{1,200})</B>")
_PIPER_TIME = regex.compile(r"(?is)<I>(?P<time>[^<>]{8,80})</I>\s*<P>")
_PIPER_TITLE = regex.compile(r"(?is)<H1>(?P<title>[^<>]{1,400})</H1>")
# The message's own id, in the reply link: "mailto:…?Subject=…&In-Reply-To=%3Cid%40host%3E".
_PIPER_ID = regex.compile(r"(?i)In-Reply-To=(?P<id>[^\"&<>\s]{1,400})")

_HYPERMAIL = regex.compile(r"<!--\s*body=\"start\"\s*-->(?P<body>.*?)<!--\s*body=\"end\"\s*-->", regex.S)
_HYPER_FIELD = regex.compile(r"<!--\s*(?P<name>name|email|sent|subject|id|inreplyto)=\"(?P<value>[^\"]{0,400})\"\s*-->")

_LIST_TAG = regex.compile(r"^\s*\[[^\]\r\n]{1,80}\]\s*")


def sniff(text: str) -> bool:
    head = text[:400_000]
    return "<!--beginarticle-->" in head or bool(regex.search(r"<!--\s*body=\"start\"\s*-->", head))


# hypermail ends each line of the message with "<br />" and a line break of the source: one break
_LINE_BREAK = regex.compile(r"(?i)\r?\n(?:</em>)?<br\s*/?>")
_PARAGRAPH = regex.compile(r"(?i)<p\b[^<>]{0,400}>")


def _words(fragment: str) -> str:
    """The text of a body's HTML, as a reader of the page sees it."""
    fragment = _PARAGRAPH.sub("\n", _LINE_BREAK.sub("", fragment))
    node = h.parser(f"<html><body><div>{fragment}</div></body></html>").css_first("div")
    return str(node.text(deep=True, separator="")) if node is not None else std_html.unescape(fragment)


def _short_id(message_id: str) -> str:
    return message_id.strip().strip("<>").strip() or "1"


def parse(text: str) -> Page:
    """The message of the page: its words, sender, time and id; the page's title its subject."""
    piper = _PIPERMAIL.search(text)
    if piper is not None:
        author = _PIPER_AUTHOR.search(text)
        time = _PIPER_TIME.search(text)
        title = _PIPER_TITLE.search(text)
        found = _PIPER_ID.search(text)
        message_id = _short_id(unquote(std_html.unescape(found["id"]))) if found else "1"
        name = " ".join(std_html.unescape(author["author"]).split()) if author else None
        subject = _LIST_TAG.sub("", std_html.unescape(title["title"]).strip()) if title else None
        post = PagePost(message_id, _words(piper["body"]).strip("\n") + "\n", name,
                        mail.iso_time(std_html.unescape(time["time"])) if time else None)
        return Page([post], " ".join(subject.split()) if subject else None)
    hyper = _HYPERMAIL.search(text)
    if hyper is None:
        return Page([])
    fields = {m["name"]: std_html.unescape(m["value"]) for m in _HYPER_FIELD.finditer(text, 0, hyper.start())}
    subject = _LIST_TAG.sub("", fields.get("subject", "")).strip() or None
    post = PagePost(_short_id(fields.get("id", "")), _words(hyper["body"]).strip("\n") + "\n",
                    fields.get("name") or None, mail.iso_time(fields.get("sent", "")))
    return Page([post], subject)


ENGINE = Engine("mail-archive-html", sniff, parse, DETECTORS, dialect="text")
