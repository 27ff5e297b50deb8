"""Mailing lists: Mailman digests, mbox files and single ``.eml`` messages, each message a post.

A digest is a dump: its preamble, topic list, message headers and footer are structure, and
each message's body lies in the file as it stands::

    Today's Topics:

       1. Compressed Bitcoin Transactions (Tom Briar)
    ----------------------------------------------------------------------

    Message: 1
    Date: Thu, 31 Aug 2023 21:30:16 +0000
    From: Tom Briar <tom@example.com>
    Subject: [list] Compressed Bitcoin Transactions
    Content-Type: text/plain; charset="utf-8"

    Hey everyone, ...

An mbox file (``From `` lines between messages) or an ``.eml`` message is read by the standard
library's ``email`` package, which undoes quoted-printable and base64 and picks each message's
text part: its posts are those text parts (offsets index them, as a saved page's do; the mail
headers and MIME boundaries are not posts' words). One file is one thread, its messages in the
order they stand.

In the bodies: ``>`` quoting after an attribution (the text dialect), the ``-- `` signature,
Mailman's "next part ... was scrubbed" notes and the list footer are noise.
"""

from __future__ import annotations

import email
import email.policy
from collections.abc import Iterator
from email.message import EmailMessage, Message
from email.utils import getaddresses, parsedate_to_datetime

import regex

from ...spans import Span
from . import Dump, Engine, Page, PagePost, PostSpan
from . import email as reply
from ._mail import DETECTORS

# A digest's message header: the rule, "Message: 2", then mail header fields (a field goes on
# on lines that open with a space or tab, even a line of them alone) up to the blank line:
#   "------------------------------\r\n\r\nMessage: 2\r\nDate: Fri, 1 Sep 2023 00:49:36 +0000\r\n
#    From: Ann <ann@example.com>\r\n...Content-Type: text/plain; charset=\"us-ascii\"\r\n\r\n"
MESSAGE_HEAD = regex.compile(
    r"(?m)(?:\r?\n)?^-{20,}[ \t]*+\r?\n(?:[ \t]*+\r?\n)*+Message:[ \t]*+(?P<floor>\d{1,7})[ \t]*+\r?\n"
    r"(?P<fields>(?:[A-Za-z][A-Za-z0-9-]{0,60}:[^\r\n]*+\r?\n(?:[ \t][^\r\n]*+\r?\n)*+){0,60}+)"
    r"(?:[ \t]*+\r?\n)?"
)
# Where a digest's messages end: its footer ("Subject: Digest Footer", then the list's links)
# or its last line ("End of bitcoin-dev Digest, Vol 100, Issue 1").
DIGEST_END = regex.compile(
    r"(?m)(?:\r?\n)?^-{20,}[ \t]*+\r?\n(?:[ \t]*+\r?\n)*+(?:Subject: Digest Footer|End of [^\r\n]{1,120}Digest\b)"
)
_FIELD = regex.compile(r"(?m)^(?P<name>[A-Za-z][A-Za-z0-9-]{0,60}):(?P<value>[^\r\n]*+(?:\r?\n[ \t][^\r\n]*+)*+)")
_DIGEST_SNIFF = regex.compile(r"(?m)^Message:[ \t]*+1[ \t]*+\r?\n(?:Date|From|Subject):")

# An mbox file opens with a "From " line: "From ann@example.com Thu Aug 31 21:30:16 2023".
_MBOX_FROM = regex.compile(r"(?m)^From [^\s@]{1,200}(?:@[^\s]{1,200})?[ \t]++[^\r\n]{10,80}$")
# One message's header, as an .eml file opens: mail fields, among them From and Date or Subject.
_EML_SNIFF = regex.compile(r"\A(?:[A-Za-z][A-Za-z0-9-]{0,60}:[^\r\n]*+\r?\n(?:[ \t][^\r\n]*+\r?\n)*+){2,80}?\r?\n")
_ADDRESS_FIELDS = regex.compile(r"(?im)^(?:From|Date|Message-ID|Subject):")

_AT = regex.compile(r"(?<=\d{4}),?[ \t]++at[ \t]++(?=\d)")

# The sender's name where a list rewrote it: "Andrew Chow via bitcoin-dev".
_VIA = regex.compile(r"[ \t]++via[ \t]++[^\r\n]{1,80}$")

def sender(value: str) -> str | None:
    """The name of a From field (its address where it names no one), a list's "via" taken off.

    >>> sender('"Andrew Chow via bitcoin-dev" <list@example.org>'), sender("ann at example.org (Ann Lee)")
    ('Andrew Chow', 'Ann Lee')
    """
    value = " ".join(value.split())
    found = getaddresses([value])
    name, address = found[0] if found else ("", "")
    name = _VIA.sub("", name.strip()) or address.replace(" at ", "@")
    return name or None


def iso_time(value: str) -> str | None:
    """A mail Date as ISO 8601, or as it stands where it is no date.

    >>> iso_time("Fri, 1 Sep 2023 00:49:36 +0000"), iso_time("Tue, 13 Feb 2024 at 18:02"), iso_time("soon")
    ('2023-09-01T00:49:36+00:00', '2024-02-13T18:02:00', 'soon')
    """
    value = " ".join(value.split())
    if not value:
        return None
    for form in (value, _AT.sub(" ", value)):  # an attribution's "…, 2024 at 18:02"
        try:
            return parsedate_to_datetime(form).isoformat()
        except (TypeError, ValueError, IndexError, OverflowError):
            continue
    return value


