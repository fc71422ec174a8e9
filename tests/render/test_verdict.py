"""The run's verdict is decided once (result.RunVerdict.of) and every renderer words that decision:
the text "Result:" line, the compliance sentence (Markdown and HTML) and its style, the SARIF
invocation. None of them looks at the exit code or the login on its own."""

from __future__ import annotations

from datetime import timedelta

import pytest
from markupsafe import escape

from netsuite_audit.audit.model import Finding, Severity, Status, Subject
from netsuite_audit.render import compliance
from netsuite_audit.render.html import render_html
from netsuite_audit.render.junit import counts_as_failure
from netsuite_audit.render.markdown import inline, render_markdown
from netsuite_audit.render.sarif import build_sarif
from netsuite_audit.render.text import render_account_brief, render_text, verdict_line
from netsuite_audit.result import AuditResult, Outcome, RunVerdict, Selection, build_result, counts_toward_exit
from tests.support import render_sample as rs


def _result(findings: list[Finding], fail_on: Severity = Severity.MEDIUM) -> AuditResult:
    return build_result(
        snapshot=rs.sample_snapshot(), findings=findings, checks=[(meta, True) for meta in rs.CHECKS],
        skipped=[("supervisor-valid", "needs a workspace file")], started_at=rs.STARTED,
        finished_at=rs.STARTED + timedelta(seconds=42), selection=Selection(fail_on=fail_on),
        role="Expense Integration", workspace="nsaudit.toml", permissions=rs.PERMISSIONS, verdicts=rs.VERDICTS,
    )


def _without_error() -> list[Finding]:
    return [f for f in rs.sample_findings() if f.status != Status.ERROR]


def _read_failure() -> Finding:
    return rs.make_finding("currency-valid", Status.UNVERIFIABLE, Severity.MEDIUM, "The currencies could not be read.",
                           code="NS0012", subject=Subject(kind="currency", id="1"),
                           evidence={"read_failures": ["currency"]})


def _folded() -> list[Finding]:
    first, *rest = _without_error()
    return [first.model_copy(update={"count": 1234}), *rest]


# name -> (result, the outcome it must be decided as, the text line, the compliance sentence)
CASES: dict[str, tuple[AuditResult, Outcome, str, str]] = {
    "clean": (
        _result(_without_error(), Severity.CRITICAL), Outcome.CLEAN,
        "Result: nothing needs action at or above critical (exit 0)",
        "Result: no finding needs action at severity critical or above",
    ),
    "clean, nothing found": (
        _result([], Severity.LOW), Outcome.CLEAN,
        "Result: nothing needs action at or above low (exit 0)",
        "Result: no finding needs action at severity low or above",
    ),
    "action, one finding": (
        _result([f for f in _without_error() if f.code != "NS0770"]), Outcome.ACTION,
        "Result: 1 finding needs action (exit 1: at or above medium)",
        "Result: 1 finding needs action (severity medium or above)",
    ),
    "action, a folded finding": (
        _result(_folded(), Severity.LOW), Outcome.ACTION,
        "Result: 1,237 findings need action (exit 1: at or above low)",
        "Result: 1237 findings need action",
    ),
    "incomplete, a check broke": (
        rs.sample_result(), Outcome.INCOMPLETE,
        "Result: could not audit completely: 1 check broke (exit 3)",
        "Result: audit incomplete: 1 check broke; see Scope and limitations",
    ),
    "incomplete, a read failed": (
        _result([*_without_error(), _read_failure()], Severity.LOW), Outcome.INCOMPLETE,
        "Result: could not audit completely: some reads failed on the way (network, timeout or server) (exit 3)",
        "Result: audit incomplete: some reads failed on the way (network, timeout or server); "
        "see Scope and limitations",
    ),
    "not audited": (
        rs.sample_result().model_copy(update={"login_ok": False}).recomputed(), Outcome.NOT_AUDITED,
        "Result: could not audit: the login failed, so the account was not read (exit 3)",
        "Result: not audited. The integration's login did not succeed, so the account could not be read",
    ),
}


def _result_line(text: str) -> str:
    return next(line for line in text.splitlines() if line.startswith("Result:"))


@pytest.mark.parametrize("name", list(CASES))
def test_one_decision_worded_by_every_renderer(name: str) -> None:
    result, outcome, line, sentence = CASES[name]
    verdict = RunVerdict.of(result)
    assert verdict.outcome is outcome
    assert verdict.exit_code == result.exit_code
    assert verdict.audited == (outcome in (Outcome.CLEAN, Outcome.ACTION))

    assert verdict_line(verdict) == line
    assert compliance.result_sentence(verdict) == sentence
    assert _result_line(render_text(result, color=False, width=300)) == line
    assert _result_line(render_account_brief(result, "p1", width=300)) == line

    report = compliance.build_compliance(result)
    assert report.verdict == verdict
    assert report.result_sentence == sentence
    assert report.result_class == compliance.RESULT_CLASS[outcome]
    assert f"\n**{inline(sentence)}**\n" in render_markdown(result)
    assert f'<p class="result {report.result_class}">{escape(sentence)}</p>' in render_html(result)

    invocation = build_sarif(result)["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is verdict.audited
    assert invocation["exitCode"] == verdict.exit_code


def test_the_cases_cover_every_outcome() -> None:
    assert {outcome for _, outcome, _, _ in CASES.values()} == set(Outcome)
    assert set(compliance.RESULT_CLASS) == set(Outcome)


@pytest.mark.parametrize("outcome", list(Outcome))
def test_renderers_do_not_decide_again(outcome: Outcome, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever the one decision says, every renderer says it too (here, of a result that is clean)."""
    result = CASES["clean, nothing found"][0]
    decided = RunVerdict(outcome=outcome, exit_code=7, fail_on=Severity.HIGH, need_action=5, broken=2,
                         read_failures=True)
    monkeypatch.setattr(RunVerdict, "of", classmethod(lambda cls, _result: decided))

    line = verdict_line(decided)
    sentence = compliance.result_sentence(decided)
    assert _result_line(render_text(result, color=False, width=300)) == line
    assert "· exit 7 (fail-on high)" in render_text(result, color=False, width=300)
    assert _result_line(render_account_brief(result, "p1", width=300)) == line
    assert f"\n**{inline(sentence)}**\n" in render_markdown(result)
    assert f'<p class="result {compliance.RESULT_CLASS[outcome]}">{escape(sentence)}</p>' in render_html(result)
    invocation = build_sarif(result)["runs"][0]["invocations"][0]
    assert (invocation["executionSuccessful"], invocation["exitCode"]) == (decided.audited, 7)


def test_each_outcome_is_worded_apart() -> None:
    verdicts = [RunVerdict(outcome=o, exit_code=0, fail_on=Severity.LOW, need_action=2, broken=1, read_failures=False)
                for o in Outcome]
    assert len({verdict_line(v) for v in verdicts}) == len(Outcome)
    assert len({compliance.result_sentence(v) for v in verdicts}) == len(Outcome)


def test_need_action_is_what_the_exit_code_and_junit_count() -> None:
    result = _result(_folded(), Severity.MEDIUM)
    counted = [f for f in result.findings if counts_toward_exit(f, result.selection.fail_on)]
    assert RunVerdict.of(result).need_action == sum(f.count for f in counted)
    assert [f for f in result.findings if counts_as_failure(f, result)] == counted
    assert (result.exit_code == 1) == bool(counted)
