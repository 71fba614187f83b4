"""The brief state machine run locally: moto's ASL interpreter, Task states routed to our handlers.

moto (`mock_aws(config={"stepfunctions": {"execute_state_machine": True}})`) interprets the ONE
definition file, `infra/statemachines/brief.asl.json`, with its `${...}` placeholders replaced the
way SAM's DefinitionSubstitutions replaces them. Its Task states invoke Lambda through boto3;
with `AWS_ENDPOINT_URL_LAMBDA` pointing at `LambdaInvokeServer` (Lambda's Invoke API on
127.0.0.1), each invocation runs our real handler in-process, and a raised exception comes back
as a function error whose `errorType` is the exception's class name, exactly the name that Retry
and Catch match in AWS. This only works with in-process `mock_aws`: a separate moto server
process would not use the endpoint.

`python -m headlinez.local.stepfunctions render` prints the definition with dummy ARNs (for
`statelint`, which rejects `${placeholders}`).
"""

from __future__ import annotations

import json
import re
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, nullcontext
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from headlinez.local.servers import LOOPBACK, LocalContext, LoopbackServer

REPO_ROOT = Path(__file__).resolve().parents[3]
ASL_PATH = REPO_ROOT / "infra" / "statemachines" / "brief.asl.json"
REGION = "us-east-1"
ACCOUNT = "123456789012"  # moto's default account
# Placeholder -> function folder (functions/<folder>/app.py).
BRIEF_FUNCTIONS = {
    "BriefLoadFunctionArn": "brief_load",
    "BriefGenerateFunctionArn": "brief_generate",
    "BriefCheckFunctionArn": "brief_check",
    "BriefPublishFunctionArn": "brief_publish",
    "BriefFailureFunctionArn": "brief_failure",
}
STATE_MACHINE_NAME = "headlinez-brief"
_PLACEHOLDER = re.compile(r"\$\{([A-Za-z0-9_]+)\}")
Handler = Callable[[dict[str, Any], Any], Any]


class DefinitionError(ValueError):
    """The ASL file is unreadable, or a placeholder has no substitution."""


def lambda_arn(function: str, region: str = REGION, account: str = ACCOUNT) -> str:
    return f"arn:aws:lambda:{region}:{account}:function:{function}"


def local_substitutions(region: str = REGION, account: str = ACCOUNT) -> dict[str, str]:
    """Placeholder values for the local flow: each function's ARN is named after its folder."""
    return {placeholder: lambda_arn(folder, region, account)
            for placeholder, folder in BRIEF_FUNCTIONS.items()}


def render_definition(text: str, substitutions: Mapping[str, str]) -> str:
    """Replace `${Name}` like DefinitionSubstitutions does; every placeholder must have a value."""
    missing = sorted({name for name in _PLACEHOLDER.findall(text) if name not in substitutions})
    if missing:
        raise DefinitionError(f"no substitution for placeholders: {', '.join(missing)}")
    return _PLACEHOLDER.sub(lambda match: substitutions[match.group(1)], text)


def _cap_retries(node: Any, max_interval: int) -> None:
    if isinstance(node, dict):
        for retrier in node.get("Retry", []) or []:
            if "IntervalSeconds" in retrier:
                retrier["IntervalSeconds"] = min(int(retrier["IntervalSeconds"]), max_interval)
            if "MaxDelaySeconds" in retrier:
                retrier["MaxDelaySeconds"] = min(int(retrier["MaxDelaySeconds"]), max_interval)
            retrier["BackoffRate"] = 1.0
        for value in node.values():
            _cap_retries(value, max_interval)
    elif isinstance(node, list):
        for value in node:
            _cap_retries(value, max_interval)


def load_definition(substitutions: Mapping[str, str] | None = None, *, path: Path = ASL_PATH,
                    max_retry_interval: int | None = None) -> dict[str, Any]:
    """The rendered definition as a dict.

    `max_retry_interval` caps every Retry's IntervalSeconds and MaxDelaySeconds (and sets
    BackoffRate 1): moto's retries wait real seconds, so tests and the local stack use 1 s.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DefinitionError(f"cannot read {path}: {exc}") from exc
    definition: dict[str, Any] = json.loads(render_definition(text, substitutions or local_substitutions()))
    if max_retry_interval is not None:
        _cap_retries(definition, max_retry_interval)
    return definition


def lint(definition: Mapping[str, Any]) -> list[str]:
    """statelint's problems with a rendered definition (empty when it is valid)."""
    from statelint.config import Config
    from statelint.linter import Linter

    return [str(problem) for problem in Linter.validate(json.dumps(definition), Config([], False, False))]


