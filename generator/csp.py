"""A Content-Security-Policy for every page, allowing exactly the page's own inline scripts.

The theme writes a few small inline scripts per page (their text depends on the
page's depth), so the policy lists the SHA-256 hash of each instead of allowing
inline script in general. Everything else must come from the site itself;
'wasm-unsafe-eval' lets Pagefind run its WebAssembly search.
"""

from __future__ import annotations

import base64
import hashlib
import re

SCRIPT = re.compile(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.S)
EXECUTABLE = re.compile(r"""\btype\s*=\s*["']?(?!text/javascript|module)[\w/+.-]+""")

DIRECTIVES = [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval' {hashes}",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
]


def policy(html: str) -> str:
    hashes = []
    for match in SCRIPT.finditer(html):
        attrs = match.group("attrs")
        if "src=" in attrs or EXECUTABLE.search(attrs):
            continue  # external file (covered by 'self') or a data block that never runs
        digest = base64.b64encode(hashlib.sha256(match.group("body").encode("utf-8")).digest()).decode()
        hashes.append(f"'sha256-{digest}'")
    return "; ".join(DIRECTIVES).replace("{hashes}", " ".join(dict.fromkeys(hashes))).replace("  ", " ")


def with_csp(html: str) -> str:
    """The page with its policy as the first element of <head>."""
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy(html)}">'
    return re.sub(r"<head>", "<head>\n    " + meta, html, count=1)
