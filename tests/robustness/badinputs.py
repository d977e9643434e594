"""Build a folder of hostile or broken report files for the robustness suite.

Every file has a report suffix (.txt, .html, .docx, .pdf, .md) so the CLI treats it as a report:
real supervisors receive exactly such files (a PNG renamed .pdf, a zip that is not a .docx, a
Word export in UTF-16). ``write_bad_inputs`` returns what each file is and whether it must carry
a ``parse`` finding (the file holds no readable report text at all).
"""

from __future__ import annotations

import io
import os
import random
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from tests.shared_paths import REAL as REAL_DIR
from tests.shared_paths import SEEDS as SHARED_SEEDS

SEEDS_DIR = Path(__file__).resolve().parents[2] / "reports"

TRADITIONAL = str.maketrans({
    "规": "規", "许": "許", "总": "總", "计": "計", "处": "處", "罚": "罰", "强": "強", "请": "請", "结": "結",
    "转": "轉", "开": "開", "审": "審", "复": "復", "议": "議", "诉": "訴", "讼": "訟", "业": "業", "构": "構",
    "织": "織", "务": "務", "门": "門", "关": "關", "发": "發", "数": "數", "量": "量", "项": "項", "费": "費",
    "应": "應", "况": "況", "报": "報", "政": "政", "实": "實", "这": "這", "个": "個", "为": "為", "会": "會",
})


@dataclass(frozen=True)
class BadInput:
    name: str  # file name in the folder (may hold surrogate-escaped bytes that are not UTF-8)
    kind: str  # what was done to it
    unreadable: bool  # no report text at all: must get a typed ``parse`` finding
    skipped: bool = False  # not a report to read (a FIFO): must be listed in run.skipped instead

    @property
    def report_id(self) -> str:
        return Path(os.fsencode(self.name).decode("utf-8", "backslashreplace")).stem


def reports_of(inputs: list[BadInput]) -> list[BadInput]:
    """The inputs that must each become one report."""
    return [b for b in inputs if not b.skipped]


def seed_texts() -> list[str]:
    """The seed reports' text (UTF-8), from the repo's bundled copy or the shared folder."""
    folder = SEEDS_DIR if any(SEEDS_DIR.glob("*.txt")) else SHARED_SEEDS
    return [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))]


def _html(text: str) -> str:
    body = "".join(f"<p>{line}</p>" for line in text.splitlines() if line.strip())
    return f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>年度报告</title></head><body>{body}</body></html>"


def _short_rows(text: str) -> str:
    """Drop the last cell of every tab-separated row."""
    return "\n".join(line.rsplit("\t", 1)[0] if "\t" in line else line for line in text.splitlines())


def _absurd(text: str, r: random.Random, *, giants: bool = False) -> str:
    """Replace table numbers by absurd ones: 10^30, negatives, NaN, full-width digits, and one number
    each of 1e5 decimals and 1e5 digits (more giant cells only make the file slower, not harder)."""
    big = ["0." + "3" * 100_000, "9" * 100_000] if giants else []
    small = ["1" + "0" * 30, "-7", "-0", "1e308", "NaN", "∞", "１２３", "3.14159", "+1036", "1,234"]

    def pick(_: re.Match[str]) -> str:
        if big and r.random() < 0.1:
            return big.pop()
        return r.choice(small)

    return re.sub(r"(?<=\t)\d+(?=\t|$)", pick, text, flags=re.M)


