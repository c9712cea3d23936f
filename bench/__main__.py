"""`make bench`: run every benchmark in the foreground, print the figures and
write them to BENCHMARKS.md (between the generated markers).

Each bench module has `run() -> dict`; a value that is itself a dict becomes a
table row. Run as one foreground command: a background process can be paused
on these machines and its figures then mean nothing.
"""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

BENCHMARKS = {
    "timeline": "bench.bench_timeline",
    "render": "bench.bench_render",
    "handover": "bench.bench_handover",
    "live": "bench.bench_live",
    "listen": "bench.bench_listen",
    "ui": "bench.bench_ui",
    "fuzz": "bench.bench_fuzz",
    "soak": "bench.bench_soak",
    "terminal": "bench.bench_terminal",
    "meters": "bench.bench_meters",
    "commands": "bench.bench_commands",
    "compile-curve": "bench.bench_compile",
    "autosave": "bench.bench_autosave",
    "import-10mb": "bench.bench_import",
    "check-big": "bench.bench_check_big",
    "render-memory": "bench.bench_render_memory",
    "link": "bench.bench_link",
    "big-edits": "bench.bench_big_edits",
}
"""Name -> module (its run()) or module:function."""
BEGIN = "<!-- bench:begin -->"
END = "<!-- bench:end -->"


def _format(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3g}" if abs(value) < 1000 else f"{value:.0f}"
    return str(value)


def to_markdown(name: str, result: dict[str, Any]) -> str:
    out = [f"### {name}", ""]
    note = result.pop("note", None)
    if note:
        out += [str(note), ""]
    scalars = {k: v for k, v in result.items() if not isinstance(v, dict)}
    tables = {k: v for k, v in result.items() if isinstance(v, dict)}
    if scalars:
        out += ["| figure | value |", "|---|---|"]
        out += [f"| {k} | {_format(v)} |" for k, v in scalars.items()]
        out.append("")
    shared = [f for f in {f for case in tables.values() for f in case}
              if sum(f in case for case in tables.values()) > 1]  # fmt: skip
    if tables and not shared:
        # Groups of different figures (messages, lateness, memory): a table each.
        for group, case in tables.items():
            out += [f"**{group}**", "", "| figure | value |", "|---|---|"]
            out += [f"| {k} | {_format(v)} |" for k, v in case.items()]
            out.append("")
    elif tables:
        # One column per case (a song, idle / playing), one row per figure: the
        # cases are few, the figures many, and a page is taller than it is wide.
        figures: list[str] = []
        for case in tables.values():
            figures += [f for f in case if f not in figures]
        out += ["| figure | " + " | ".join(tables) + " |", "|---" * (len(tables) + 1) + "|"]
        for figure in figures:
            cells = " | ".join(_format(case.get(figure, "")) for case in tables.values())
            out.append(f"| {figure} | {cells} |")
        out.append("")
    return "\n".join(out)


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("names", nargs="*", choices=[*BENCHMARKS, []], help="benchmarks to run")
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument(
        "--full",
        action="store_true",
        help="every size of the heavy benchmarks (commands: 20-minute renders)",
    )
    args = parser.parse_args()
    if args.full:
        os.environ["BENCH_FULL"] = "1"
    names = args.names or list(BENCHMARKS)
    path = Path("BENCHMARKS.md")
    text = path.read_text() if path.exists() else f"# Benchmarks\n\n{BEGIN}\n{END}\n"
    head, _, rest = text.partition(BEGIN)
    generated, _, tail = rest.partition(END)
    sections = _sections(generated)
    stamp = (
        f"_Measured {time.strftime('%Y-%m-%d %H:%M')} on {platform.machine()}, "
        f"Python {platform.python_version()}, {os.cpu_count()} cores._"
    )
    for name in names:
        print(f"bench: {name} ...", file=sys.stderr, flush=True)
        module_name, _, function = BENCHMARKS[name].partition(":")
        module = importlib.import_module(module_name)
        result = getattr(module, function or "run")()
        section = to_markdown(name, dict(result)) + "\n" + stamp + "\n"
        print(section)
        sections[name] = section
        if not args.no_write:  # after each one: a long run keeps what it measured
            ordered = "\n".join(sections.values())  # in place; a new one last
            path.write_text(head + BEGIN + "\n" + ordered + END + tail)
    return 0


def _sections(generated: str) -> dict[str, str]:
    """The sections already in BENCHMARKS.md, by benchmark name: a run of some
    benchmarks replaces only theirs where they stand, and sections written by hand
    stay where they are."""
    found: dict[str, str] = {}
    for chunk in ("\n" + generated).split("\n### ")[1:]:
        name = chunk.split("\n", 1)[0].strip()
        found[name] = "### " + chunk.rstrip("\n") + "\n"
    return found


if __name__ == "__main__":
    raise SystemExit(main())
