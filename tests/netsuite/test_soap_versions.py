"""The SOAP endpoint version is one setting (2025_2 by default, 2024_2 on request): every request
names it in its URL and namespaces and validates against the project's XSDs for that version; the
simulator answers in the version asked and still verifies the tokenPassport."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests
from click.testing import CliRunner
from lxml import etree

from netsuite_audit import cli as cli_module
from netsuite_audit.cli import cli
from netsuite_audit.inputs.credentials import Credentials, Secret
from netsuite_audit.netsuite import soap as soap_client
from netsuite_audit.netsuite import soap_records as rec
from netsuite_audit.netsuite.errors import AuthenticationError
from netsuite_audit.netsuite.transport import RetryPolicy
from netsuite_audit.simulator.server import SimServer

SimFactory = Callable[..., SimServer]
XS = "http://www.w3.org/2001/XMLSchema"


def _creds(server: SimServer, token_id: int, *, token_secret: str | None = None) -> Credentials:
    token = next(t for t in server.fixture.tokens if t.id == token_id)
    integration = next(i for i in server.fixture.integrations if i.id == token.integration)
    return Credentials(
        account=server.fixture.account, consumer_key=integration.consumer_key,
        consumer_secret=Secret(integration.consumer_secret), token_id=token.token_id,
        token_secret=Secret(token_secret or token.token_secret), base_url=server.url, source="test",
    )


class _Recorder(requests.Session):
    """A session that keeps every request body it sends, with the URL."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[tuple[str, bytes]] = []

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        body = request.body if isinstance(request.body, bytes) else (request.body or "").encode()
        self.sent.append((request.url or "", body))
        return super().send(request, **kwargs)


def _schema(version: str, tmp_path: Path) -> etree.XMLSchema:
    """One schema importing every XSD nsaudit ships for ``version`` (so each namespace validates)."""
    folder = soap_client.WSDL_ROOT / version
    imports = []
    for path in sorted(folder.glob("*.xsd")):
        target = etree.parse(str(path)).getroot().get("targetNamespace")
        imports.append(f'<xsd:import namespace="{target}" schemaLocation="{path.as_uri()}"/>')
    wrapper = tmp_path / f"all-{version}.xsd"
    wrapper.write_text(f'<xsd:schema xmlns:xsd="{XS}">{"".join(imports)}</xsd:schema>', encoding="utf-8")
    return etree.XMLSchema(etree.parse(str(wrapper)))


def _validate(schema: etree.XMLSchema, envelope: bytes) -> list[str]:
    """Validate each header entry and the body's operation element; the names validated."""
    root = etree.fromstring(envelope)
    header = root.find(f"{{{rec.SOAP_ENV}}}Header")
    body = root.find(f"{{{rec.SOAP_ENV}}}Body")
    assert body is not None
    parts = [*(header if header is not None else []), *body]
    for part in parts:
        doc = etree.ElementTree(etree.fromstring(etree.tostring(part)))
        assert schema.validate(doc), (etree.QName(part).localname, str(schema.error_log))
    return [etree.QName(p).localname for p in parts]


@pytest.mark.parametrize("version", rec.SUPPORTED_VERSIONS)
def test_requests_name_the_version_and_validate_against_its_xsds(
        version: str, sim_server: SimFactory, healthy_fixture: Path, tmp_path: Path) -> None:
    server = sim_server(healthy_fixture)
    session = _Recorder()
    client = soap_client.SoapClient(_creds(server, 2), retry=RetryPolicy(attempts=1), session=session,
                                    version=version)
    assert client.server_time().server_time is not None
    page = client.search("department", page_size=5)
    assert page.search_id
    assert client.search_more(page.search_id, 1, "department").rows
    assert client.get("account", server.fixture.accounts[0].id) is not None
    assert client.get_all_currencies()
    schema = _schema(version, tmp_path)
    seen: set[str] = set()
    for url, body in session.sent:
        assert url == f"{server.url}/services/NetSuitePort_{version}"
        namespaces = {rec.version_of_namespace(ns) for ns in etree.fromstring(body).nsmap.values()} | {
            rec.version_of_namespace(etree.QName(el).namespace or "") for el in etree.fromstring(body).iter()
            if isinstance(el.tag, str)}
        assert namespaces - {None} == {version}, namespaces
        seen.update(_validate(schema, body))
    assert {"tokenPassport", "searchPreferences", "getServerTime", "search", "searchMoreWithId", "get",
            "getAll"} <= seen


