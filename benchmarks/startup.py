"""Start-up figures: ``nsaudit --version`` and the time until a SOAP client is ready."""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Runs in a fresh interpreter: import the SOAP client and build one (the WSDL is parsed here).
_SOAP_READY = """
import time
started = time.perf_counter()
from netsuite_audit.inputs.account_id import AccountId
from netsuite_audit.inputs.credentials import Credentials, Secret
from netsuite_audit.netsuite.soap import SoapClient
creds = Credentials(account=AccountId.parse("1234567"), consumer_key="benchmark-key",
                    consumer_secret=Secret("benchmark-only"), token_id="benchmark-token",
                    token_secret=Secret("benchmark-only"), base_url="http://127.0.0.1:9", source="benchmark")
SoapClient(creds)
print(time.perf_counter() - started)
"""


def _timed(cmd: list[str]) -> tuple[float, str]:
    from benchmarks.e2e import user_env

    started = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, env=user_env(), capture_output=True, text=True, check=True)
    return time.perf_counter() - started, done.stdout


def version_start(runs: int = 10) -> dict[str, float | str]:
    """Median wall time of the installed console script ``nsaudit --version`` (after one warm-up)."""
    script = shutil.which("nsaudit")
    if script is None:
        raise RuntimeError("the nsaudit console script is not installed (pip install -e .)")
    _timed([script, "--version"])
    times = [_timed([script, "--version"])[0] for _ in range(runs)]
    return {"median_s": round(statistics.median(times), 4), "min_s": round(min(times), 4), "script": script}


def soap_ready(runs: int = 5) -> dict[str, float]:
    """Median, over fresh interpreters, of: process start to SoapClient built (``process_s``) and
    import + construction alone as timed inside the process (``inside_s``)."""
    _timed([sys.executable, "-c", _SOAP_READY])
    process, inside = [], []
    for _ in range(runs):
        wall, out = _timed([sys.executable, "-c", _SOAP_READY])
        process.append(wall)
        inside.append(float(out.strip().splitlines()[-1]))
    return {"process_s": round(statistics.median(process), 4), "inside_s": round(statistics.median(inside), 4)}
