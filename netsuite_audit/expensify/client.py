"""The Integration Server client: one POST per job, paced under the documented rate limits.

Every body goes through ``jobs.assert_read_only`` before it is sent. Limits (cited in
docs/expensify.md): Expensify's help article gives 5 requests per 10 seconds and 20 per 60 seconds
(HTTP 429 beyond); the manual's older text gives 50 jobs started per minute and the message "You
have been rate-limited...". The client keeps under the stricter pair on its own, and on a rate-limit
answer waits (Retry-After when given, else 10 s, doubling) and tries again, at most ``max_retries``.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import requests

from netsuite_audit.expensify import errors as e
from netsuite_audit.expensify.credentials import ExpensifyCredentials
from netsuite_audit.expensify.jobs import assert_read_only, encode
from netsuite_audit.expensify.models import Job
from netsuite_audit.netsuite.errors import DeadlineExceeded, TransportError
from netsuite_audit.netsuite.http import RequestTimedOut, SafeSession
from netsuite_audit.netsuite.redact import redact, register
from netsuite_audit.netsuite.transport import RetryPolicy
from netsuite_audit.support.text import map_strings, replace_surrogates

WINDOWS = ((5, 10.0), (20, 60.0))  # (jobs, seconds): Expensify's published limits
TIMEOUT = 60.0  # one job's total limit (connecting, sending, the whole answer), shortened by the deadline


@dataclass
class Pacer:
    """Waits before a job when starting it now would pass any of ``windows``."""

    windows: tuple[tuple[int, float], ...] = WINDOWS
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    started: deque[float] = field(default_factory=deque)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def wait(self) -> float:
        waited = 0.0
        with self.lock:
            longest = max(seconds for _, seconds in self.windows)
            while True:
                now = self.clock()
                while self.started and now - self.started[0] >= longest:
                    self.started.popleft()
                delay = 0.0
                for count, seconds in self.windows:
                    recent = [t for t in self.started if now - t < seconds]
                    if len(recent) >= count:
                        delay = max(delay, seconds - (now - recent[-count]))
                if delay <= 0:
                    self.started.append(now)
                    return waited
                self.sleep(delay)
                waited += delay


@dataclass(frozen=True)
class Answer:
    text: str
    status: int
    data: dict[str, Any] | None  # the JSON object when the body is one
    retry_after: float | None = None
    content_type: str = ""


class ExpensifyClient:
    def __init__(self, creds: ExpensifyCredentials, *, session: requests.Session | None = None,
                 pacer: Pacer | None = None, max_retries: int = 3, backoff: float = 10.0,
                 sleep: Callable[[float], None] = time.sleep,
                 on_job: Callable[[Job], None] | None = None, retry: RetryPolicy | None = None) -> None:
        self.creds = creds
        # The same session as NetSuite's: no redirects, a total time limit per job, a capped body.
        self.session = session or SafeSession()
        # The run's deadline (``--timeout``): no job, wait or retry goes past it.
        self.retry = retry or RetryPolicy(timeout=TIMEOUT)
        register(creds.secret.reveal(), creds.user_id)  # an echoed job is redacted wherever it goes
        self.pacer = pacer or Pacer(sleep=sleep)
        self.max_retries = max_retries
        self.backoff = backoff
        self.sleep = sleep
        self.on_job = on_job
        self.jobs: list[Job] = []

    # ---- one job ---------------------------------------------------------------------------------
    def send(self, kind: str, detail: str, job: dict[str, Any], template: str | None = None, *,
             json_answer: bool = True) -> Answer:
        """One job; ``json_answer``: the API answers this job with a JSON object carrying a
        ``responseCode`` (anything else is :class:`~errors.UnexpectedAnswer`, exit 3)."""
        assert_read_only(job)
        form = {"requestJobDescription": encode(job)}
        if template is not None:
            form["template"] = template
        attempt, wait = 0, self.backoff
        started = time.monotonic()
        while True:
            attempt += 1
            self.pacer.wait()
            answer = self._post(form)
            if not self._rate_limited(answer):
                break
            if attempt > self.max_retries:
                self._record(kind, detail, answer, attempt, started)
                raise e.RateLimited(
                    f"rate limited; gave up after {attempt} tries. Other jobs may share these credentials: "
                    "run nsaudit when they are idle", response_code=self._code(answer),
                    server_message=self._message(answer))
            pause = answer.retry_after if answer.retry_after is not None else wait
            if self.retry.deadline is not None and time.monotonic() + pause >= self.retry.deadline:
                raise e.Unreachable(f"rate limited, and {self.retry.deadline_label} passes before the next try",
                                    response_code=self._code(answer))
            self.sleep(pause)
            wait *= 2
        self._record(kind, detail, answer, attempt, started)
        self._raise_for(answer)
        if json_answer and answer.data is None:
            raise e.UnexpectedAnswer(f"{self.creds.base_url} answered HTTP {answer.status} "
                                     f"{answer.content_type or 'without a content type'}, not the Integration "
                                     f"Server's JSON answer ({_snippet(answer.text)}); not what the protocol answers")
        return answer

    def _post(self, form: dict[str, str]) -> Answer:
        try:
            timeout = self.retry.request_timeout()
        except DeadlineExceeded:
            raise e.Unreachable(f"{self.retry.deadline_label} passed before the job could start") from None
        try:
            response = self.session.post(self.creds.endpoint, data=form, timeout=timeout, allow_redirects=False)
        except TransportError as exc:  # the session's limits: time, size, redirect, refused, dropped
            deadline = self.retry.deadline
            if isinstance(exc, RequestTimedOut) and deadline is not None and time.monotonic() >= deadline - 0.05:
                raise e.Unreachable(f"no complete answer from {self.creds.base_url} within "
                                    f"{self.retry.deadline_label}") from None
            raise e.Unreachable(f"cannot reach {self.creds.base_url}: {exc.message}") from None
        except requests.RequestException as exc:
            raise e.Unreachable(f"cannot reach {self.creds.base_url} ({type(exc).__name__})") from None
        try:
            text = response.text
        except (ValueError, LookupError):
            text = response.content.decode("utf-8", "replace")
        data = None
        if text.lstrip().startswith("{"):
            try:
                parsed = json.loads(text)
            except (ValueError, RecursionError):  # not JSON, or nested past what can be read
                parsed = None
            if isinstance(parsed, dict) and "responseCode" in parsed:
                data = map_strings(parsed, replace_surrogates)  # lone surrogates: U+FFFD
        return Answer(replace_surrogates(text), response.status_code, data,
                      _seconds(response.headers.get("Retry-After")), response.headers.get("Content-Type", ""))

    @staticmethod
    def _code(answer: Answer) -> int | None:
        code = (answer.data or {}).get("responseCode")
        text = str(code) if isinstance(code, int | str) and not isinstance(code, bool) else ""
        return int(text) if text.isascii() and text.isdigit() and len(text) <= 4 else None

    @staticmethod
    def _message(answer: Answer) -> str | None:
        message = (answer.data or {}).get("responseMessage")
        return str(message) if message else None

    def _rate_limited(self, answer: Answer) -> bool:
        message = (self._message(answer) or "").lower()
        return answer.status == 429 or self._code(answer) == 429 or "rate-limit" in message or \
            "rate limit" in message

    def _raise_for(self, answer: Answer) -> None:
        code, message = self._code(answer), self._message(answer)
        if answer.status >= 500 and code is None:
            raise e.Unreachable(f"{self.creds.base_url} answered HTTP {answer.status}")
        if 300 <= answer.status < 400:
            raise e.Unreachable(f"{self.creds.base_url} answered a redirect (HTTP {answer.status}); not followed")
        if code is None or code == 200:
            if answer.status >= 400:
                raise e.ExpensifyError(f"unexpected HTTP {answer.status}")
            return
        low = (message or "").lower()
        if code in (401, 407) or any(w in low for w in ("authenticat", "password", "partneruser", "credential")):
            raise e.BadCredentials(
                "the partner credentials were refused; check NSAUDIT_EXPENSIFY_USER_ID / "
                "NSAUDIT_EXPENSIFY_USER_SECRET (or the profile) against expensify.com/tools/integrations",
                response_code=code, server_message=message)
        if code == 403 or "admin" in low:
            raise e.NotPolicyAdmin("these credentials are not an admin of the policy", response_code=code,
                                   server_message=message)
        if code == 404 or "not found" in low:
            raise e.UnknownPolicy("the policy was not found for these credentials", response_code=code,
                                  server_message=message)
        raise e.ExpensifyError("the job failed", response_code=code, server_message=message)

    def _record(self, kind: str, detail: str, answer: Answer, attempts: int, started: float) -> None:
        job = Job(kind=kind, detail=detail, response_code=self._code(answer) or (200 if answer.status == 200 else None),
                  http_status=answer.status, attempts=attempts,
                  elapsed_ms=int((time.monotonic() - started) * 1000))
        self.jobs.append(job)
        if self.on_job is not None:
            self.on_job(job)


def _snippet(text: str, limit: int = 80) -> str:
    flat = redact(" ".join(text.split()))
    flat = flat if len(flat) <= limit else flat[:limit] + "..."
    return repr(flat) if flat else "an empty body"


def _seconds(value: str | None) -> float | None:
    try:
        seconds = float(value) if value is not None else None
    except ValueError:
        return None
    return min(max(seconds, 0.0), 120.0) if seconds is not None and math.isfinite(seconds) else None