@pytest.mark.parametrize("version", rec.SUPPORTED_VERSIONS)
def test_the_simulator_answers_in_the_version_asked(version: str, sim_server: SimFactory,
                                                    healthy_fixture: Path) -> None:
    server = sim_server(healthy_fixture)
    session = _Recorder()
    answers: list[bytes] = []
    session.hooks["response"].append(lambda r, *a, **k: answers.append(r.content))
    client = soap_client.SoapClient(_creds(server, 2), session=session, version=version)
    rows = list(client.search_all("classification"))
    assert rows and all(row["id"] for row in rows)
    for answer in answers:
        versions = {rec.version_of_namespace(etree.QName(el).namespace or "")
                    for el in etree.fromstring(answer).iter() if isinstance(el.tag, str)}
        assert versions - {None} == {version}


@pytest.mark.parametrize("version", rec.SUPPORTED_VERSIONS)
def test_the_simulator_still_verifies_the_passport_in_every_version(
        version: str, sim_server: SimFactory, healthy_fixture: Path) -> None:
    server = sim_server(healthy_fixture)
    client = soap_client.SoapClient(_creds(server, 2, token_secret="sim-wrong-not-a-real-secret"),
                                    retry=RetryPolicy(attempts=1), version=version)
    with pytest.raises(AuthenticationError):
        client.server_time()


def test_a_body_naming_another_version_than_the_url_is_refused(sim_server: SimFactory,
                                                               healthy_fixture: Path) -> None:
    server = sim_server(healthy_fixture)
    client = soap_client.SoapClient(_creds(server, 2), retry=RetryPolicy(attempts=1), version="2024_2")
    client.url = f"{server.url}/services/NetSuitePort_2025_2"  # a 2024_2 envelope sent to the 2025_2 URL
    with pytest.raises(Exception) as caught:
        client.server_time()
    assert "2024_2" in str(caught.value) and "2025_2" in str(caught.value)


def test_an_unknown_endpoint_version_is_refused(sim_server: SimFactory, healthy_fixture: Path) -> None:
    server = sim_server(healthy_fixture)
    response = requests.post(f"{server.url}/services/NetSuitePort_2019_1", data=b"<x/>", timeout=5,
                             headers={"Content-Type": "text/xml"})
    assert response.status_code == 500
    assert b"invalidVersionFault" in response.content


def test_version_is_one_setting() -> None:
    assert rec.DEFAULT_VERSION == "2025_2" == rec.LAST_SUPPORTED_VERSION
    assert cli_module.DEFAULT_SOAP_VERSION == rec.DEFAULT_VERSION
    assert tuple(cli_module.SOAP_VERSIONS) == rec.SUPPORTED_VERSIONS
    for version in rec.SUPPORTED_VERSIONS:
        assert (soap_client.WSDL_ROOT / version / "netsuite.wsdl").is_file()
    with pytest.raises(ValueError, match="2019_1"):
        rec.check_version("2019_1")
    assert soap_client.SERVICE_PATH == "/services/NetSuitePort_2025_2"


def _snapshot(tmp_path: Path, *args: str) -> dict[str, Any]:
    out = tmp_path / "snap.json"
    result = CliRunner().invoke(cli, ["snapshot", "--demo", "--no-progress", "-o", str(out), *args],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return data


def test_snapshot_records_the_soap_version_default_flag_and_config(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    default = _snapshot(tmp_path)
    assert default["login"]["soap_version"] == "2025_2" and default["login"]["soap"]["ok"] is True
    chosen = _snapshot(tmp_path, "--soap-version", "2024_2")
    assert chosen["login"]["soap_version"] == "2024_2" and chosen["login"]["soap"]["ok"] is True
    (tmp_path / "nsaudit.toml").write_text('soap_version = "2024_2"\n', encoding="utf-8")
    assert _snapshot(tmp_path)["login"]["soap_version"] == "2024_2"
    bad = CliRunner().invoke(cli, ["snapshot", "--demo", "-o", str(tmp_path / "x.json"), "--soap-version", "2019_1"])
    assert bad.exit_code == 2