def mutate(text: str, r: random.Random) -> str:
    """One random structural mutation of a report's text (deterministic given ``r``)."""
    lines = text.splitlines()
    op = r.randrange(9)
    if op == 0 and len(text) > 10:  # delete a span
        a = r.randrange(len(text))
        return text[:a] + text[a + r.randrange(1, 2000):]
    if op == 1:  # duplicate a block of lines
        a = r.randrange(len(lines))
        return "\n".join(lines[:a] + lines[a:a + 40] * 2 + lines[a + 40:])
    if op == 2:  # shuffle some lines
        idx = r.sample(range(len(lines)), min(len(lines), 20))
        moved = [lines[i] for i in idx]
        r.shuffle(moved)
        for i, line in zip(idx, moved, strict=True):
            lines[i] = line
        return "\n".join(lines)
    if op == 3:  # random digits everywhere
        return re.sub(r"\d+", lambda m: str(r.choice([0, 1, 7, 99, 10**12, -3])), text)
    if op == 4:  # insert random unicode, control and bidi characters
        a = r.randrange(len(text) + 1)
        junk = "".join(chr(r.choice([0x202E, 0x200B, 0xFEFF, 0x3000, 0x7, 0x1B, r.randrange(0x4E00, 0x9FFF),
                                     r.randrange(0x1F300, 0x1F6FF)])) for _ in range(r.randrange(1, 50)))
        return text[:a] + junk + text[a:]
    if op == 5:  # tabs become pipes or spaces
        return text.replace("\t", r.choice([" | ", "  ", "|", "\u3000"]))
    if op == 6:  # truncate
        return text[: r.randrange(len(text) + 1)]
    if op == 7:  # drop every blank line (merges rows of cell-per-line layouts)
        return "\n".join(line for line in lines if line.strip())
    return _absurd(text, r)


