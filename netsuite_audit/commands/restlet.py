"""``nsaudit restlet sdf DIR``: the nsaudit RESTlet as a SuiteCloud (SDF) account-customization project.

The project holds the script (src/FileCabinet/SuiteScripts/nsaudit_restlet.js), its script record with
one deployment (src/Objects/customscript_nsaudit_restlet.xml) whose audience is the integration's role
(a RESTlet runs for the roles its deployment lists), the manifest and the deploy file. An admin who
uses the SuiteCloud CLI deploys it with ``suitecloud project:deploy`` from DIR. The XML follows the
structure Oracle documents for the ``restlet`` SDF custom object and its ``scriptdeployment`` (docs/
restlet.md cites the pages; tests/commands/test_restlet_sdf.py holds the project to them). nsaudit
writes files only; it never talks to NetSuite here.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from xml.sax.saxutils import escape

import click

from netsuite_audit.support.errors import InputError, NsauditError

SCRIPT_FILE = "nsaudit_restlet.js"
SCRIPT_ID = "customscript_nsaudit_restlet"
DEPLOY_ID = "customdeploy_nsaudit_restlet"
# A custom role's script id, or a standard role's id (letters and underscores, e.g. ADMINISTRATOR).
CUSTOM_ROLE = re.compile(r"^customrole[a-z0-9_]*$")
STANDARD_ROLE = re.compile(r"^[A-Z][A-Z0-9_]*$")


def script_source() -> Path:
    return Path(__file__).resolve().parents[1] / "restlet" / SCRIPT_FILE


def role_reference(role: str) -> str:
    """The deployment audience value for ``role``: ``[scriptid=customrole_x]`` for a custom role (a
    reference to another SDF object), the id itself for a standard role."""
    text = role.strip()
    if CUSTOM_ROLE.match(text):
        return f"[scriptid={text}]"
    if STANDARD_ROLE.match(text):
        return text
    raise InputError("give the role's script id (customrole..., shown on the role record as ID) or a standard "
                     "role id such as ADMINISTRATOR", source="--role")


def manifest_xml() -> str:
    return """<?xml version="1.0" encoding="UTF-8"?>
<manifest projecttype="ACCOUNTCUSTOMIZATION">
  <projectname>nsaudit RESTlet</projectname>
  <frameworkversion>1.0</frameworkversion>
  <dependencies>
    <features>
      <feature required="true">SERVERSIDESCRIPTING</feature>
    </features>
  </dependencies>
</manifest>
"""


def deploy_xml() -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<deploy>
  <files>
    <path>~/FileCabinet/SuiteScripts/{SCRIPT_FILE}</path>
  </files>
  <objects>
    <path>~/Objects/{SCRIPT_ID}.xml</path>
  </objects>
</deploy>
"""


def restlet_xml(audience: str) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<restlet scriptid="{SCRIPT_ID}">
  <name>nsaudit RESTlet</name>
  <scriptfile>[/SuiteScripts/{SCRIPT_FILE}]</scriptfile>
  <description>Read-only: returns the accounting preferences and features nsaudit checks (GET only).</description>
  <isinactive>F</isinactive>
  <notifyadmins>F</notifyadmins>
  <notifyowner>T</notifyowner>
  <notifyuser>F</notifyuser>
  <scriptdeployments>
    <scriptdeployment scriptid="{DEPLOY_ID}">
      <status>RELEASED</status>
      <title>nsaudit RESTlet</title>
      <allemployees>F</allemployees>
      <allroles>F</allroles>
      <audslctrole>{escape(audience)}</audslctrole>
      <isdeployed>T</isdeployed>
      <loglevel>ERROR</loglevel>
    </scriptdeployment>
  </scriptdeployments>
</restlet>
"""


CONFIG_JS = """// SuiteCloud CLI project configuration (written by nsaudit restlet sdf).
module.exports = {
  defaultProjectFolder: "src",
  commands: {},
};
"""


def write_project(directory: Path, role: str, *, force: bool = False) -> list[Path]:
    """Writes the project under ``directory``; the files written, in order."""
    audience = role_reference(role)
    src = directory / "src"
    files = {
        directory / "suitecloud.config.js": CONFIG_JS,
        src / "manifest.xml": manifest_xml(),
        src / "deploy.xml": deploy_xml(),
        src / "Objects" / f"{SCRIPT_ID}.xml": restlet_xml(audience),
        src / "FileCabinet" / "SuiteScripts" / SCRIPT_FILE: script_source().read_text(encoding="utf-8"),
    }
    existing = [p for p in files if p.exists()]
    if existing and not force:
        raise InputError("exists already; pass --force to overwrite the project's files", source=str(existing[0]))
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return list(files)


@click.group("restlet")
def restlet_group() -> None:
    """The optional nsaudit RESTlet (docs/restlet.md)."""


@restlet_group.command("sdf")
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False))
@click.option("--role", required=True, metavar="ROLE",
              help="The role nsaudit's token uses: its script id (customrole..., on the role record) or a "
                   "standard role id. It becomes the deployment's audience, the roles that may run the RESTlet.")
@click.option("--force", is_flag=True, help="Overwrite files of an earlier project in DIRECTORY.")
def sdf_command(directory: Path, role: str, force: bool) -> None:
    """Write a SuiteCloud (SDF) account-customization project with the RESTlet, its deployment and the
    role's access to it; deploy it with `suitecloud project:deploy` from DIRECTORY."""
    try:
        written = write_project(directory, role, force=force)
    except NsauditError as exc:
        click.echo(f"nsaudit: error: {exc}", err=True)
        sys.exit(2)
    for path in written:
        click.echo(f"wrote {path}")
    click.echo(f"Next: cd {directory} && suitecloud account:setup && suitecloud project:deploy; then open "
               f"Customization > Scripting > Script Deployments > {DEPLOY_ID}, note script=N&deploy=M in its "
               "External URL, and add them to the workspace as [restlet] script = N, deploy = M (docs/restlet.md).")
