"""The README's demo excerpt, cut from a real `nsaudit run --demo` (tests/meta/test_readme_demo.py compares).

    python scripts/readme_demo.py          # rewrite the excerpt in README.md from a fresh run
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
COMMAND = ("nsaudit", "run", "--demo", "--no-color")
START = "```text\n$ nsaudit run --demo\n"
HEAD = 20  # lines from the top: the verdict and the first "fix these first" findings
MIDDLE = 8  # lines from the first "Then these" section: one line per finding
MIDDLE_START = "Then these"
TAIL = 8  # lines from the end: passed checks and the summary


def demo_output() -> str:
    done = subprocess.run([sys.executable, "-m", "netsuite_audit", *COMMAND[1:]], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, check=False)
    if done.returncode != 1:
        raise SystemExit(f"nsaudit run --demo exited {done.returncode}: {done.stderr[-2000:]}")
    return done.stdout


def excerpt(output: str) -> str:
    """The top, the start of the one-line findings, and the end, with the lines left out counted. The
    simulator's port (a new one each run) is written PORT."""
    lines = re.sub(r"127\.0\.0\.1:[0-9]+", "127.0.0.1:PORT", output).rstrip("\n").split("\n")
    middle = next((i for i, line in enumerate(lines) if line.startswith(MIDDLE_START)), HEAD)
    pieces = [(0, HEAD), (max(middle, HEAD), max(middle, HEAD) + MIDDLE), (len(lines) - TAIL, len(lines))]
    out: list[str] = []
    shown = 0
    for start, end in pieces:
        start = max(start, shown)
        if start > shown:
            out.append(f"[... {start - shown} more lines ...]")
        out += lines[start:end]
        shown = max(shown, end)
    return "\n".join(out) + "\n"


def readme_excerpt(text: str) -> str:
    """The excerpt as the README has it (between its ```text fence and the closing fence)."""
    start = text.index(START) + len(START)
    return text[start:text.index("```", start)]


def update() -> None:
    text = README.read_text(encoding="utf-8")
    old = readme_excerpt(text)
    README.write_text(text.replace(START + old, START + excerpt(demo_output()), 1), encoding="utf-8")


if __name__ == "__main__":
    update()
