"""Bytes → text: BOMs, UTF-8, UTF-16 without BOM, GB18030/GBK, then charset-normalizer.

Published reports come as UTF-8 (with or without BOM), GB18030/GBK from older CMSs and Word
exports, and UTF-16 from Windows tools. The detected encoding is recorded in ``source.encoding``.
Binary files (many NUL bytes that are not UTF-16, control-character noise) are refused with a
reason; a few stray NULs in a text file are not.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from charset_normalizer import from_bytes

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass
class Decoded:
    text: str | None
    encoding: str | None
    problem: tuple[str, str] | None = None  # (kind, Chinese detail) when the bytes are not text


def _utf16_guess(data: bytes) -> str | None:
    """UTF-16 without BOM: NUL bytes concentrated on odd (LE) or even (BE) positions."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    half = len(sample) / 2
    # CJK text in UTF-16 has few NULs; ASCII-heavy text has many on one side. Either way the other
    # side is nearly free of them.
    if odd > 0.2 * half and even < 0.02 * half:
        return "utf-16-le"
    if even > 0.2 * half and odd < 0.02 * half:
        return "utf-16-be"
    return None


def _utf16_by_content(data: bytes) -> str | None:
    """UTF-16 whose NULs are too few for the byte-position test (mostly CJK): decode and look."""
    sample = data[:8192] if len(data) % 2 == 0 else data[:8191]
    sample = sample[: len(sample) // 2 * 2]
    for enc in ("utf-16-le", "utf-16-be"):
        try:
            text = sample.decode(enc)
        except UnicodeDecodeError:
            continue
        good = sum(1 for ch in text if ch.isprintable() or ch in "\t\n\r\u3000")
        cjk = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
        if text and good / len(text) > 0.97 and cjk / len(text) > 0.2:
            return enc
    return None


_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\ufffd]")


def _looks_binary(text: str) -> bool:
    """Control characters other than tab/newline/CR/form feed in more than 1% of the text."""
    if not text:
        return False
    sample = text[:20000]
    bad = len(_CONTROL.findall(sample))
    return bad > max(3, len(sample) * 0.01)


def _nul_heavy(sample: bytes) -> bool:
    """More NUL bytes than a text file picks up by accident (a few from a bad copy or a CMS export
    are stripped later; a report is not "binary" for three of them)."""
    return sample.count(0) > max(16, len(sample) // 200)


def decode(data: bytes) -> Decoded:
    """Decode report bytes, never raising."""
    if not data:
        return Decoded("", None, ("empty", "文件为空（0 字节）"))
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return _checked(data.decode(enc), "utf-8" if enc == "utf-8-sig" else enc, bom=True)
            except UnicodeDecodeError:
                break
    guess = _utf16_guess(data) or (_utf16_by_content(data) if b"\x00" in data[:8192] else None)
    if guess:
        try:
            return _checked(data.decode(guess), guess)
        except UnicodeDecodeError:
            pass
    if _nul_heavy(data[:8192]):
        return Decoded(None, None, ("binary", "文件是二进制数据（含 NUL 字节），不是文本、HTML、Word 或 PDF 报告"))
    try:
        return _checked(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return _checked(data.decode("gb18030"), "gb18030")
    except UnicodeDecodeError:
        pass
    best = from_bytes(data[:200000]).best()
    if best is not None and best.encoding:
        text = data.decode(best.encoding, errors="replace")
        dec = _checked(text, best.encoding)
        if dec.problem is None:
            dec.problem = ("encoding", f"文件编码无法确定，按 {best.encoding} 读取，个别字符可能有误")
        return dec
    text = data.decode("utf-8", errors="replace")
    if _looks_binary(text):
        return Decoded(None, None, ("binary", "文件不是可识别的文本编码（疑为二进制数据）"))
    return Decoded(text, "utf-8", ("encoding", "文件编码无法识别，按 UTF-8 读取并替换了无法解码的字节"))


def _checked(text: str, encoding: str, bom: bool = False) -> Decoded:
    if _looks_binary(text):
        return Decoded(None, encoding, ("binary", "文件内容含大量控制字符，疑为二进制数据而非报告文本"))
    return Decoded(text, encoding)
