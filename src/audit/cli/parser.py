"""The ``audit`` argument parser: subcommands, their options (help texts in Chinese) and their functions."""

from __future__ import annotations

import argparse
from typing import NoReturn

import audit
from audit.cli.commands import cmd_config, cmd_docs, cmd_keys, cmd_normalise, cmd_rules, cmd_schema
from audit.cli.common import UsageError
from audit.cli.run import cmd_run

FAIL_ON = ("error", "warning")


class _Parser(argparse.ArgumentParser):
    """An argparse parser that raises ``UsageError`` instead of exiting, so ``main`` returns 2."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message}")



def _add_config_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", default=None, metavar="文件",
                   help="配置文件（默认：./audit.toml，其次 ./pyproject.toml 的 [tool.audit]）")
    p.add_argument("--rules", action="append", default=None, metavar="路径",
                   help="本地规则包：YAML 文件、文件夹、Python 文件或模块（可重复）")



def _jobs(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"不是数字：“{text}”") from None
    if n < 1:
        raise argparse.ArgumentTypeError("至少为 1")
    return n


def _selectors(text: str) -> list[str]:
    return [s.strip() for s in text.split(",") if s.strip()]


def _extend(ns_list: list[list[str]] | None) -> list[str] | None:
    return [s for group in ns_list for s in group] if ns_list else None


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="audit", description="审核政府信息公开工作年度报告：读取报告，逐条核对，评分并导出结果。")
    parser.add_argument("-V", "--version", action="version", version=f"audit {audit.__version__}",
                        help="显示版本号并退出")
    sub = parser.add_subparsers(dest="command", metavar="命令", required=True)

    run = sub.add_parser("run", help="审核报告文件，写出问题清单和评分表")
    run.add_argument("paths", nargs="*", metavar="路径",
                     help="报告文件或文件夹（默认：当前目录下的 ./reports 文件夹，没有时为自带的示例报告）")
    run.add_argument("--out", default="out", metavar="文件夹", help="输出文件夹（默认：out/）")
    run.add_argument("--format", default="table", metavar="格式",
                     help="在屏幕上输出什么：一种输出格式的名称，如 table（默认，摘要表）、json、csv、xlsx、html、sarif；"
                          "每种格式的文件都会写入 --out 文件夹")
    run.add_argument("--select", type=_selectors, action="append", metavar="规则",
                     help="只运行这些规则：规则编号、编号前缀、规则包、类别或级别，用逗号分隔")
    run.add_argument("--ignore", type=_selectors, action="append", metavar="规则", help="不运行这些规则")
    run.add_argument("--fail-on", choices=FAIL_ON, default=None,
                     help="仍有该级别或更严重的未豁免问题时，以退出码 1 结束")
    run.add_argument("--jobs", type=_jobs, default=None, metavar="数量", help="读取报告的进程数（默认：全部处理器核心）")
    run.add_argument("--quiet", action="store_true", help="只输出错误")
    _add_config_options(run)
    run.add_argument("--waivers", default=None, metavar="文件", help="豁免清单（YAML 文件）")
    run.add_argument("--no-waivers", action="store_true", help="不使用豁免：显示未豁免时的结果")
    run.add_argument("--baseline", default=None, metavar="文件",
                     help="上次运行的 findings.json：标出每条问题是新增还是以前已有")
    run.add_argument("--only-new", action="store_true", help="与 --baseline 一起使用：只保留新增的问题")
    run.add_argument("--units", default=None, metavar="文件",
                     help="单位名单（CSV 或 XLSX，表头：单位名称、地区、层级、上级单位、类型）：列出未提交的单位，按地区汇总")
    run.add_argument("--rubric", default=None, metavar="文件",
                     help="本地考核细则（TOML）：按细则生成各单位扣分明细（写入 scorecard.xlsx 和 report.html）")
    run.add_argument("--allow-broken-packs", action="store_true",
                     help="规则包加载失败时仍继续运行（其规则不运行，摘要中说明）；不加此选项时，"
                          "这样的运行在读取任何报告之前以退出码 2 结束")
    run.set_defaults(func=cmd_run)

    norm = sub.add_parser("normalise", help="把每份报告写成规范化的 JSON")
    norm.add_argument("paths", nargs="+", metavar="路径", help="报告文件或文件夹")
    norm.add_argument("--out", default="out/normalised", metavar="文件夹", help="输出文件夹（默认：out/normalised）")
    norm.add_argument("--jobs", type=_jobs, default=None, metavar="数量", help="读取报告的进程数（默认：全部处理器核心）")
    norm.add_argument("--quiet", action="store_true", help="只输出错误")
    norm.set_defaults(func=cmd_normalise)

    rules = sub.add_parser("rules", help="列出全部规则（或说明其中一条）")
    rules.add_argument("rule_id", nargs="?", metavar="规则编号", help="规则编号：给出时显示这条规则的完整说明和示例")
    _add_config_options(rules)
    rules.set_defaults(func=cmd_rules)

    keys = sub.add_parser("keys", help="列出表格、行、列的标准键名及其在报告中的印刷名称（按表格版本）")
    keys.add_argument("--edition", choices=("2019", "2021"), default=None, help="只列出这一版本（默认：两个版本）")
    keys.set_defaults(func=cmd_keys)

    conf = sub.add_parser("config", help="显示生效的配置及每项的来源")
    _add_config_options(conf)
    conf.set_defaults(func=cmd_config)

    docs = sub.add_parser("docs", help="为每条规则写一页 Markdown 说明和一个索引")
    docs.add_argument("--out", default="out/docs", metavar="文件夹", help="输出文件夹（默认：out/docs）")
    _add_config_options(docs)
    docs.set_defaults(func=cmd_docs)

    schema = sub.add_parser("schema", help="输出规范化报告的 JSON Schema")
    schema.set_defaults(func=cmd_schema)
    return parser
