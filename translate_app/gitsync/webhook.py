"""Checking a push webhook from GitHub, Gitea (or Forgejo) or GitLab against the shared secret.

GitHub and Gitea sign the body: HMAC-SHA256 with the secret, in
`X-Hub-Signature-256: sha256=HEX` and `X-Gitea-Signature: HEX`. GitLab sends
the secret itself in `X-Gitlab-Token`. Every comparison is in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Protocol

from ..core.errors import TranslateAppError


class Headers(Protocol):
    """What verify reads of a request's headers (a dict, or Werkzeug's case-insensitive Headers)."""

    def get(self, key: str, /) -> str | None: ...


class WebhookRefusedError(TranslateAppError):
    """A webhook call without a valid signature or token (a 403)."""


def verify(headers: Headers, body: bytes, secret: str) -> str:
    """Return which forge sent a correctly signed call, or raise WebhookRefusedError."""
    expected = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    github = headers.get("X-Hub-Signature-256")
    if github is not None:
        if hmac.compare_digest(github.strip().encode(), f"sha256={expected}".encode()):
            return "github"
        raise WebhookRefusedError("the signature does not match the shared secret")
    gitea = headers.get("X-Gitea-Signature") or headers.get("X-Forgejo-Signature")
    if gitea is not None:
        if hmac.compare_digest(gitea.strip().encode(), expected.encode()):
            return "gitea"
        raise WebhookRefusedError("the signature does not match the shared secret")
    gitlab = headers.get("X-Gitlab-Token")
    if gitlab is not None:
        if hmac.compare_digest(gitlab.encode("utf-8"), secret.encode("utf-8")):
            return "gitlab"
        raise WebhookRefusedError("the token does not match the shared secret")
    raise WebhookRefusedError("no signature (X-Hub-Signature-256, X-Gitea-Signature) or token (X-Gitlab-Token)")


def pushed_branch(body: bytes) -> str | None:
    """Return the branch a push event names (`ref: refs/heads/NAME`), or None for other events."""
    try:
        payload = json.loads(body or b"{}")
    except ValueError:
        return None
    ref = payload.get("ref") if isinstance(payload, dict) else None
    if isinstance(ref, str) and ref.startswith("refs/heads/"):
        return ref[len("refs/heads/") :]
    return None
