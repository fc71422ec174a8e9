"""A pending report with nothing found is said to export cleanly only when every check could judge it;
otherwise every output says "not verified" and names the checks that could not tell (green means
checked)."""

from __future__ import annotations

from netsuite_audit.audit.verdicts import ReportVerdict
from netsuite_audit.render.html import render_html
from netsuite_audit.render.markdown import render_markdown
from netsuite_audit.render.text import render_text
from tests.support.render_sample import sample_result

UNSURE = ReportVerdict(report_id="R0044", employee="kim@example.com", exports_cleanly=True, codes=(), lines=(),
                       unverified=("tax-required", "transaction-forms"))


def _result():  # type: ignore[no-untyped-def]
    result = sample_result()
    return result.model_copy(update={"report_verdicts": (*result.report_verdicts, UNSURE)})


def test_the_text_never_says_a_report_not_fully_judged_exports_cleanly() -> None:
    words = " ".join(render_text(_result(), color=False).split())
    assert "1 export cleanly, 1 not verified" in words
    assert "exports cleanly: R0043" in words and "R0044" not in words.split("exports cleanly: ", 1)[1][:20]
    assert "not verified (nothing found, but tax-required, transaction-forms could not tell): R0044" in words
    verbose = " ".join(render_text(_result(), color=False, verbose=True).split())
    assert "not verified R0044 (kim@example.com): not verified: nothing found, but 2 checks could not tell" in verbose


def test_html_and_markdown_say_not_verified_instead_of_yes() -> None:
    for rendered in (render_html(_result()), render_markdown(_result())):
        words = " ".join(rendered.split())
        assert "not verified: nothing found, but 2 checks could not tell (tax-required, transaction-forms)" in words
    assert UNSURE.verified is False and sample_result().report_verdicts[1].verified is True