def write_bad_inputs(folder: Path, *, large_mb: int, n_fuzz: int, seed: int = 0) -> list[BadInput]:
    """Write the fixed hostile files plus ``n_fuzz`` mutated seeds into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    r = random.Random(seed)
    seeds = seed_texts()
    base = seeds[0]
    out: list[BadInput] = []

    def put(name: str, data: bytes | str, kind: str, unreadable: bool = False) -> None:
        (folder / name).write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        out.append(BadInput(name, kind, unreadable))

    put("empty.txt", b"", "empty file", unreadable=True)
    put("random_bytes.txt", bytes(r.randrange(256) for _ in range(20_000)), "random bytes", unreadable=True)
    put("png_header.pdf", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(r.randrange(256) for _ in range(4000)),
        "a PNG renamed .pdf", unreadable=True)
    zbuf = io.BytesIO()
    with zipfile.ZipFile(zbuf, "w") as z:
        z.writestr("notes/readme.txt", "not a Word document")
    put("zip_not_docx.docx", zbuf.getvalue(), "a zip that is not a Word document", unreadable=True)
    put("nul_bytes.txt", b"\x00" * 5000, "only NUL bytes", unreadable=True)
    put("whitespace_only.txt", "\n\n   \t\u3000\n", "only white space", unreadable=True)

    put("utf16le_bom.txt", base.encode("utf-16"), "UTF-16 with BOM")
    put("utf16le_nobom.txt", base.encode("utf-16-le"), "UTF-16-LE without BOM")
    put("utf16be.txt", "\ufeff".encode("utf-16-be") + base.encode("utf-16-be"), "UTF-16-BE with BOM")
    put("gb18030.txt", seeds[1 % len(seeds)].encode("gb18030"), "GB18030")
    half = len(base) // 2
    put("mixed_encodings.txt", base[:half].encode("utf-8") + base[half:].encode("gb18030"), "UTF-8 then GB18030")
    put("utf8_bad_bytes.txt", base.encode("utf-8")[:5000] + b"\xff\xfe\xc3" + base.encode("utf-8")[5000:],
        "UTF-8 with invalid bytes")
    put("truncated.txt", base[: len(base) // 3], "report cut after a third")
    put("truncated_mid_char.txt", base.encode("utf-8")[:2001], "report cut inside a character")
    put("truncated_page.html", _html(base)[:3000], "HTML cut mid-document")
    put("tags_only.html", "<html><body><table><tr><td></td></tr></table></body></html>", "HTML with no text")
    put("duplicated_sections.txt", base + "\n" + base, "every section twice")
    put("all_rows_short.txt", _short_rows(base), "every table row one cell short")
    put("absurd_numbers.txt", _absurd(base, r), "10^30, negatives, NaN, full-width digits")
    put("traditional.txt", base.translate(TRADITIONAL), "labels in traditional characters (規章 行政許可 總計)")
    put("one_line.txt", base.replace("\n", ""), "whole report on one line")
    put("crlf.txt", base.replace("\n", "\r\n"), "Windows line ends")
    put("cr_only.txt", base.replace("\n", "\r"), "old Mac line ends")
    put("markdown_fences.md", "```\n" + base + "\n```\n", "report inside a code fence")
    legacy = REAL_DIR / "pingtan-archive__pingtan-2018-legacy.txt"
    if legacy.exists():
        put("legacy_2018.txt", legacy.read_bytes(), "pre-2019 legacy report")
    big = (base + "\n") + ("六、其他需要报告的事项\n" + "本年度无其他需要报告的事项。" * 200 + "\n") * 1
    filler = "本单位持续推进政务公开工作，加强政策解读与回应关切。"
    repeat = max(1, large_mb * 1024 * 1024 // len(filler.encode("utf-8")))
    put("large.txt", big + filler * repeat, f"~{large_mb} MB report")

    # issue 12: names, NULs, nesting, archives, huge counts, formulas, non-regular files
    put(os.fsdecode("舞钢市报告".encode("gbk") + b".txt"), base, "GBK bytes in the file name")
    put("few_nuls.txt", base[:200] + "\x00" + base[200:1500] + "\x00\x00" + base[1500:], "three stray NUL bytes")
    put("deep_divs.html", "<html><body>" + "<div>" * 3000 + _html(base) + "</div>" * 3000 + "</body></html>",
        "report nested 3000 <div> levels deep")
    put("deep_tables.html", "<html><body>" + "<table><tr><td>" * 800 + "x" + "</td></tr></table>" * 800
        + _html(base) + "</body></html>", "800 nested tables before the report")
    put("docx_bomb.docx", _docx_bomb(), "a .docx that inflates to 300 MB", unreadable=True)
    put("overflow_counts.txt", re.sub(r"(?<=\t)\d+(?=\t)", "9007199254740993", base, count=3),
        "counts beyond 2**53")
    put("formula_cells.txt", base.replace("一、总体情况", "一、总体情况\n =HYPERLINK(\"http://x\",\"y\")", 1),
        "a formula after a leading space")
    os.mkfifo(folder / "named_pipe.txt")
    out.append(BadInput("named_pipe.txt", "a FIFO inside the folder", unreadable=False, skipped=True))

    for i in range(n_fuzz):
        text = seeds[i % len(seeds)]
        for _ in range(1 + r.randrange(3)):
            text = mutate(text, r)
        enc = r.choice(["utf-8", "utf-8", "utf-8-sig", "gb18030", "utf-16"])
        try:
            data = text.encode(enc)
        except UnicodeEncodeError:
            data = text.encode("utf-8", errors="surrogatepass")
        put(f"fuzz_{i:05d}.txt", data, f"fuzzed seed {i % len(seeds)} ({enc})")
    return out


def _docx_bomb(inflated_mb: int = 300) -> bytes:
    """A Word document plus a member of zeros declared and inflating to ``inflated_mb`` MB."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"/>')
        z.writestr("word/document.xml", "<w:document/>")
        with z.open("word/media/image1.png", "w", force_zip64=True) as fh:
            chunk = b"\0" * (1 << 20)
            for _ in range(inflated_mb):
                fh.write(chunk)
    return buf.getvalue()


def giant_numbers_report(seed: int = 0) -> str:
    """A seed whose table holds one number of 1e5 decimals and one of 1e5 digits."""
    text = seed_texts()[0]
    r = random.Random(seed)
    out = _absurd(text, r, giants=True)
    while "9" * 100_000 not in out or "3" * 100_000 not in out:
        out = _absurd(text, r, giants=True)
    return out
