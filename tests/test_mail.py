"""Mailing lists on fixtures written for the forms with no real sample here: pipermail and
hypermail pages, an mbox with a reply chain, a multipart .eml; posts, authors, times and which
post quotes which, and every one rebuilt exactly."""

from __future__ import annotations

import pytest

from conftest import FIXTURES
from threadclean import clean_file, clean_text, clean_thread, rebuild
from threadclean.layout import parse as parse_layout

MAIL = FIXTURES / "mail"


def _quoted(result):
    return {(p.id, q.post) for p in result.posts for q in p.quotes if q.post is not None}


def _rebuilds(result, inputs):
    rebuilt = rebuild(result.to_dict())
    assert {k: rebuilt.get(k, "") for k in inputs} == inputs


def _again_unchanged(result):
    text = result.render()
    again = parse_layout(text)
    assert clean_thread(again["posts"], title=again["title"], engine=None, dialect=None).render() == text


def test_mbox_reply_chain():
    result = clean_file(MAIL / "thread.mbox")
    assert result.reader == "mbox"
    assert [(p.id, p.author, p.time) for p in result.posts] == [
        ("1", "Pavel Novak", "2024-03-02T10:12:40+01:00"),
        ("2", "Ilse Brandt", "2024-03-02T19:03:55+01:00"),
        ("3", "Pavel Novak", "2024-03-03T09:30:02+01:00"),
    ]
    assert _quoted(result) == {("2", "1"), ("3", "2")}
    ilse = result.posts[1]
    assert "Süß, it is not always the bracket." in ilse.text  # quoted-printable read, soft break joined
    assert "Werkstatt" not in ilse.text and "signature" in {r.kind for r in ilse.removed}
    assert all(q.explicit for p in result.posts for q in p.quotes)
    _again_unchanged(result)


def test_multipart_eml_reads_its_text_part_and_the_message_it_quotes():
    result = clean_file(MAIL / "multipart.eml")
    assert result.reader == "eml"
    assert result.title == "Sourdough starter smells of acetone"
    noor, tomas = result.posts
    assert (noor.author, noor.time) == ("Noor Haddád", "2024-02-14T21:47:09+00:00")  # RFC 2047 name read
    assert noor.text.startswith("Acetone means it is hungry. Feed it twice a day")  # base64 read
    assert "<p>" not in noor.text and "/9j/" not in noor.text  # not the HTML part, not the attachment
    assert (tomas.author, tomas.time) == ("Tomas Berg", "2024-02-13T18:02:00")
    assert "nail polish" in tomas.text and ">" not in tomas.text


def test_pipermail_pages_are_one_thread():
    pages = [MAIL / "pipermail-000101.html", MAIL / "pipermail-000102.html"]
    result = clean_file(pages)
    assert result.reader == "mail-archive-html"
    assert result.title == "Watering tomatoes in a heat wave"
    assert [(p.id, p.author, p.time) for p in result.posts] == [
        ("4F1A.maren@example.net", "Maren Holt", "2023-07-11T07:15:02+00:00"),
        ("77c2.oskar@example.com", "Oskar Lind", "2023-07-11T09:40:51+00:00"),
    ]
    maren, oskar = result.posts
    assert "Maren Holt <" not in maren.text and "allotment 14" not in maren.text  # the signature
    assert _quoted(result) == {("77c2.oskar@example.com", "4F1A.maren@example.net")}
    assert [q.author for q in oskar.quotes if q.explicit] == ["Maren Holt"]  # "X via list wrote:"
    assert "Move the pots off the wall first" in oskar.text
    assert "mailing list" not in oskar.text and "listinfo" not in oskar.text  # the list footer
    assert "plastic pots on a south wall" not in oskar.text


def test_hypermail_page():
    result = clean_file(MAIL / "hypermail-0042.html")
    (post,) = result.posts
    assert (post.id, post.author, post.time) == ("87zfq1.ilse@example.org", "Ilse Brandt", "2024-03-02T19:03:55+01:00")
    (quote,) = post.quotes
    assert (quote.author, quote.source) == ("Pavel Novak", None)  # his message is not on the page
    assert post.text.lstrip().startswith("Check the pedals")
    assert "wet ride" not in post.text


@pytest.mark.parametrize("name", ["thread.mbox", "multipart.eml", "hypermail-0042.html"])
def test_mail_fixtures_rebuild(name):
    from conftest import raw_inputs

    path = MAIL / name
    _rebuilds(clean_file(path), raw_inputs(path))


def test_words_written_between_quoted_lines_are_the_repliers():
    text = ("Hi,\nOn Tue, 5 Mar 2024 at 10:02, Pavel Novak wrote:\n> Which chain lube lasts longest in the wet?\n"
            "> I ride through the winter.\n\n"
            "A wax lube will not; take a wet lube and wipe the chain after each ride.\n\n"
            "> Does it attract dirt?\n\nSome, which is why the wiping matters.\n")
    result = clean_text(text)
    assert result.reader == "email"
    (post,) = result.posts  # one message: the replier's, with the quotes in it
    assert "take a wet lube" in post.text and "Some, which is why" in post.text
    assert "Which chain lube" not in post.text
    assert [q.author for q in post.quotes if q.explicit] == ["Pavel Novak"]


def test_a_quote_inside_a_quote_ends_where_the_outer_replier_answers():
    text = ("Thanks!\n\nOn 01/03/11 7:07 PM, Russell Brown wrote:\n> Hi,\n"
            "> On Tue, 2011-03-01 at 18:02 +0530, Ann Lee wrote:\n>> How do I empty a bucket?\n"
            "> List the keys and delete each one.\n")
    result = clean_text(text)
    russell = next(p for p in result.posts if p.author == "Russell Brown")
    assert "List the keys and delete each one." in russell.text  # his, not Ann's quote
    assert [q.author for q in russell.quotes if q.explicit] == ["Ann Lee"]
    assert "empty a bucket" not in russell.text


@pytest.mark.parametrize(("line", "author"), [
    ("On May 30, 2020, 4:15 PM Ann Lee ann@example.com wrote:", "Ann Lee"),
    ("On Tue, Oct 10, 2023 at 10:28:37PM +0000, Andrew Chow via bitcoin-dev wrote:", "Andrew Chow"),
    ("2022年1月1日(金) 9:00 田中太郎 <taro@example.com>:", "田中太郎"),
])
def test_mail_attributions(line, author):
    from threadclean.attributions import attribution

    assert attribution(line).author == author