def _fields(block: str) -> dict[str, str]:
    """A header block's fields by lower-cased name (the first of each), continuation lines joined."""
    out: dict[str, str] = {}
    for m in _FIELD.finditer(block):
        out.setdefault(m["name"].lower(), " ".join(m["value"].split()))
    return out


def sniff_digest(text: str) -> bool:
    head = text[:400_000]
    return bool(_DIGEST_SNIFF.search(head)) and bool(MESSAGE_HEAD.search(head))


def parse_digest(text: str) -> Dump:
    """Each message between its header and the next; the preamble, headers and footer are structure."""
    heads = list(MESSAGE_HEAD.finditer(text))
    ending = DIGEST_END.search(text, heads[-1].end()) if heads else None
    last = ending.start() if ending else len(text)
    posts, structure = [], []
    for i, head in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else last
        fields = _fields(head["fields"])
        structure.append(Span(head.start(), head.end(), "post-header"))
        posts.append(PostSpan(head["floor"], head.end(), max(head.end(), end),
                              sender(fields.get("from", "")), iso_time(fields.get("date", ""))))
    return Dump(posts, structure)


def sniff_mbox(text: str) -> bool:
    first = _MBOX_FROM.match(text.lstrip("\ufeff"))
    return first is not None and bool(_ADDRESS_FIELDS.search(text, first.end(), first.end() + 20_000))


def sniff_eml(text: str) -> bool:
    head = _EML_SNIFF.match(text.lstrip("\ufeff"))
    if head is None:
        return False
    names = {m["name"].lower() for m in _FIELD.finditer(head.group())}
    return "from" in names and bool(names & {"date", "message-id", "subject"}) and bool(
        names & {"to", "message-id", "mime-version", "received", "content-type"})


def _messages(text: str) -> Iterator[str]:
    """The messages of an mbox file, each without its "From " line (">From " unquoted)."""
    starts = [m.start() for m in _MBOX_FROM.finditer(text)]
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else len(text)
        chunk = text[start:end]
        chunk = chunk[chunk.find("\n") + 1 :]
        yield regex.sub(r"(?m)^>(>*From )", r"\1", chunk)


def _text_part(message: Message) -> str:
    """A message's words: its first text/plain part (the first text part where none is plain),
    decoded; an HTML part is reduced to its text."""
    parts = list(message.walk()) if message.is_multipart() else [message]
    texts = [p for p in parts if p.get_content_maintype() == "text" and not p.is_multipart()
             and p.get_content_disposition() != "attachment"]
    plain = next((p for p in texts if p.get_content_subtype() == "plain"), texts[0] if texts else None)
    if plain is None:
        return ""
    try:
        body = plain.get_content() if isinstance(plain, EmailMessage) else str(plain.get_payload(decode=False))
    except (LookupError, ValueError, AssertionError):  # an unknown charset or a broken encoding
        payload = plain.get_payload(decode=True)
        body = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else str(payload or "")
    if plain.get_content_subtype() == "html":
        from .html import parser

        body = parser(body).body.text(separator="\n") if body.strip() else ""
    return str(body)


def _post(message: Message, n: int) -> PagePost:
    author = sender(str(message.get("from", "") or ""))
    return PagePost(str(n), _text_part(message), author, iso_time(str(message.get("date", "") or "")))


def _subject(message: Message) -> str | None:
    subject = " ".join(str(message.get("subject", "") or "").split())
    return regex.sub(r"(?i)^(?:(?:re|aw|fwd?|sv)\s*:\s*)+", "", subject) or None


def parse_mbox(text: str) -> Page:
    """Each message of the file a post, in order; the thread's title from the first subject."""
    messages = [email.message_from_string(m, policy=email.policy.default) for m in _messages(text)]
    posts = [_post(m, n) for n, m in enumerate(messages, 1)]
    return Page(posts, _subject(messages[0]) if messages else None)


def parse_eml(text: str) -> Page:
    """One message: its text part, and the messages it quotes after an attribution each a post
    of their own, as a reply read by the ``email`` engine is.

    >>> eml = "From: Ann <a@x.org>\\nTo: b@x.org\\nSubject: Re: hi\\n\\nYes.\\n\\n"
    >>> eml += "On Mon, 2 Apr 2012, Bob <b@x.org> wrote:\\n> hi\\n"
    >>> [(p.author, p.text.strip()) for p in parse_eml(eml).posts]
    [('Ann', 'Yes.'), ('Bob', '> hi')]
    """
    message = email.message_from_string(text.lstrip("\ufeff"), policy=email.policy.default)
    post = _post(message, 1)
    if not reply.sniff(post.text):
        return Page([post], _subject(message))
    dump = reply.parse(post.text)
    posts = [PagePost(str(n), post.text[p.start : p.end], post.author if n == 1 and p.start == 0 else p.author,
                      post.time if n == 1 and p.start == 0 else iso_time(p.time or ""))
             for n, p in enumerate(dump.posts, 1)]
    return Page(posts, _subject(message))


DIGEST = Engine("mailman-digest", sniff_digest, parse_digest, DETECTORS, dialect="text")
MBOX = Engine("mbox", sniff_mbox, parse_mbox, DETECTORS, dialect="text")
EML = Engine("eml", sniff_eml, parse_eml, DETECTORS, dialect="text")
ENGINES = (DIGEST, MBOX, EML)
