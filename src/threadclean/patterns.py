"""Patterns shared by the detectors and readers, compiled once at import.

Each pattern says what real text it matches. Every quantifier is bounded or possessive, and
nothing nests an unbounded repeat inside another, so no pattern can backtrack
catastrophically (tests/test_patterns.py runs each on adversarial strings).
"""

from __future__ import annotations

import functools

import regex

# "2013-7-11 11:01", "2024-12-13 09:17", "2010-1-20 17:09:33": Discuz's post time.
DATE_TIME = r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2} [0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?"  # ASCII digits: int() reads them
DATE_TIME_ONLY = regex.compile(DATE_TIME)
# the same, its parts read apart (year, month, day, hour, and minutes with any seconds)
_DATE_TIME_PARTS = regex.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2}) ([0-9]{1,2}):([0-9]{2}(?::[0-9]{2})?)")

# One pair of Discuz X's jammer(): chr(32..59), a space, chr(63..126), e.g. "5 u", "' i", "  ~".
JAMMER_PAIR = r"[ -;] [?-~]"

# A maximal run of five or more jammer pairs, found once from its true start: the look-behind
# refuses to start inside a run, and the possessive repeat never gives pairs back, so a 10 MB
# line of pair-like characters is read in one linear pass.
#   "5 u4 B' i8 `$ T5 h6 M' t0 `1 ^"   (10 pairs, at the end of a line in the seed)
JAMMER_RUN = regex.compile(rf"(?<!{JAMMER_PAIR})(?:{JAMMER_PAIR}){{5,}}+")

# Site variants of the jammer that scrapes of 1point3acres keep as text: ". From 1point 3acres bbs",
# "-baidu 1point3acres", "-baidu ????", ".本文原创自1point3acres论坛", ". 1point3acres".
SITE_JAMMER = regex.compile(
    r"\.?[ \t]?From 1point 3acres bbs|-baidu (?:1point3acres|\?{4})|\.?本文原创自1point3acres论坛|\. 1point3acres\b"
)

# Discuz X quote header: "村夫 发表于 2013-7-11 11:01". The author is one run of non-space
# characters (Discuz names have no spaces), bounded so a CJK text without spaces is not
# scanned quadratically; it stands at the start of a line or after a space or '>'.
QUOTE_HEADER_X = regex.compile(rf"(?<![^\s>])(?P<author>[^\s<>]{{1,40}}) 发表于 (?P<time>{DATE_TIME})")

# Discuz 6/7 quote header: "原帖由 夜猫子 于 2010-1-20 17:09 发表" (the name may hold spaces).
QUOTE_HEADER_6 = regex.compile(rf"原帖由 ?(?P<author>[^\n]{{1,40}}?) ?于 (?P<time>{DATE_TIME}) 发表")

# The image Discuz puts after a quote header, as a bare path in text dumps or as a full URL:
# "static/image/common/back.gif" (Discuz X), "images/common/back.gif" (Discuz 6/7).
QUOTE_IMAGE = regex.compile(
    r"(?:https?://[\w.-]{1,100}(?::\d{1,5})?/(?:[\w.~%-]{1,60}/){0,6}?)?(?:static/image/common|images/common)/back\.gif"
)

# What Discuz appends to a quote it cut at 100 characters: " ..." at the end of the line.
QUOTE_TRUNCATION = regex.compile(r" \.\.\.(?=[ \t]*+(?:\r|\n|$))")

# Smiley codes as Discuz stores them: "{:soso_e121:}", "{:5_108:}", "{:1_12:}".
SMILEY_CODE = regex.compile(r"\{:[0-9A-Za-z]{1,16}(?:_[0-9A-Za-z]{1,16}){0,3}:\}")

# Markers left where a post hid its content from guests:
#   "**** Hidden Message *****", "**** 本内容被作者隐藏 ****",
#   "本帖隐藏的内容需要回复才可以浏览", "本帖隐藏的内容需要积分高于 188 才可浏览",
#   "游客，如果您要查看本帖隐藏内容请回复".
HIDDEN_MARKER = regex.compile(
    r"\*{3,5}+ ?(?:Hidden Message|本内容被作者隐藏) ?\*{3,5}+"
    r"|本帖隐藏的内容需要[^\n]{0,30}?才可以?(?:浏览|查看)"
    r"|游客[，,]如果您要查看本帖隐藏内容请回复"
)

# Discuz's edit note, with or without the brackets Discuz 6/7 puts around it, in a page's
# HTML with its italics: "本帖最后由 村夫 于 2013-7-11 11:01 编辑", "[ 本帖最后由 X 于 2010-1-20
# 17:09 编辑 ]", "[<i> 本帖最后由 X 于 2010-1-21 11:23 编辑 </i>]".
EDIT_NOTE = regex.compile(
    rf"(?:\[ ?(?:<i>)? ?)?本帖最后由 ?[^\n]{{1,40}}? ?于 {DATE_TIME} 编辑(?: ?(?:</i>)? ?\])?"
)

# Characters no reader sees, which scraped text is full of: zero-width space, joiners, word
# joiner, soft hyphen, a byte-order mark inside the text ("好\u200b文"), and NUL (a JSON post's
# "\u0000": a file holding it would read as binary, so the cleaned text must not).
INVISIBLE = regex.compile(r"[\u200b\u200c\u200d\u2060\u00ad\ufeff\x00]++")