# --- Lambda's Invoke API on loopback -------------------------------------------------------------


class LambdaInvokeServer:
    """`POST /2015-03-31/functions/{name}/invocations` -> handlers[name](event, context).

    `lock` (optional) is held around each invocation (the local stack shares one moto backend
    between threads). `invocations` records (function, error type or None) in order.
    """

    def __init__(self, handlers: Mapping[str, Handler], *,
                 lock: AbstractContextManager[Any] | None = None) -> None:
        self._handlers = dict(handlers)
        self._lock: AbstractContextManager[Any] = lock if lock is not None else nullcontext()
        self.invocations: list[tuple[str, str | None]] = []
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                return

            def do_POST(self) -> None:
                server._invoke(self)

        # Its listen backlog takes a backlog's worth of executions invoking at once (with the
        # default of 5, connections past it were closed unanswered: "BriefFailed" in the catch-up)
        self._httpd = LoopbackServer((LOOPBACK, 0), _Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="lambda-invoke", daemon=True)

    @property
    def endpoint(self) -> str:
        return f"http://{LOOPBACK}:{self._httpd.server_address[1]}"

    def start(self) -> LambdaInvokeServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> LambdaInvokeServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @staticmethod
    def function_name(path: str) -> str:
        """The function of an Invoke path; the name may be a URL-encoded ARN (with a qualifier)."""
        match = re.match(r"^/2015-03-31/functions/([^/]+)/invocations", path)
        if not match:
            return ""
        name = unquote(match.group(1))
        if name.startswith("arn:"):
            name = name.split(":function:", 1)[-1]
        return name.split(":", 1)[0]

    def _invoke(self, request: BaseHTTPRequestHandler) -> None:
        length = int(request.headers.get("Content-Length") or 0)
        raw = request.rfile.read(length) if length else b""
        name = self.function_name(request.path)
        handler = self._handlers.get(name)
        if handler is None:
            body = json.dumps({"Type": "User", "message": f"Function not found: {name}"}).encode()
            _reply(request, HTTPStatus.NOT_FOUND, body, {"x-amzn-ErrorType": "ResourceNotFoundException"})
            return
        headers: dict[str, str] = {}
        try:
            event = json.loads(raw or b"{}")
            with self._lock:
                result = handler(event, LocalContext(name))
            body = json.dumps(result).encode()
            self.invocations.append((name, None))
        except Exception as exc:  # a function error, as Lambda reports it
            body = json.dumps({"errorMessage": str(exc), "errorType": type(exc).__name__,
                               "stackTrace": traceback.format_exception(exc)[-5:]}).encode()
            headers["X-Amz-Function-Error"] = "Unhandled"
            self.invocations.append((name, type(exc).__name__))
        _reply(request, HTTPStatus.OK, body, headers)


def _reply(request: BaseHTTPRequestHandler, status: int, body: bytes, headers: Mapping[str, str]) -> None:
    request.send_response(status)
    request.send_header("Content-Type", "application/json")
    for key, value in headers.items():
        request.send_header(key, value)
    request.send_header("Content-Length", str(len(body)))
    request.end_headers()
    request.wfile.write(body)


# --- state machine helpers (any boto3 stepfunctions client, here moto's) -------------------------


def create_state_machine(client: Any, definition: Mapping[str, Any], name: str = STATE_MACHINE_NAME) -> str:
    response = client.create_state_machine(
        name=name, definition=json.dumps(definition),
        roleArn=f"arn:aws:iam::{ACCOUNT}:role/headlinez-brief-state-machine", type="STANDARD")
    return str(response["stateMachineArn"])


def wait_for_execution(client: Any, execution_arn: str, timeout: float = 60.0) -> dict[str, Any]:
    """describe_execution once the execution has left RUNNING (TimeoutError after `timeout`)."""
    deadline = time.monotonic() + timeout
    while True:
        description: dict[str, Any] = client.describe_execution(executionArn=execution_arn)
        if description["status"] != "RUNNING":
            return description
        if time.monotonic() > deadline:
            raise TimeoutError(f"execution {execution_arn} still running after {timeout:.0f}s")
        time.sleep(0.05)


def history(client: Any, execution_arn: str) -> Iterator[dict[str, Any]]:
    kwargs: dict[str, Any] = {"executionArn": execution_arn}
    while True:
        page = client.get_execution_history(**kwargs)
        yield from page["events"]
        if not page.get("nextToken"):
            return
        kwargs["nextToken"] = page["nextToken"]


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] != ["render"]:
        print("usage: python -m headlinez.local.stepfunctions render", file=sys.stderr)
        return 2
    print(json.dumps(load_definition(), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
