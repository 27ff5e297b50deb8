"""Attributions: the line that says whose words a quote holds, in the languages boards and mail
clients write it ("X wrote:", "On … X wrote:", "X 写道:", "※ 引述《X》之銘言:", …).

``attribution(text)`` reads one short stretch of visible text (a line, or the title of a quote
box) and says who is quoted, and when where it says so; the dialects decide where such a
stretch stands (before a ``>`` block, at the top of a quote box).
"""

from __future__ import annotations

import regex

from .spans import QuoteHeader

# A name as attributions write it: no line break, no angle bracket or colon, bounded; after a
# date ("On …, Ann wrote:") no comma either, so the date's own commas stay in the date.
_NAME = r"[^\r\n<>:：\[\]]{1,80}?"
_NAME_AFTER_DATE = r"[^\r\n<>:：\[\],]{1,80}?"
# An e-mail address after a name: "Ann Example <ann@example.com>", "[mailto:ann@example.com]".
_MAIL = (
    r"(?:[ \t]*+(?:<[^<>\r\n]{1,160}>|\[mailto:[^\]\r\n]{1,160}\]|\([^()\r\n]{1,160}@[^()\r\n]{1,160}\)"
    r"|(?<=[ \t])[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,6}))?"
)
# The words for "wrote" (and "said", "posted") of the languages the readers know; '?' stands
# where a mail client lost a non-ASCII letter ("a ?crit", "escribi?").
_WROTE = (
    r"(?:wrote|writes|said|says|posted|schrieb|hat geschrieben|a [ée?]crit|escribi[óo?]|ha scritto|schreef|"
    r"escreveu|napisa[łl?]\(?a?\)?|написал(?:\(а\)|а)?|писал(?:\(а\)|а)?|пишет|写道|寫道|说|說|提到|さんは書きました)"
)

# A time as boards print it: "2013-7-11 11:01", "2023-04-18 15:46:02".
_STAMP = r"\d{4}-\d{1,2}-\d{1,2}[ T]\d{1,2}:\d{2}(?::\d{2})?"

