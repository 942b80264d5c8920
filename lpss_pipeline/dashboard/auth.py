"""Who is making a request: a login session, or (when configured) a trusted SSO proxy header.

Every route but the login page, the health check and the static files depends on
:func:`request_context`; without an identity it raises :class:`NotAuthenticated`, which the app
turns into 401 for the API and a redirect to the login page for pages.

SSO: with ``LPSS_SSO_HEADER`` set (e.g. ``X-Forwarded-Email``), a request carrying that header from
an address in ``LPSS_SSO_TRUSTED_PROXIES`` (default 127.0.0.1) is the active employee with that
e-mail. The header is ignored from any other address, so a client cannot claim an identity by
sending it directly.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from fastapi import Request

from lpss_pipeline.dashboard import sessions, store
from lpss_pipeline.dashboard.access import Viewer, resolve_viewer
from lpss_pipeline.dashboard.marts import MartsReader, reading
from lpss_pipeline.settings import Settings


class NotAuthenticated(Exception):
    """No valid session or trusted identity header."""


class CsrfRejected(Exception):
    """A state-changing form without this session's CSRF token."""


@dataclass(frozen=True)
class AppConfig:
    settings: Settings
    codec: sessions.SessionCodec
    sso_header: str | None
    sso_proxies: frozenset[str]
    secure_cookies: bool

    @classmethod
    def from_environment(cls, settings: Settings) -> AppConfig:
        proxies = os.environ.get("LPSS_SSO_TRUSTED_PROXIES", "127.0.0.1")
        return cls(
            settings=settings,
            codec=sessions.SessionCodec(sessions.secret_key(settings.home)),
            sso_header=os.environ.get("LPSS_SSO_HEADER") or None,
            sso_proxies=frozenset(p.strip() for p in proxies.split(",") if p.strip()),
            secure_cookies=os.environ.get("LPSS_COOKIE_SECURE", "").lower() in {"1", "true", "yes"},
        )

    @property
    def store_path(self) -> Path:
        return self.settings.dashboard_store_path


@dataclass
class RequestContext:
    """The viewer, an open read-only marts connection, and the CSRF token of this request."""

    viewer: Viewer
    marts: MartsReader
    csrf_token: str
    session_id: str | None
    config: AppConfig

    def require_csrf(self, sent: str | None) -> None:
        if self.session_id is not None:
            if not sessions.csrf_matches(self.csrf_token, sent):
                raise CsrfRejected
        elif self.config.codec.loads_csrf(sent) != self.viewer.username:
            raise CsrfRejected


def config_of(request: Request) -> AppConfig:
    return request.app.state.lpss


def _from_session(config: AppConfig, request: Request) -> tuple[str, str, str, str] | None:
    session_id = config.codec.loads(request.cookies.get(sessions.COOKIE_NAME))
    if session_id is None:
        return None
    with store.connect(config.store_path) as con:
        row = sessions.live_session(con, session_id)
    return (row["username"], row["employee_id"], row["csrf_token"], session_id) if row else None


def _from_sso(config: AppConfig, request: Request, marts: MartsReader) -> tuple[str, str] | None:
    if not config.sso_header or request.client is None or request.client.host not in config.sso_proxies:
        return None
    email = (request.headers.get(config.sso_header) or "").strip().lower()
    if not email:
        return None
    employee = marts.value(
        "select employee_id from marts.dim_leaders where lower(trim(email)) = $email and is_active",
        email=email,
    )
    return (email, employee) if employee else None


def request_context(request: Request) -> Iterator[RequestContext]:
    """FastAPI dependency: authenticate, open the published marts for the request, resolve the viewer."""
    config = config_of(request)
    session = _from_session(config, request)
    with reading(config.settings.published_path) as marts:
        if session is not None:
            username, employee_id, csrf, session_id = session
        else:
            sso = _from_sso(config, request, marts)
            if sso is None:
                raise NotAuthenticated
            username, employee_id = sso
            csrf, session_id = config.codec.dumps_csrf(username), None
        viewer = resolve_viewer(marts, username, employee_id)
        yield RequestContext(viewer, marts, csrf, session_id, config)
