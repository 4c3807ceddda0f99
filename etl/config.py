"""Settings for talking to Kolada: environment variables, with explicit arguments winning.

| variable | meaning | default |
|---|---|---|
| ``KOLADA_BASE_URL`` | API root | ``https://api.kolada.se/v3`` |
| ``KOLADA_TIMEOUT`` | seconds to wait for a connection or a response | 30 |
| ``KOLADA_RETRIES`` | retries of one request (HTTP 429, 5xx, network errors) | 5 |
| ``KOLADA_BACKOFF`` | exponential backoff factor in seconds | 1.0 |
| ``KOLADA_REQUESTS_PER_SECOND`` | politeness limit, attempts per second | 5 |
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

DEFAULT_BASE_URL = "https://api.kolada.se/v3"
#: Kept to US-ASCII, as HTTP header values should be.
USER_AGENT = "dalarna-hallbarhet-dashboard/0.1 (+Agenda 2030 uppfoljning; Kolada API v3)"

#: Kolada refuses path segments with more ids than this.
MAX_IDS_PER_SEGMENT = 25
#: Kolada's largest (and default) page.
MAX_PER_PAGE = 5000

ENV_VARIABLES: dict[str, str] = {
    "base_url": "KOLADA_BASE_URL",
    "timeout": "KOLADA_TIMEOUT",
    "retries": "KOLADA_RETRIES",
    "backoff_factor": "KOLADA_BACKOFF",
    "requests_per_second": "KOLADA_REQUESTS_PER_SECOND",
}


@dataclass(frozen=True)
class KoladaSettings:
    """How the client reaches Kolada and how politely it behaves."""

    base_url: str = DEFAULT_BASE_URL
    timeout: float = 30.0
    retries: int = 5
    backoff_factor: float = 1.0
    requests_per_second: float = 5.0
    per_page: int = MAX_PER_PAGE
    user_agent: str = USER_AGENT

    def __post_init__(self) -> None:
        if not self.base_url.startswith(("http://", "https://")):
            raise ValueError(f"base URL must start with http:// or https://, got {self.base_url!r}")
        if self.timeout <= 0:
            raise ValueError(f"timeout must be positive, got {self.timeout}")
        if self.retries < 0:
            raise ValueError(f"retries must be 0 or more, got {self.retries}")
        if self.backoff_factor < 0:
            raise ValueError(f"backoff factor must be 0 or more, got {self.backoff_factor}")
        if self.requests_per_second <= 0:
            raise ValueError(
                f"requests per second must be positive, got {self.requests_per_second}"
            )
        if not 1 <= self.per_page <= MAX_PER_PAGE:
            raise ValueError(f"per_page must be 1–{MAX_PER_PAGE}, got {self.per_page}")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **explicit: Any) -> KoladaSettings:
        """Settings from the environment; keyword arguments that are not ``None`` win."""
        environ = os.environ if environ is None else environ
        types = {f.name: f.type for f in fields(cls)}
        values: dict[str, Any] = {}
        for name, variable in ENV_VARIABLES.items():
            raw = environ.get(variable, "").strip()
            if raw:
                values[name] = _convert(raw, types[name], variable)
        unknown = set(explicit) - set(types)
        if unknown:
            raise TypeError(f"unknown Kolada settings: {', '.join(sorted(unknown))}")
        values.update({name: value for name, value in explicit.items() if value is not None})
        return replace(cls(), **values)


def _convert(raw: str, type_name: Any, variable: str) -> Any:
    converter = {"str": str, "float": float, "int": int}[str(type_name)]
    try:
        return converter(raw)
    except ValueError:
        raise ValueError(f"{variable}={raw!r}: expected a value of type {type_name}") from None