# Each form with the groups ``author`` and (where it says) ``when``; tried in order on one
# stretch of text, which must be the attribution and nothing more.
_FORMS = [
    # Discuz: "村夫 发表于 2013-7-11 11:01" (X), "原帖由 夜猫子 于 2010-1-20 17:09 发表" (6/7)
    regex.compile(rf"(?P<author>[^\s<>]{{1,40}}) 发表于 (?P<when>{_STAMP})"),
    regex.compile(rf"原帖由 ?(?P<author>[^\r\n]{{1,40}}?) ?于 (?P<when>{_STAMP}) 发表"),
    # "On Tue, 1 Mar 2011 at 18:02, Ann Example <ann@example.com> wrote:" (also wrapped before
    # "wrote:"), "On May 30, 2020, 4:15 PM Ann ann@example.com wrote:" (a bare address, iOS),
    # "On Sat, 2022-10-08 at 12:59 +0000, X via bitcoin-dev wrote:", "Am 11.06.2023 um
    # 20:26 schrieb X:", "Le dim. 11 juin 2023 à 20:26, X a écrit :", "El dom, 11 jun 2023 a las
    # 20:26, X escribió:", "Op 11 jun. 2023 om 20:26 heeft X het volgende geschreven:"
    regex.compile(
        rf"(?:On|Am|Le|El|Il giorno|Em|Op|W dniu|В)[ \t]++(?P<when>[^\r\n]{{4,120}}?(?:[ \t]?[AaPp]\.?[Mm]\.?)?),?"
        rf"[ \t\r\n]{{1,4}}"
        rf"(?:schrieb[ \t]++)?(?P<author>{_NAME_AFTER_DATE}){_MAIL}(?:[ \t]++via[ \t]++[^\r\n<>]{{1,60}}?)?"
        rf"[ \t\r\n]{{1,4}}(?:{_WROTE}|heeft[^\r\n]{{0,40}}geschreven)[ \t]*+[:：]"
    ),
    regex.compile(
        rf"(?:Am|On)[ \t]++(?P<when>[^\r\n]{{4,80}}?)[ \t]++schrieb[ \t]++(?P<author>{_NAME}){_MAIL}[ \t]*+[:：]"
    ),
    # "2022年1月1日(金) 9:00 田中太郎 <taro@example.com>:" (Japanese mail clients)
    regex.compile(
        r"(?P<when>\d{4}年\d{1,2}月\d{1,2}日(?:\s?\([^()\r\n]{1,3}\))?\s{0,2}\d{1,2}:\d{2})[ \t]*+"
        r"(?P<author>[^\r\n<>]{1,80}?)[ \t]*+<[^<>\r\n]{1,160}>[ \t]*+[:：]"
    ),
    # "Quote from: Ann on May 3, 2021, 10:00:12 am" (SMF), "Quoting Ann:" (Horde), "Zitat von Ann",
    # "Originally Posted by Ann" (vBulletin), "引用 Ann 的話:", "引用 Ann 的帖子:"
    regex.compile(rf"Quote from:[ \t]*+(?P<author>{_NAME})(?:[ \t]++on[ \t]++(?P<when>[^\r\n]{{4,60}}))?"),
    regex.compile(
        rf"(?:Quoting|Zitat von|Originally Posted by|Cita(?:ndo)? de|Цитата)[ \t]*+(?P<author>{_NAME}){_MAIL}"
        r"[ \t]*+[:：]?"
    ),
    regex.compile(rf"引用[ \t]*+(?P<author>{_NAME})[ \t]*+的(?:話|话|帖子|發言|发言)[ \t]*+[:：]?"),
    # "※ 引述《Ann》之銘言：" (PTT), "【 在 Ann (安) 的大作中提到: 】" (newsmth)
    regex.compile(r"※[ \t]*+引述《(?P<author>[^《》\r\n]{1,60})》之銘言[ \t]*+[:：]?"),
    regex.compile(r"【[ \t]*+在[ \t]*+(?P<author>[^\r\n【】]{1,80}?)[ \t]*+的大作中提到[ \t]*+[:：][ \t]*+】"),
    # "Ann (2023-04-18 15:46) 说:" (NGA), "Ann 于 2010-1-20 17:09 写道:"
    regex.compile(
        rf"(?P<author>{_NAME})[ \t]*+(?:\((?P<when>{_STAMP})\)|于[ \t]*+(?P<when2>{_STAMP}))[ \t]*+{_WROTE}[ \t]*+[:：]"
    ),
    # "Ann wrote:", "@ann said:", "Ann <ann@example.com> wrote:", "Ann 写道:", "Ann написал(а):",
    # "In article <…>, Ann wrote:" (Usenet)
    regex.compile(
        rf"(?:In article[ \t]++<[^<>\r\n]{{1,160}}>,[ \t]*+)?(?P<author>{_NAME}){_MAIL}[ \t]*+{_WROTE}[ \t]*+[:：]"
    ),
    # "Fernando:" alone: the title of a quote box (Discourse); only where a box says it is one
]
# A box title that is a name and a colon and nothing else.
_TITLE = regex.compile(rf"(?P<author>{_NAME})[ \t]*+[:：]")
_SPACES = regex.compile(r"\s+")
_MAX_ATTRIBUTION = 240  # characters; an attribution is a line, not a paragraph


def attribution(text: str, *, titled: bool = False) -> QuoteHeader | None:
    """Who a stretch of visible text says is quoted (the whole stretch must be the attribution),
    or None. ``titled``: the stretch is a quote box's title, where a bare ``Name:`` is one too.

    >>> attribution("On Tue, 1 Mar 2011 at 18:02, Ann Example <ann@example.com> wrote:")
    QuoteHeader(author='Ann Example', time='Tue, 1 Mar 2011 at 18:02', post=None)
    >>> attribution("Le dim. 11 juin 2023 ? 20:26, Jean Dupont <jd@example.org> a ?crit :").author
    'Jean Dupont'
    >>> attribution("※ 引述《kaze》之銘言：").author, attribution("Fernando:", titled=True).author
    ('kaze', 'Fernando')
    >>> attribution("I think the answer is what he wrote: no") is None
    True
    """
    stretch = text.strip()
    if not stretch or len(stretch) > _MAX_ATTRIBUTION:
        return None
    for form in _FORMS:
        m = form.fullmatch(stretch)
        if m:
            return _header(m)
    if titled:
        m = _TITLE.fullmatch(stretch)
        if m:
            return _header(m)
    return None


def _header(m: regex.Match[str]) -> QuoteHeader | None:
    author = _SPACES.sub(" ", m["author"]).strip().lstrip("@").strip("\"'“”「」 ")
    if not author or len(author) > 60 or author.count(" ") > 5:  # a sentence, not a name
        return None
    groups = m.groupdict()
    when = groups.get("when") or groups.get("when2")
    return QuoteHeader(author, _SPACES.sub(" ", when).strip() if when else None)
