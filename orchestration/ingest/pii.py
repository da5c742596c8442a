"""Candidate personal data is pseudonymized at the door, in Python, at ingest.

Names, emails and phone numbers are replaced by a keyed hash (HMAC-SHA256 with
the secret `HIRING_PII_SALT`) before anything is written: the raw tables, the
quarantine, logs and dbt never see the plain values, and the secret never
appears in SQL (compiled dbt files or view definitions). The same person gets
the same key in every source, so candidates can be matched across ATSs.
"""

from __future__ import annotations

import hmac
import os
import re

SALT_ENV = "HIRING_PII_SALT"
DEMO_SALT = "demo-salt-change-me"
# Written by `hiring generate` into an export folder: a synthetic export, for which
# the public demo salt is fine (no real people).
DEMO_EXPORT_MARKER = ".generated-demo"

KINDS = ("name", "email", "phone")


def salt() -> str:
    return os.environ.get(SALT_ENV) or DEMO_SALT


def uses_demo_salt() -> bool:
    return salt() == DEMO_SALT


def _first(value: object) -> object:
    """A list of values (Greenhouse `[{value, type}]`, Lever `["a@b"]`): the first one."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("value")
    return value


def plain_value(value: object) -> tuple[str | None, bool]:
    """(the text to hash or None, whether the value had an acceptable shape)."""
    if value is None:
        return None, True
    first = _first(value)
    if first is None:
        return None, isinstance(value, (list, dict))
    if isinstance(first, str):
        return first, True
    return None, False


def normalize(kind: str, text: str) -> str | None:
    text = re.sub(r"[^0-9+]", "", text) if kind == "phone" else " ".join(text.lower().split())
    return text or None


def keyed_hash(kind: str, text: str, key: str | None = None) -> str | None:
    normalized = normalize(kind, text)
    if normalized is None:
        return None
    secret = (key if key is not None else salt()).encode()
    # the one-shot C digest: the same HMAC-SHA256, several times faster than hmac.new
    return hmac.digest(secret, normalized.encode(), "sha256").hex()
