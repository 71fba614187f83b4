"""Security headers on every answer of the API: JSON, problems, feeds, `/docs`, pages, 304s.

Pure (no Powertools, no I/O): the resolver applies `secure_response` to each Lambda proxy result
it returns, and the local bridge uses `security_headers` for the answers it makes itself.

- `X-Content-Type-Options: nosniff` everywhere.
- A Content-Security-Policy everywhere. A route may set its own (the pages set a strict one);
  otherwise an HTML answer (Swagger UI at `/docs`) gets one that allows exactly its inline
  scripts, by SHA-256 hash, and every other answer (JSON, XML) gets `API_CSP`, which allows
  nothing at all: a JSON body opened in a browser can run nothing and load nothing.
- `Strict-Transport-Security` when `hsts_max_age` > 0: the deployed API (HTTPS only) sets it
  through the `HSTS_MAX_AGE` setting; the local stack (plain HTTP on 127.0.0.1) sends none.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import MutableMapping
from typing import Any

API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
NOSNIFF = "nosniff"
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def html_csp(html: str) -> str:
    """The policy of an HTML answer that is not one of our pages (Swagger UI): its own inline
    scripts only (hashed), inline styles, images and data from this origin."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii") + "'"
        for script in dict.fromkeys(_INLINE_SCRIPT.findall(html))
    )
    return (
        f"default-src 'none'; script-src {hashes or chr(39) + 'none' + chr(39)}; "
        "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )


def security_headers(content_type: str, body: str, *, hsts_max_age: int) -> dict[str, str]:
    """The headers an answer with this content type and body must carry."""
    is_html = content_type.split(";", maxsplit=1)[0].strip().lower() == "text/html"
    headers = {
        "X-Content-Type-Options": NOSNIFF,
        "Content-Security-Policy": html_csp(body) if is_html else API_CSP,
    }
    if hsts_max_age > 0:
        headers["Strict-Transport-Security"] = f"max-age={hsts_max_age}; includeSubDomains"
    return headers


def add_security_headers(headers: MutableMapping[str, Any], body: object, *, hsts_max_age: int) -> None:
    """Add the security headers to `headers` (in place) where they are missing (any case): a
    route's own policy stays. `body` is the answer's body (a str, else treated as empty)."""
    present = {str(name).lower(): name for name in headers}
    original = present.get("content-type")
    content_type = str(headers[original]) if original is not None else ""
    # The page's policy hashes its scripts: a scan of the whole body, skipped when the route set
    # its own (the Swagger page is 1.8 MB; the middleware and the resolver both pass here).
    text = "" if "content-security-policy" in present else body if isinstance(body, str) else ""
    for name, value in security_headers(content_type, text, hsts_max_age=hsts_max_age).items():
        if name.lower() not in present:
            headers[name] = value


def secure_response(response: dict[str, Any], *, hsts_max_age: int) -> dict[str, Any]:
    """`add_security_headers` on a Lambda proxy result (API Gateway payload v2), in place."""
    body = "" if response.get("isBase64Encoded") else response.get("body")
    add_security_headers(response.setdefault("headers", {}), body, hsts_max_age=hsts_max_age)
    return response
