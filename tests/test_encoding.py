"""Encodings: UTF-8 with and without BOM, GB18030, Big5 (no real sample: text we encode), cp1252."""

from __future__ import annotations

import pytest

from conftest import shared_path
from threadclean.errors import DecodeError
from threadclean.read import decode

ZH_HANS = "个人经验：申请流程必须详细参考所申请大学的主页，注意不要错过申请截止日期。"
ZH_HANT = "繁體中文的測試文字，這是一段用來檢查編碼偵測的句子，論壇的帖子常常這樣寫。"
LATIN = "Grüße aus Köln: die Lieferung kam pünktlich, aber die Verpackung war beschädigt."


@pytest.mark.parametrize(
    ("text", "codec"),
    [(ZH_HANS, "utf-8"), (ZH_HANS, "utf-8-sig"), (ZH_HANS, "gbk"), (ZH_HANS, "gb18030"), (ZH_HANT, "big5"),
     (LATIN, "cp1252"), (LATIN, "latin-1")],
)
def test_detected(text, codec):
    decoded = decode(text.encode(codec))
    assert decoded.lstrip("\ufeff") == text
    assert decoded.startswith("\ufeff") == (codec == "utf-8-sig")  # a BOM stays a character


def test_a_declared_charset_wins():
    page = b'<html><head><meta http-equiv="Content-Type" content="text/html; charset=big5"></head>'
    assert decode(page + ZH_HANT.encode("big5")).endswith(ZH_HANT)


@pytest.mark.parametrize("data", [b"\x89PNG\r\n\x1a\n\x00\x00", b"abc \x81\x8d\x8f\x90\x9d\x80\xff"])
def test_no_supported_encoding_is_an_error(data):
    with pytest.raises(DecodeError) as info:
        decode(data, source="x.bin")
    assert str(info.value).startswith("x.bin, byte ")


def test_real_gbk_pages():
    for path in sorted(shared_path("realdata", "1984bbs-html").glob("*.php")):
        text = decode(path.read_bytes())
        assert "发表于" in text and "\ufffd" not in text
