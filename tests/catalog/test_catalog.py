"""The NS error catalog data, its model, docs/error-codes.md and the RESTlet source."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from importlib import resources
from pathlib import Path

import pytest

from netsuite_audit.audit.model import Detection
from netsuite_audit.catalog import CATEGORIES, load_catalog, normalize_code, render_error_codes_markdown
from netsuite_audit.catalog.model import expand_workspace_steps, parse_catalog
from netsuite_audit.support.errors import InputError

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(__file__).resolve().parents[3] / "shared"
CATALOG = load_catalog()

EXPECTED_CODES = {
    "NS0005", "NS0012", "NS0019", "NS0021", "NS0023", "NS0024", "NS0029", "NS0033", "NS0034", "NS0037",
    "NS0042", "NS0045", "NS0046", "NS0055", "NS0056", "NS0059", "NS0061", "NS0068", "NS0077", "NS0079",
    "NS0085", "NS0091", "NS0109", "NS0116", "NS0123", "NS0144", "NS0159", "NS0176", "NS0196", "NS0228",
    "NS0295", "NS0318", "NS0320", "NS0336", "NS0377", "NS0384", "NS0394", "NS0416", "NS0430", "NS0445",
    "NS0469", "NS0499", "NS0510", "NS0521", "NS0538", "NS0565", "NS0581", "NS0593", "NS0634", "NS0655",
    "NS0669", "NS0722", "NS0728", "NS0739", "NS0748", "NS0756", "NS0770", "NS0783", "NS0831", "NS0844",
    "NS0864", "NS0885", "NS0898", "NS0919", "NS0921", "NS0938", "NS0942", "NS0988", "NS0994", "NS0995",
}
ENTRIES = list(CATALOG)


# ---- the data ----------------------------------------------------------------------------------

def test_exactly_the_70_codes() -> None:
    assert len(EXPECTED_CODES) == 70
    assert len(CATALOG) == 70
    assert len(set(CATALOG.codes)) == 70
    assert set(CATALOG.codes) == EXPECTED_CODES
    assert list(CATALOG.codes) == sorted(CATALOG.codes)


def test_codes_match_the_reference_catalog() -> None:
    path = SHARED / "reference" / "ns-error-catalog.md"
    if not path.is_file():
        pytest.skip(f"reference catalog not found at {path} (shared/ is not checked out beside the repo)")
    text = path.read_text(encoding="utf-8")
    table = text.split("## 1. Summary table", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"^\| (NS\d{4})", table, flags=re.MULTILINE))
    assert listed == set(CATALOG.codes)


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.code for e in ENTRIES])
def test_entry_is_complete(entry) -> None:
    assert entry.category in CATEGORIES
    assert entry.detection and all(isinstance(d, Detection) for d in entry.detection)
    assert entry.causes and all(c.strip() for c in entry.causes)
    assert entry.fix.step_count >= 1
    assert entry.title and len(entry.title) <= 60 and "|" not in entry.title
    assert entry.message and not entry.message.startswith("NS"), "the code prefix is added when rendering"
    # Values the real text shows as [X] are placeholders, never a literal [X].
    assert not re.search(r"\[X+\]|\[Y+\]", entry.message)
    if Detection.NOT_DETECTABLE in entry.detection:
        assert entry.when_seen, f"{entry.code}: tell the user what to do when it appears"
    # Web and mobile steps are both present or both absent, and say click vs tap where they differ.
    assert bool(entry.fix.web) == bool(entry.fix.mobile)
    assert len(entry.fix.web) == len(entry.fix.mobile)


def test_category_split() -> None:
    counts = {c: len(CATALOG.by_category(c)) for c in CATEGORIES}
    assert counts["export"] == 51
    assert counts["connection"] + counts["sync"] == 19
    assert {e.code for e in CATALOG.by_category("connection")} >= {"NS0109", "NS0739", "NS0593"}


def test_detection_follows_the_catalog_notes() -> None:
    def kinds(code: str) -> set[str]:
        return {d.value for d in CATALOG.get(code).detection}

    for code in ("NS0029", "NS0144", "NS0593"):
        assert kinds(code) == {"not-detectable"}
    assert "probe" in kinds("NS0109")
    assert "restlet" in kinds("NS0079")  # DATEPERIODMISMATCH
    assert "workspace" in kinds("NS0669")  # default vendor -3
    assert "pending-reports" in kinds("NS0336")  # merchant characters
    assert kinds("NS0037") == {"manual"}  # form layout
    assert "netsuite-data" in kinds("NS0748")  # expense category rate_required


SEED_FACTS = {
    # code: (message substance, category, admin_needed, resync_enough)
    "NS0770": ("Project {project} is not active and can't accept expenses", "export", True, True),
    "NS0831": ("Invalid or missing classification. Verify it exists in NetSuite", "export", True, True),
    "NS0384": ("Permission error encountered when querying NetSuite for 'Classification'", "sync", True, True),
    "NS0109": ("Failed to login to NetSuite. Please verify your admin credentials.", "connection", True, False),
}


@pytest.mark.parametrize("code", sorted(SEED_FACTS))
def test_seed_codes(code: str) -> None:
    entry = CATALOG.get(code)
    substance, category, admin, resync = SEED_FACTS[code]
    assert substance in entry.message
    assert entry.category == category
    assert entry.admin_needed is admin
    assert entry.resync_enough is resync


def test_seed_fix_facts() -> None:
    assert any("Lists > Relationships > Projects" in s for s in CATALOG.get("NS0770").fix.netsuite)
    assert any("Manage Roles" in s for s in CATALOG.get("NS0384").fix.netsuite)
    assert any("Cross-Subsidiary" in s for s in CATALOG.get("NS0831").fix.web)
    assert any("Time & Expenses" in s for s in CATALOG.get("NS0831").fix.netsuite)
    assert any("new access token" in s.lower() for s in CATALOG.get("NS0109").fix.netsuite)


def _own_text() -> list[str]:
    out: list[str] = []
    for entry in CATALOG:
        out += [*entry.causes, *entry.fix.netsuite, *entry.fix.web, *entry.fix.mobile, *entry.when_seen,
                *entry.verify]
    return out


def test_wording_is_not_copied_from_the_seed_pages() -> None:
    seeds = SHARED / "seeds"
    if not seeds.is_dir():
        pytest.skip(f"seed pages not found at {seeds} (shared/ is not checked out beside the repo)")
    ours = " ".join(_own_text()).lower()
    copied = []
    for page in sorted(seeds.glob("*.txt")):
        for line in page.read_text(encoding="utf-8").splitlines():
            sentence = line.strip(" -•\t").replace("’", "'").lower()
            # Menu paths and field names are facts; whole sentences of eight words or more are wording.
            if len(sentence.split()) >= 8 and sentence in ours:
                copied.append(sentence)
    assert not copied, copied


# ---- lookups -------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["NS0770", "ns0770", "0770", "770", " NS0770 ", "ns-0770",
                                  "NS0770 Export Error: Project [X] is not active"])
def test_get_accepts_every_form(text: str) -> None:
    assert CATALOG.get(text).code == "NS0770"
    assert text in CATALOG


def test_normalize_code() -> None:
    assert normalize_code("ns0005") == "NS0005"
    assert normalize_code("5") == "NS0005"
    assert normalize_code("hello") is None
    assert normalize_code("NS12345") is None


def test_unknown_code_suggests_the_closest() -> None:
    with pytest.raises(InputError) as caught:
        CATALOG.get("NS0771")
    assert "NS0770" in str(caught.value)
    assert "did you mean NS0770" in str(caught.value)
    assert "NS0771" not in CATALOG


def test_unknown_text_points_to_the_list() -> None:
    with pytest.raises(InputError) as caught:
        CATALOG.get("not a code")
    assert "--list" in str(caught.value)
    assert "did you mean" not in str(caught.value)


def test_load_catalog_is_cached() -> None:
    assert load_catalog() is CATALOG


# ---- messages ------------------------------------------------------------------------------------

def test_render_message() -> None:
    entry = CATALOG.get("NS0770")
    assert entry.placeholders == ("project",)
    assert entry.render_message(project="Apollo").startswith("Project Apollo is not active")
    assert entry.render_message().startswith("Project [project] is not active")
    assert entry.render_message(with_code=True, project="7").startswith("NS0770: Project 7 is")
    with pytest.raises(ValueError, match="placeholder"):
        entry.render_message(projet="typo")


def test_two_placeholders() -> None:
    entry = CATALOG.get("NS0116")
    assert entry.placeholders == ("account", "subsidiary")
    text = entry.render_message(account="6010", subsidiary="2")
    assert "The account 6010 isn't valid for subsidiary/entity 2." in text


def test_messages_without_values_render_unchanged() -> None:
    entry = CATALOG.get("NS0593")
    assert entry.placeholders == ()
    assert entry.render_message() == entry.message


# ---- loading rules -----------------------------------------------------------------------------

GOOD = """
[[code]]
code = "NS0001"
title = "Example"
category = "sync"
message = "Broke {thing}."
causes = ["a cause"]
admin_needed = false
resync_enough = true
detection = ["workspace"]
[code.fix]
workspace = ["ws: Accounting > Advanced :: Turn it on.", "sync"]
"""


def test_parse_expands_workspace_steps() -> None:
    entry = parse_catalog(GOOD).get("NS0001")
    assert entry.fix.web[1] == "Click through to Accounting > Advanced."
    assert entry.fix.mobile[1] == "Tap through to Accounting > Advanced."
    assert entry.fix.web[2] == entry.fix.mobile[2] == "Turn it on."
    assert "click" in entry.fix.web[3] and "tap" in entry.fix.mobile[3]
    assert sum("open the workspace" in s for s in entry.fix.web) == 1  # opened once


@pytest.mark.parametrize(("change", "complaint"), [
    (lambda t: t + t, "twice"),
    (lambda t: t, None),
    (lambda t: t.replace('category = "sync"', 'category = "import"'), "category"),
    (lambda t: t.replace('["workspace"]', '["guess"]'), "detection"),
    (lambda t: t.replace('["workspace"]', '["not-detectable"]'), "when_seen"),
    (lambda t: t.replace('causes = ["a cause"]', "causes = []"), "causes"),
    (lambda t: t.replace(":: Turn it on.", "Turn it on."), "ws: Path"),
    (lambda t: t.replace('code = "NS0001"', 'code = "NS01"'), "NS code"),
    (lambda t: t.replace("{thing}", "{thing!r}"), "placeholder"),
    (lambda t: t.replace("workspace = [", "netsuite = []\nworkspace = [\"x\"]\nweb = ["), "either"),
])
def test_parse_rejects_bad_data(change, complaint) -> None:
    text = change(GOOD)
    if complaint is None:
        parse_catalog(text)  # the control case stays valid
        return
    with pytest.raises(InputError) as caught:
        parse_catalog(text, source="test.toml")
    assert complaint in str(caught.value)
    assert str(caught.value).startswith("test.toml: ")


def test_expand_keeps_plain_steps() -> None:
    assert expand_workspace_steps(["Do it by hand.", "export"], "web") == (
        "Do it by hand.", "Export the report to NetSuite again.")


# ---- docs/error-codes.md -------------------------------------------------------------------------

def test_error_codes_doc_is_up_to_date() -> None:
    committed = (REPO / "docs" / "error-codes.md").read_text(encoding="utf-8")
    assert committed == render_error_codes_markdown(), (
        "docs/error-codes.md is stale: nsaudit explain --list --format markdown > docs/error-codes.md")


def test_error_codes_doc_lists_every_code() -> None:
    text = render_error_codes_markdown()
    rows = [line for line in text.splitlines() if re.match(r"^\| NS\d{4} \|", line)]
    assert len(rows) == 70
    nine_nine_five = next(r for r in rows if r.startswith("| NS0995 |"))
    assert "| export |" in nine_nine_five and "netsuite-data" in nine_nine_five


# ---- the RESTlet -------------------------------------------------------------------------------

RESTLET = REPO / "netsuite_audit" / "restlet" / "nsaudit_restlet.js"
SOURCE = RESTLET.read_text(encoding="utf-8")
_CODE_ONLY = re.sub(r"/\*.*?\*/|//[^\n]*", "", SOURCE, flags=re.DOTALL)


def test_restlet_header() -> None:
    assert re.search(r"@NApiVersion 2\.1\b", SOURCE)
    assert re.search(r"@NScriptType Restlet\b", SOURCE)


def test_restlet_exposes_only_get() -> None:
    returned = re.findall(r"return\s*\{([^{}]*)\};\s*\}\);\s*$", _CODE_ONLY)
    assert returned and [part.strip() for part in returned[-1].split(",") if part.strip()] == ["get"]
    for verb in ("post", "put", "delete"):
        assert not re.search(rf"\b(const|let|var|function)\s+{verb}\b", _CODE_ONLY)
        assert not re.search(rf"\b{verb}\s*:", _CODE_ONLY)


def test_restlet_never_writes() -> None:
    for call in (".save(", "submitFields", "record.create", "record.delete", "record.copy", "record.transform",
                 "N/https", "N/http", "N/email", "N/file"):
        assert call not in _CODE_ONLY, call


def test_restlet_is_package_data() -> None:
    # pyproject.toml ships restlet/*.js as data of the netsuite_audit package.
    packaged = resources.files("netsuite_audit").joinpath("restlet", "nsaudit_restlet.js")
    assert packaged.read_text(encoding="utf-8") == SOURCE


HARNESS = r"""
const fs = require('fs');
const scenario = JSON.parse(process.argv[3]);
let factory = null;
global.define = (deps, fn) => { factory = fn; };
eval(fs.readFileSync(process.argv[2], 'utf8'));
const writes = [];
const makeRecord = (values) => ({
  getValue: ({ fieldId }) => values[fieldId],
  save: () => writes.push('save'),
});
const config = {
  Type: { ACCOUNTING_PREFERENCES: 'acct', COMPANY_PREFERENCES: 'comp', FEATURES: 'feat' },
  load: ({ type }) => {
    if (!(type in scenario.config)) throw { name: 'INSUFFICIENT_PERMISSION' };
    return makeRecord(scenario.config[type]);
  },
};
const runtime = {
  getCurrentUser: () => ({ getPreference: ({ name }) => scenario.userPrefs[name] }),
  isFeatureInEffect: ({ feature }) => {
    if (!(feature in scenario.features)) throw { name: 'SSS_INVALID_FEATURE' };
    return scenario.features[feature];
  },
  getCurrentScript: () => ({ getRemainingUsage: () => 5000 }),
};
const search = {
  Type: { SUBSIDIARY: 'subsidiary' }, Sort: { ASC: 'ASC' },
  createColumn: (c) => c,
  create: () => ({ run: () => ({ each: (cb) => { for (const id of Object.keys(scenario.subsidiaries)) {
    if (!cb({ id })) break; } } }) }),
};
const log = { debug: () => {}, audit: () => {}, error: () => {} };
const restlet = factory(config, runtime, search, log);
const body = restlet.get({});
process.stdout.write(JSON.stringify({ body, entryPoints: Object.keys(restlet), writes }));
"""


def _run_restlet(tmp_path: Path, scenario: dict) -> tuple[dict, list[str]]:
    node = shutil.which("node") or shutil.which("nodejs")
    if node is None:
        pytest.skip("node is not installed; the RESTlet cannot be executed locally")
    harness = tmp_path / "harness.js"
    harness.write_text(HARNESS, encoding="utf-8")
    done = subprocess.run([node, str(harness), str(RESTLET), json.dumps(scenario)], capture_output=True,
                          text=True, timeout=20, check=False)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["writes"] == []
    return json.loads(out["body"]), out["entryPoints"]


def test_restlet_runs_and_returns_the_documented_shape(tmp_path: Path) -> None:
    scenario = {
        "config": {
            "acct": {"TIMEEXPENSEJOBONLY": True, "DATEPERIODMISMATCH": "WARN", "JOURNALAPPROVALS": "F"},
            "comp": {"DEPTMANDATORY": "T"},
            "feat": {"EXPREPORTS": "T"},
        },
        "userPrefs": {"CLASSMANDATORY": False},
        "features": {"SUBSIDIARIES": True, "MULTICURRENCY": False, "INTERCOMPANYTIMEEXPENSE": True},
        "subsidiaries": {
            "1": {"expensereportapaccount": "111", "taxrequired": "F"},
            "3": {"apaccountforexpensereports": 115, "corporatecardaccount": "140", "taxrequired": True},
        },
    }
    body, entry_points = _run_restlet(tmp_path, scenario)
    assert entry_points == ["get"]
    assert set(body) == {"preferences", "features", "subsidiaries"}
    prefs = body["preferences"]
    assert prefs["TIMEEXPENSEJOBONLY"] is True
    assert prefs["DATEPERIODMISMATCH"] == "WARN"
    assert prefs["JOURNALAPPROVALS"] is False
    assert prefs["DEPTMANDATORY"] is True  # company preferences as fallback
    assert prefs["CLASSMANDATORY"] is False  # user preference as last resort
    assert prefs["LOCMANDATORY"] is None
    features = body["features"]
    assert features["SUBSIDIARIES"] is True and features["MULTICURRENCY"] is False
    assert features["INTERCOMPANYTIMEEXPENSE"] is True
    assert features["EXPREPORTS"] is True  # from the FEATURES record when runtime rejects the id
    assert "JOBS" not in features  # unknown everywhere: left out, not false
    # No public list names the subsidiary fields holding these, so the script does not guess: every
    # value is null (unknown to nsaudit), whatever the subsidiary record holds.
    unknown = {"payable_account": None, "corporate_card_account": None, "tax_required": None}
    assert body["subsidiaries"] == {"1": unknown, "3": unknown}


def test_restlet_single_company_account(tmp_path: Path) -> None:
    scenario = {
        "config": {"acct": {"EXPENSEREPORTAPACCOUNT": "25", "CORPCARDACCOUNT": ""}},
        "userPrefs": {},
        "features": {"SUBSIDIARIES": False},
        "subsidiaries": {},
    }
    body, _ = _run_restlet(tmp_path, scenario)
    assert body["subsidiaries"] == {"1": {"payable_account": None, "corporate_card_account": None,
                                          "tax_required": None}}
    # No company preferences and no features config readable: the other values stay null / absent.
    assert body["preferences"]["TIMEEXPENSEJOBONLY"] is None
    assert body["features"] == {"SUBSIDIARIES": False}


def test_title_of() -> None:
    assert CATALOG.title_of("NS0770") == "Project is not active"
    assert CATALOG.title_of("ns0109") == "Login to NetSuite failed"
    assert CATALOG.title_of("NS0001") is None
