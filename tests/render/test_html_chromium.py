"""The HTML report in a real browser: headless Debian chromium renders it with no console errors.

Skipped when /usr/bin/chromium is absent (scripts/test installs it). The screenshot is kept in
test-artifacts/ for a person to look at.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from netsuite_audit.render.html import render_html
from tests.support.render_sample import sample_connection, sample_result

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage", "--hide-scrollbars", "--mute-audio",
)
TIMEOUT = 90

pytestmark = [
    pytest.mark.chromium,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium "
                                                     "(apt-get install chromium; scripts/test does it)"),
]


def _chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    profile = tmp_path / f"profile-{len(list(tmp_path.iterdir()))}"
    profile.mkdir()
    command = [str(CHROMIUM), *FLAGS, f"--user-data-dir={profile}", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, check=False,
                          stdin=subprocess.DEVNULL)


def _console_errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]


@pytest.fixture(scope="module")
def report_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("html") / "report.html"
    path.write_text(render_html(sample_result(connection=sample_connection("oauth2-disagrees"))), encoding="utf-8")
    return path


def test_dom_has_every_section_and_no_console_errors(report_file: Path, tmp_path: Path) -> None:
    done = _chromium(tmp_path, "--enable-logging=stderr", "--v=0", "--dump-dom", report_file.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    dom = done.stdout
    for section in ("audit", "summary", "scope", "findings", "permissions", "reports", "muted", "checks", "signoff"):
        assert f'<section id="{section}">' in dom, section
    assert "NS0770: Project is not active" in dom and "ap-team@example.com" in dom
    assert "&lt;Phase 2&gt;" in dom  # escaped text stayed text in the browser's DOM
    assert "<dt>Connection audited</dt><dd>OAuth 2.0/REST (oauth2-rest)</dd>" in dom
    assert "<dd>DISAGREES: The account still has 1 active access token(s)" in dom
    assert _console_errors(done.stderr) == []


def test_screenshot(report_file: Path, tmp_path: Path) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "html-report.png"
    shot.unlink(missing_ok=True)
    done = _chromium(tmp_path, f"--screenshot={shot}", "--window-size=1280,2000", report_file.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    assert shot.exists()
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 50_000, f"screenshot is only {len(data)} bytes"
    shutil.copy(report_file, ARTIFACTS / "html-report.html")


def test_prints_to_pdf_with_the_sign_off_on_its_own_page(report_file: Path, tmp_path: Path) -> None:
    pdf = tmp_path / "report.pdf"
    done = _chromium(tmp_path, f"--print-to-pdf={pdf}", "--no-pdf-header-footer", report_file.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    data = pdf.read_bytes()
    assert data[:5] == b"%PDF-"
    pages = data.count(b"/Type /Page") - data.count(b"/Type /Pages")
    assert pages >= 3, pages  # findings, permissions and sign-off each start a page
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(pdf, ARTIFACTS / "html-report.pdf")
