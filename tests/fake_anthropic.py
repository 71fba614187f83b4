"""A fake Anthropic Messages API on 127.0.0.1, driven through the real SDK with `base_url`.

Each POST /v1/messages is answered from a per-tool script (FIFO), falling back to a default:
- `write_brief`: `brief` (a draft dict) as a tool_use block;
- `record_verdicts`: every claim supported by its first cited item, except those for which
  `reject(claim_text)` returns a reason.
Scripted entries are `FakeResponse`s: a tool call, an error status with headers (429/529 with
retry-after), a malformed answer, or a delay longer than the client's timeout.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

from headlinez.local.servers import LoopbackServer

BRIEF_TOOL = "write_brief"
VERDICT_TOOL = "record_verdicts"


@dataclass
class FakeResponse:
    status: int = 200
    body: dict[str, Any] | str = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


def usage(input_tokens: int = 1200, output_tokens: int = 350, cache_read: int = 0, cache_write: int = 0
          ) -> dict[str, int]:
    return {"input_tokens": input_tokens, "output_tokens": output_tokens,
            "cache_read_input_tokens": cache_read, "cache_creation_input_tokens": cache_write}


def message(content: list[dict[str, Any]], *, stop_reason: str = "tool_use", model: str = "fake-model",
            tokens: dict[str, int] | None = None) -> dict[str, Any]:
    return {"id": "msg_fake", "type": "message", "role": "assistant", "model": model, "content": content,
            "stop_reason": stop_reason, "stop_sequence": None, "usage": tokens or usage()}


def tool_call(name: str, payload: Any, **kwargs: Any) -> FakeResponse:
    block = {"type": "tool_use", "id": "toolu_fake", "name": name, "input": payload}
    return FakeResponse(body=message([block], **kwargs))


def error(status: int, kind: str, *, retry_after: float | None = None) -> FakeResponse:
    headers = {"retry-after": f"{retry_after:g}"} if retry_after is not None else {}
    return FakeResponse(status=status, headers=headers,
                        body={"type": "error", "error": {"type": kind, "message": f"fake {kind}"}})


def rate_limited(retry_after: float | None = None) -> FakeResponse:
    return error(429, "rate_limit_error", retry_after=retry_after)


def overloaded(retry_after: float | None = None) -> FakeResponse:
    return error(529, "overloaded_error", retry_after=retry_after)


def text_only(text: str = "Here is the brief: ...") -> FakeResponse:
    """A malformed answer: prose instead of the tool call."""
    return FakeResponse(body=message([{"type": "text", "text": text}], stop_reason="end_turn"))


def slow(seconds: float) -> FakeResponse:
    return FakeResponse(delay=seconds, body=message([{"type": "text", "text": "too late"}]))


_CLAIMS = re.compile(r"<claims>\s*(.*?)\s*</claims>", re.DOTALL)


class FakeAnthropic:
    def __init__(self, brief: dict[str, Any] | None = None,
                 reject: Callable[[str], str | None] | None = None) -> None:
        self.brief = brief
        self.reject = reject or (lambda _text: None)
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self._scripts: dict[str, deque[FakeResponse]] = defaultdict(deque)
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                return

            def do_POST(self) -> None:
                fake._handle(self)

        self._httpd = LoopbackServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def __enter__(self) -> FakeAnthropic:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def script(self, tool: str, *responses: FakeResponse) -> None:
        with self._lock:
            self._scripts[tool].extend(responses)

    def requests_for(self, tool: str) -> list[dict[str, Any]]:
        return [r for r in self.requests if r.get("tools", [{}])[0].get("name") == tool]

    # --- serving -------------------------------------------------------------------------------

    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        length = int(request.headers.get("Content-Length") or 0)
        payload = json.loads(request.rfile.read(length) or b"{}")
        tool = (payload.get("tools") or [{}])[0].get("name", "")
        with self._lock:
            self.requests.append(payload)
            self.headers.append({k.lower(): v for k, v in request.headers.items()})
            scripted = self._scripts[tool].popleft() if self._scripts[tool] else None
        if request.path.rstrip("/") != "/v1/messages":
            response = error(404, "not_found_error")
        else:
            response = scripted or self._default(tool, payload)
        if response.delay:
            time.sleep(response.delay)
        raw = (response.body if isinstance(response.body, str) else json.dumps(response.body)).encode()
        try:
            request.send_response(response.status)
            request.send_header("Content-Type", "application/json")
            request.send_header("request-id", "req_fake")
            for key, value in response.headers.items():
                request.send_header(key, value)
            request.send_header("Content-Length", str(len(raw)))
            request.end_headers()
            request.wfile.write(raw)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
            pass

    def _default(self, tool: str, payload: dict[str, Any]) -> FakeResponse:
        if tool == BRIEF_TOOL and self.brief is not None:
            return tool_call(BRIEF_TOOL, self.brief)
        if tool == VERDICT_TOOL:
            text = payload["messages"][0]["content"]
            match = _CLAIMS.search(text if isinstance(text, str) else json.dumps(text))
            claims = json.loads(match.group(1)) if match else []
            verdicts = []
            for claim in claims:
                reason = self.reject(claim["text"])
                verdicts.append({"claim_id": claim["claim_id"],
                                 "verdict": "unsupported" if reason else "supported",
                                 "evidence_id": None if reason else (claim["cites"] or [None])[0],
                                 "reason": reason or "stated by the cited item"})
            return tool_call(VERDICT_TOOL, {"verdicts": verdicts}, tokens=usage(900, 120))
        return error(400, "invalid_request_error")
