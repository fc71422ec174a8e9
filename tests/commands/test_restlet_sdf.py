"""``nsaudit restlet sdf DIR``: the SuiteCloud project validates against the structure Oracle documents.

The SuiteCloud CLI (npm @oracle/suitecloud-cli) cannot run in this test environment (its install asks for
Oracle's license to be accepted and downloads its Java part from Oracle), so the project is held to the
documented structure instead, written down here from Oracle's pages:

* restlet object (Oracle Help Center, SDF XML reference "restlet", SDFxml_410893908): attribute scriptid
  (required, at most 40 characters, default prefix customscript); fields name (required, at most 40),
  scriptfile (required, a reference to a .js file), description (at most 999), isinactive, notifyadmins,
  notifyemails, notifygroup, notifyowner, notifyuser, deletefunction, getfunction, postfunction,
  putfunction (optional); structured fields such as scriptdeployments; feature dependency
  SERVERSIDESCRIPTING. "RESTlet Scripts as XML Definitions" (section_160514060027): the script record's
  scriptid starts with customscript_ and each deployment's with customdeploy_.
* scriptdeployment (the same reference, as for every script type, e.g. SDFxml_2909147388): attribute
  scriptid (required, at most 40, default customdeploy); fields status (required, script_status) and
  title (required); allemployees, allpartners, allroles (booleans, allpartners needs the CRM feature),
  audslctrole (multi-select list of roles, several values separated by |), isdeployed, loglevel
  (script_loglevel).
* "Deploying a RESTlet" (section_4618456517): the deployment must be Released to be called from outside.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from netsuite_audit.cli import cli
from netsuite_audit.commands.restlet import script_source

RESTLET_FIELDS = {"name", "scriptfile", "description", "isinactive", "notifyadmins", "notifyemails", "notifygroup",
                  "notifyowner", "notifyuser", "deletefunction", "getfunction", "postfunction", "putfunction",
                  "scriptdeployments", "scriptcustomfields", "libraries"}
RESTLET_REQUIRED = {"name", "scriptfile"}
DEPLOYMENT_FIELDS = {"status", "title", "allemployees", "allpartners", "allroles", "audslctrole", "auddepartment",
                     "audemployee", "audgroup", "audpartner", "audsubsidiary", "isdeployed", "loglevel"}
DEPLOYMENT_REQUIRED = {"status", "title"}
BOOLEANS = {"isinactive", "notifyadmins", "notifyowner", "notifyuser", "allemployees", "allpartners", "allroles",
            "isdeployed"}
SCRIPT_STATUS = {"RELEASED", "TESTING"}
LOG_LEVELS = {"DEBUG", "AUDIT", "ERROR", "EMERGENCY"}
ROLE_VALUE = re.compile(r"^(\[scriptid=customrole[a-z0-9_]*\]|[A-Z][A-Z0-9_]*)$")


def write(tmp: Path, *args: str) -> tuple[int, str, Path]:
    out = tmp / "nsaudit-sdf"
    result = CliRunner().invoke(cli, ["restlet", "sdf", str(out), *args], catch_exceptions=False)
    return result.exit_code, result.output, out


def validate_project(root: Path) -> None:
    """Every structural rule above; raises AssertionError naming the first one broken."""
    src = root / "src"
    assert (root / "suitecloud.config.js").is_file()
    manifest = etree.parse(str(src / "manifest.xml")).getroot()
    assert manifest.tag == "manifest" and manifest.get("projecttype") == "ACCOUNTCUSTOMIZATION"
    assert manifest.findtext("projectname") and manifest.findtext("frameworkversion") == "1.0"
    features = {f.text: f.get("required") for f in manifest.iter("feature")}
    assert features.get("SERVERSIDESCRIPTING") == "true"  # the restlet object's feature dependency
    deploy = etree.parse(str(src / "deploy.xml")).getroot()
    assert deploy.tag == "deploy"
    for path in deploy.iter("path"):
        text = path.text or ""
        assert text.startswith("~/"), text
        assert (src / text[2:]).is_file(), f"deploy.xml names {text}, which the project lacks"
    objects = list((src / "Objects").glob("*.xml"))
    assert objects
    for obj in objects:
        restlet = etree.parse(str(obj)).getroot()
        assert restlet.tag == "restlet"
        scriptid = restlet.get("scriptid") or ""
        assert scriptid.startswith("customscript_") and len(scriptid) <= 40 and obj.stem == scriptid
        fields = {child.tag for child in restlet}
        assert fields <= RESTLET_FIELDS, fields - RESTLET_FIELDS
        assert fields >= RESTLET_REQUIRED
        assert len(restlet.findtext("name") or "") <= 40 and len(restlet.findtext("description") or "") <= 999
        scriptfile = restlet.findtext("scriptfile") or ""
        match = re.fullmatch(r"\[(/SuiteScripts/[^\]]+\.js)\]", scriptfile)
        assert match, scriptfile
        assert (src / "FileCabinet" / match.group(1).lstrip("/")).is_file()
        _booleans(restlet)
        deployments = restlet.findall("scriptdeployments/scriptdeployment")
        assert deployments
        for dep in deployments:
            dep_id = dep.get("scriptid") or ""
            assert dep_id.startswith("customdeploy_") and len(dep_id) <= 40
            dep_fields = {child.tag for child in dep}
            assert dep_fields <= DEPLOYMENT_FIELDS and dep_fields >= DEPLOYMENT_REQUIRED, dep_fields
            assert dep.findtext("status") in SCRIPT_STATUS and dep.findtext("loglevel", "DEBUG") in LOG_LEVELS
            _booleans(dep)
            roles = (dep.findtext("audslctrole") or "").split("|")
            assert all(ROLE_VALUE.match(r) for r in roles), roles


def _booleans(element: etree._Element) -> None:
    for child in element:
        if child.tag in BOOLEANS:
            assert child.text in ("T", "F"), f"{child.tag}={child.text}"


def test_the_project_follows_oracles_documented_structure(tmp_path: Path) -> None:
    code, output, root = write(tmp_path, "--role", "customrole_expensify_integration")
    assert code == 0, output
    validate_project(root)
    restlet = etree.parse(str(root / "src" / "Objects" / "customscript_nsaudit_restlet.xml")).getroot()
    dep = restlet.find("scriptdeployments/scriptdeployment")
    assert dep is not None and dep.findtext("status") == "RELEASED"  # callable from outside NetSuite
    assert dep.findtext("allroles") == "F"  # the integration's role only
    assert dep.findtext("audslctrole") == "[scriptid=customrole_expensify_integration]"
    shipped = root / "src" / "FileCabinet" / "SuiteScripts" / "nsaudit_restlet.js"
    assert shipped.read_text() == script_source().read_text()  # the existing script, unchanged
    assert "@NScriptType Restlet" in shipped.read_text()
    assert "suitecloud project:deploy" in output


@pytest.mark.parametrize("broken", [
    lambda r: r.replace("<status>RELEASED</status>", ""),  # a required deployment field
    lambda r: r.replace("<allroles>F</allroles>", "<allroles>no</allroles>"),
    lambda r: r.replace('scriptid="customscript_nsaudit_restlet"', 'scriptid="nsaudit_restlet"'),
    lambda r: r.replace("<name>", "<label>").replace("</name>", "</label>"),
    lambda r: r.replace("[/SuiteScripts/nsaudit_restlet.js]", "[/SuiteScripts/other.js]"),
])
def test_the_validation_catches_a_broken_object(tmp_path: Path, broken) -> None:
    _, _, root = write(tmp_path, "--role", "ADMINISTRATOR")
    obj = root / "src" / "Objects" / "customscript_nsaudit_restlet.xml"
    obj.write_text(broken(obj.read_text()))
    with pytest.raises(AssertionError):
        validate_project(root)


def test_a_standard_role_is_written_as_its_id(tmp_path: Path) -> None:
    code, _, root = write(tmp_path, "--role", "ADMINISTRATOR")
    assert code == 0
    validate_project(root)
    written = (root / "src" / "Objects" / "customscript_nsaudit_restlet.xml").read_text()
    assert "<audslctrole>ADMINISTRATOR</audslctrole>" in written


@pytest.mark.parametrize("role", ["Expensify Integration", "1001", "customrole<x>"])
def test_a_role_that_is_no_script_id_is_one_line_exit_2(tmp_path: Path, role: str) -> None:
    code, output, root = write(tmp_path, "--role", role)
    assert code == 2 and "--role" in output and len(output.strip().splitlines()) == 1
    assert not root.exists()


def test_an_existing_project_is_kept_without_force(tmp_path: Path) -> None:
    assert write(tmp_path, "--role", "ADMINISTRATOR")[0] == 0
    code, output, _ = write(tmp_path, "--role", "ADMINISTRATOR")
    assert code == 2 and "--force" in output
    assert write(tmp_path, "--role", "ADMINISTRATOR", "--force")[0] == 0
