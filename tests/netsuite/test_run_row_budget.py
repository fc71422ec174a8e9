"""One row budget for the whole run (issue 22, item 4): every page a client accepts (SuiteQL, SOAP
searches, the RESTlet, the Expensify download) counts against it, so a hostile server that sends
well-formed pages under every per-query bound still cannot grow the run's memory until --timeout.
Past the budget the run is "could not audit" (exit 3), naming what happened. The budget is kept small
here with NSAUDIT_MAX_ROWS, so each test is fast; the default is ``transport.MAX_ROWS_PER_RUN``.

Also here: the transaction look-up's first batch pages on when NetSuite leaves out ``totalResults``
and says more rows follow, bounded like every later batch (before, it read one page and dropped the
rest)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from click.testing import CliRunner

from netsuite_audit.cli import cli
from netsuite_audit.netsuite.rest import RESTLET_PATH, SUITEQL_PATH
from netsuite_audit.netsuite.transport import MAX_ROWS_PER_RUN, RowBudget
from tests.netsuite.test_hostile_answers import (
    GOOD_LINE,
    HEALTHY,
    POLICY_ID,
    WORKSPACE,
    _env,
    _expensify_env,
    _expensify_script,
    _permission_blamed,
    _policy,
    proxied,
    run,
)
from tests.support.e2e import serve
from tests.support.hostile import Hostile, Request, forwarding, refuse_rest_login


def _offset(request: Request) -> int:
    return int(parse_qs(urlsplit(request.path).query).get("offset", ["0"])[0])


def _reports(tmp: Path) -> Path:
    path = tmp / "reports.json"
    path.write_text(json.dumps({"reports": [{"id": "R1", "employee": "dana.whitfield@northwind.example",
                                             "lines": [{"amount": 10, "category": "Meals"}]}]}))
    return path


def test_the_default_budget_is_far_above_the_xxl_account() -> None:
    """The XXL benchmark account (400,000+ rows over all tables) must pass with room to spare."""
    assert MAX_ROWS_PER_RUN >= 10 * 400_000
    assert RowBudget().limit == MAX_ROWS_PER_RUN


def test_valid_suiteql_pages_past_the_runs_row_budget_are_could_not_audit(tmp_path: Path) -> None:
    """Every table answers 3,000 well-formed rows (3 pages, totalResults far under the per-query bound):
    each query alone is fine, all of them together pass the run's budget of 5,000 rows."""
    def answer(request: Request) -> bool:
        if not request.path.startswith(SUITEQL_PATH) or b"FROM transaction" in request.seen.body:
            return False
        offset = _offset(request)
        items = [{"id": str(offset + n + 1), "name": f"row {offset + n}"} for n in range(1000)]
        request.answer(200, json.dumps({"items": items, "count": 1000, "hasMore": offset < 2000,
                                        "offset": offset, "totalResults": 3000}))
        return True

    with proxied(HEALTHY, answer) as (server, url):
        env = {**_env(server, url, tmp_path), "NSAUDIT_MAX_ROWS": "5000"}
        code, said, result = run(env, tmp_path, "--workspace", str(WORKSPACE))
    assert code == 3, said[-2000:]
    assert "the servers sent more than 5,000 rows in this run; not what a NetSuite account answers" in said
    assert result["exit_code"] == 3 and not _permission_blamed(result)


def test_soap_search_pages_count_against_the_runs_row_budget(tmp_path: Path) -> None:
    """REST refused, every table read by SOAP searches of the simulator: a budget of 5 rows is passed."""

    with serve(HEALTHY) as server, Hostile(forwarding(server.url, refuse_rest_login)) as proxy:
        env = {**_env(server, proxy.url, tmp_path), "NSAUDIT_MAX_ROWS": "5"}
        code, said, result = run(env, tmp_path, "--workspace", str(WORKSPACE))
    assert code == 3, said[-2000:]
    assert "more than 5 rows in this run" in said
    assert not _permission_blamed(result)