# The rule Discuz draws above a signature: "﹍﹍﹍" on a line of its own.
# A lone carriage return ends a line too (old Mac text; the layout reads it as one).
SIGNATURE_RULE = regex.compile(r"(?m)(?:^|(?<=\r))[ \t]*+﹍{3,}[ \t]*+(?=[\r\n]|\Z)")

# Letters of the scripts written without spaces: each character is a token of its own.
CJK_CHAR = r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]"

# The two kinds of token character for the sketches: a CJK character is a token alone, and a
# run of other letters and digits is a word.
CJK_CHARS = regex.compile(CJK_CHAR)
WORD_CHAR = regex.compile(r"\w")

# The quote marker threadclean writes in its text layout: "[quote #3 ¶2]", or for a quote of
# words that are not in the input "[quote @村夫]" (who the header said wrote them).
# The id is percent-encoded (layout.escape_id): no space or bracket in it, so each "[quote #"
# reads up to the next bracket at most, and a line of them is read in one pass.
QUOTE_MARKER = regex.compile(r"\[quote (?:#[^\s\[\]]*+ ¶\d{1,6}|@[^\]\r\n]{0,64})\]")

# A paragraph break in a post's cleaned text: a blank line, or a run of them (what noise left between).
PARAGRAPH_BREAK = regex.compile(r"\n(?:[ \t]*+\n)++")

# What trims off a post's ends, here and in the text layout: only what the detectors too read
# as blank (str.isspace() would also take \x0c or \x1f, which the patterns read as text).
BLANK = " \t\r\n"

# An inline tag around a name in a page's quote header: "原帖由 <i>花想容</i> 于 ...".
INLINE_TAG = regex.compile(r"</?[A-Za-z][A-Za-z0-9]{0,15}+(?:\s[^<>]{0,200}+)?>")

# Discuz page chrome that survives in text dumps: the "[复制链接]" (copy link) button after a
# title, and the "复制代码" (copy code) button on a line of its own after a code block.
# A line starts after CR or LF, as the flat splitter and the layout read lines.
COPY_BUTTON = regex.compile(r"\[复制链接\]|(?<![^\r\n])[ \t]*+复制代码[ \t]*+(?=[\r\n]|\Z)")

# A moderator's note that a thread was moved: "本主题由 管理员 于 2013-7-11 11:01 移动".
MOVE_NOTE = regex.compile(rf"本主题由 ?[^\n]{{1,40}}? ?于 {DATE_TIME} 移动")


# Post times as forums print them, beyond Discuz's: "Sep 20, 2012 11:16" (phpBB, vBulletin),
# "20 Sep 2012 11:16", "2012-09-20 11:16:05", "2012/09/20 11:16", "Thu Sep 20, 2012 11:16 am".
_TIME_FORMATS = ("%b %d, %Y %H:%M", "%b %d, %Y %I:%M %p", "%a %b %d, %Y %H:%M", "%a %b %d, %Y %I:%M %p",
                 "%d %b %Y %H:%M", "%Y/%m/%d %H:%M", "%Y/%m/%d %H:%M:%S", "%B %d, %Y %H:%M", "%B %d, %Y, %I:%M %p",
                 "%d.%m.%Y %H:%M", "%Y-%m-%d")
# An ISO 8601 time already: "2024-01-01", "2024-01-01T10:00", "2024-01-01T10:00:00.5+08:00".
_ISO = regex.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?:T[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?(?:Z|[+-][0-9]{2}:?[0-9]{2})?)?"
)


# what a time strptime could read holds: a month's name, or a date's slash or dot
_TIME_WORTH_TRYING = regex.compile(r"[A-Za-z]{3}|[0-9][/.][0-9]")


@functools.lru_cache(maxsize=4096)
def iso_time(stamp: str | None) -> str | None:
    """A post's time as ISO 8601 where it can be read, else None (the raw form is kept beside it).

    >>> iso_time("2013-7-11 11:01"), iso_time("Sep 20, 2012 11:16"), iso_time("昨天 10:00")
    ('2013-07-11T11:01', '2012-09-20T11:16', None)
    """
    if not stamp or not stamp.strip():
        return None
    text = " ".join(stamp.split())
    if _ISO.fullmatch(text):
        return text
    if DATE_TIME_ONLY.fullmatch(text):
        return parse_time(text)
    if not _TIME_WORTH_TRYING.search(text):
        return None
    from datetime import datetime
    from email.utils import parsedate_to_datetime

    for fmt in _TIME_FORMATS:
        try:
            when = datetime.strptime(text, fmt)
        except ValueError:
            continue
        return when.isoformat(timespec="minutes") if fmt != "%Y-%m-%d" else when.date().isoformat()
    try:  # a mail's Date: "Mon, 1 Jan 2024 10:00:00 +0000"
        return parsedate_to_datetime(text).isoformat()
    except (TypeError, ValueError, IndexError):
        return None


def parse_time(stamp: str) -> str:
    """A Discuz time as ISO 8601 (``2013-7-11 11:01`` to ``2013-07-11T11:01``); other text as is.

    >>> parse_time("2013-7-11 11:01"), parse_time(" 2013-7-11 9:01:05 "), parse_time("yesterday")
    ('2013-07-11T11:01', '2013-07-11T09:01:05', 'yesterday')
    """
    m = _DATE_TIME_PARTS.fullmatch(stamp.strip())
    if m is None:
        return stamp
    year, month, day, hour, rest = m.groups()
    return f"{year}-{month:0>2}-{day:0>2}T{hour:0>2}:{rest}"
