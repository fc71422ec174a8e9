"""Several accounts in one run: a thread per account, each with its own collector (so its own request
gate and limits); every account's outputs go to files of its own, a summary table is printed, and
the process exit code is the worst one, in the order of ``EXIT_SEVERITY``."""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from netsuite_audit.audit.model import Status
from netsuite_audit.pipeline import (
    PROFILE_FIELD,
    RunPlan,
    audit_account,
    fill,
    load_baseline,
    load_mutes,
    stderr_warning,
)
from netsuite_audit.render.emit import Target
from netsuite_audit.result import AuditResult
from netsuite_audit.support.errors import InputError

# Worst first: bad input (2) beats could-not-audit (3) beats findings (1) beats clean (0).
EXIT_SEVERITY = (2, 3, 1, 0)

@dataclass(frozen=True)
class AccountRun:
    profile: str
    exit_code: int
    result: AuditResult | None = None
    error: str | None = None
    files: tuple[Path, ...] = ()


def worst_exit(codes: Sequence[int]) -> int:
    """The most serious exit code: 2 > 3 > 1 > 0 (unknown codes count as 3)."""
    ranked = [c if c in EXIT_SEVERITY else 3 for c in codes]
    return min(ranked, key=EXIT_SEVERITY.index) if ranked else 0


def shard_profiles(profiles: Sequence[str], shard: str) -> list[str]:
    """Shard I of N (``"I/N"``, 1-based) of the profiles: every N-th name in sorted order from the I-th,
    so N jobs given the same profiles audit each account exactly once."""
    index, slash, count = shard.partition("/")
    if not (slash and index.strip().isdigit() and count.strip().isdigit()):
        raise InputError("expected I/N, e.g. 2/8", source="--shard")
    i, n = int(index), int(count)
    if not 1 <= i <= n:
        raise InputError(f"shard {i} of {n}: I must be between 1 and N", source="--shard")
    return sorted(profiles)[i - 1::n]


def account_targets(targets: Sequence[Target], profile: str) -> list[Target]:
    return [replace(t, path=Path(fill(str(t.path), profile))) if t.path is not None else t for t in targets]


def check_multi_targets(targets: Sequence[Target]) -> None:
    """With several accounts every output goes to its own file: FORMAT:PATH with {profile} in PATH."""
    for target in targets:
        if target.path is None or PROFILE_FIELD not in str(target.path):
            raise InputError(f"with several accounts, give each format a file path containing {PROFILE_FIELD} "
                             f"(e.g. {target.fmt}:nsaudit-{PROFILE_FIELD}.{target.fmt})", source="--format")


def _one(plan: RunPlan, profile: str, targets: Sequence[Target], color: bool | None) -> AccountRun:
    from netsuite_audit.render.emit import emit

    def warn(message: str) -> None:
        stderr_warning(f"[{profile}] {message}")

    try:
        result = audit_account(plan, profile, warn)
        mine = account_targets(targets, profile)
        emit(result, mine, color=color)
    except InputError as exc:
        return AccountRun(profile, 2, error=str(exc))
    except Exception as exc:  # one broken account must not hide the others' results
        return AccountRun(profile, 3, error=f"{type(exc).__name__}: {exc}")
    return AccountRun(profile, result.exit_code, result, files=tuple(t.path for t in mine if t.path))


def run_accounts(plan: RunPlan, profiles: Sequence[str], targets: Sequence[Target],
                 color: bool | None = None) -> list[AccountRun]:
    """Audit each profile's account in its own thread; results come back in the order given."""
    check_multi_targets(targets)
    for profile in profiles:  # bad mute or baseline files stop the run before any account is read
        load_mutes(plan, profile)
        load_baseline(plan, profile)
    plan = replace(plan, progress=False)
    with ThreadPoolExecutor(max_workers=len(profiles), thread_name_prefix="nsaudit-account") as pool:
        futures = [pool.submit(_one, plan, p, targets, color) for p in profiles]
        return [f.result() for f in futures]


def render_summary(runs: Sequence[AccountRun], *, color: bool = False, width: int = 120) -> str:
    import io

    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, title="nsaudit: accounts", title_justify="left")
    columns = ("profile", "account", "exit", "FAIL", "WARN", "UNVERIFIABLE", "ERROR", "MUTED", "known", "output")
    for column in columns:
        table.add_column(column, justify="right" if column.isupper() or column in ("exit", "known") else "left")
    for run in runs:
        if run.result is None:
            table.add_row(Text(run.profile), "", str(run.exit_code), "", "", "", "", "", "",
                          Text(run.error or "", style="red"))
            continue
        counts = run.result.summary.by_status
        known = sum(1 for f in run.result.findings if f.baseline)
        table.add_row(Text(run.profile), Text(run.result.account.account_id), str(run.exit_code),
                      *(str(counts.get(s.value, 0)) for s in (Status.FAIL, Status.WARN, Status.UNVERIFIABLE,
                                                              Status.ERROR, Status.MUTED)),
                      str(known), Text(", ".join(str(p) for p in run.files)))
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=color, no_color=not color, width=width, highlight=False)
    console.print(table)
    console.print(f"exit {worst_exit([r.exit_code for r in runs])} (worst of {len(runs)} accounts; "
                  "order 2 > 3 > 1 > 0)")
    return buffer.getvalue()