def test_a_restlet_answer_past_the_runs_row_budget_is_could_not_audit(tmp_path: Path) -> None:
    """The healthy account's tables fit in 200,000 rows; a RESTlet answer listing 300,000 does not."""
    body = '{"roles": [' + ",".join(["0"] * 300_000) + "]}"

    def answer(request: Request) -> bool:
        if request.path.startswith(RESTLET_PATH):
            request.answer(200, body)
            return True
        return False

    with proxied(HEALTHY, answer) as (server, url):
        env = {**_env(server, url, tmp_path), "NSAUDIT_MAX_ROWS": "200000"}
        code, said, result = run(env, tmp_path, "--workspace", str(WORKSPACE))
    assert code == 3, said[-2000:]
    assert "more than 200,000 rows in this run" in said and result["exit_code"] == 3


def test_an_expensify_download_past_the_runs_row_budget_is_could_not_audit(tmp_path: Path) -> None:
    """Eleven reports of one line each are 22 rows: past a budget of 10, before NetSuite is asked."""
    download = "\n".join(json.dumps({**GOOD_LINE, "id": f"R{n}"}) for n in range(11))
    with Hostile(_expensify_script(_policy(), download)) as server:
        code, said, _ = run(_expensify_env(server.url, tmp_path) | {"NSAUDIT_MAX_ROWS": "10"}, tmp_path,
                            "--workspace", str(WORKSPACE), "--expensify-policy", POLICY_ID,
                            "--expensify-reports", "approved")
    assert code == 3, said[-2000:]
    errors = [line for line in said.splitlines() if line.startswith("nsaudit: error:")]
    assert len(errors) == 1 and "Expensify" in errors[0], said[-2000:]
    assert "more than 10 rows in this run" in errors[0]


def test_a_bad_row_budget_is_one_line_exit_2(tmp_path: Path) -> None:
    with Hostile(lambda request: request.answer(404, "{}")) as server:
        result = CliRunner().invoke(cli, ["run", "--no-progress", "--workspace", str(WORKSPACE)],
                                    env=_expensify_env(server.url, tmp_path) | {"NSAUDIT_MAX_ROWS": "lots"})
    assert result.exit_code == 2, result.output
    assert "env NSAUDIT_MAX_ROWS: must be a whole number of rows from 1" in result.stderr
    assert "Traceback" not in result.stderr and not server.seen


def test_the_first_transaction_batch_pages_on_without_total_results(tmp_path: Path) -> None:
    """The look-up's first batch: no totalResults, hasMore true on every page. It is read page after
    page and stops with could not audit past 100 rows per report id, like every later batch."""
    pages: list[int] = []

    def answer(request: Request) -> bool:
        if not request.path.startswith(SUITEQL_PATH) or b"FROM transaction" not in request.seen.body:
            return False
        offset = _offset(request)
        pages.append(offset)
        items = [{"id": str(offset + n + 1), "externalid": f"R1-{offset + n}"} for n in range(60)]
        request.answer(200, json.dumps({"items": items, "count": 60, "hasMore": True, "offset": offset}))
        return True

    with proxied(HEALTHY, answer) as (server, url):
        code, said, result = run(_env(server, url, tmp_path), tmp_path, "--workspace", str(WORKSPACE),
                                 "--reports", str(_reports(tmp_path)))
    assert code == 3, said[-2000:]
    assert re.search(r"the transaction look-up of 1 report ids kept saying more rows follow past 120 rows", said)
    assert pages == [0, 1000], pages
    assert not _permission_blamed(result)


def test_a_partition_that_does_not_move_on_is_could_not_audit_not_a_permission(tmp_path: Path) -> None:
    """Every query promises 400,000 rows and answers the same ids at every offset: the second partition
    of a large table starts where the first did. That is not NetSuite's answer (could not audit), never
    a missing permission (before, the finding named e.g. LIST_EMPLOYEE_RECORD as missing)."""
    def answer(request: Request) -> bool:
        if not request.path.startswith(SUITEQL_PATH) or b"FROM transaction" in request.seen.body:
            return False
        offset = _offset(request)
        items = [{"id": str(n + 1), "name": f"row {n}"} for n in range(1000)]
        request.answer(200, json.dumps({"items": items, "count": 1000, "hasMore": True, "offset": offset,
                                        "totalResults": 400_000}))
        return True

    with proxied(HEALTHY, answer) as (server, url):
        code, said, result = run(_env(server, url, tmp_path), tmp_path, "--workspace", str(WORKSPACE), "-v")
    assert code == 3, said[-2000:]
    assert "the next partition starts where the last one did; not what the protocol answers" in said
    assert not _permission_blamed(result), _permission_blamed(result)
