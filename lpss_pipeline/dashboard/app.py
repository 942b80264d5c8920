"""The dashboard application: login and logout, security headers, errors, static files, routers.

Pages (pages.py) and the JSON API (api.py) share one data layer (people.py, organisation.py,
activity.py), so a page never shows anything its API endpoint would not return.
"""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import urlsplit

import plotly
from fastapi import FastAPI, Form, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import HTTPException, RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from lpss_pipeline.dashboard import accounts, sessions, store, throttle
from lpss_pipeline.dashboard.auth import AppConfig, CsrfRejected, NotAuthenticated, config_of
from lpss_pipeline.dashboard.labels import label, level_name
from lpss_pipeline.dashboard.marts import MartsUnavailable
from lpss_pipeline.settings import Settings

HERE = Path(__file__).parent
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
templates = Jinja2Templates(directory=HERE / "templates")


def _number(value, digits: int = 1, signed: bool = False) -> str:
    """A figure for a page: fixed decimals, a dash for no value."""
    if value is None:
        return "—"
    return f"{value:+.{digits}f}" if signed else f"{value:.{digits}f}"


templates.env.filters["num"] = _number
templates.env.filters["label"] = label
templates.env.filters["level"] = level_name
log = logging.getLogger("lpss.dashboard")

SECURITY_HEADERS = {
    # Scripts only from this server (plotly.js and charts.js); Plotly sets inline styles.
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _same_origin(request: Request) -> bool:
    """A browser's Origin (or Referer) must name this server; scripts that send neither are let through."""
    claimed = request.headers.get("origin") or request.headers.get("referer")
    if not claimed:
        return True
    return urlsplit(claimed).netloc == request.headers.get("host", "")


def _client_address(request: Request, config: AppConfig) -> str:
    """The client's address: the peer's, or the last X-Forwarded-For hop a trusted proxy appended."""
    peer = request.client.host if request.client else "unknown"
    forwarded = request.headers.get("x-forwarded-for", "")
    if peer in config.sso_proxies and forwarded.strip():
        return forwarded.split(",")[-1].strip()[:64] or peer
    return peer


def _safe_next(target: str | None) -> str:
    """Only a path on this server, never an absolute URL (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def create_app(settings: Settings) -> FastAPI:
    from lpss_pipeline.dashboard import api, pages

    app = FastAPI(
        title="lpss dashboard API",
        version="1",
        description="Leader scorecards, development, teams, departments, bench, heat map and alerts, each "
        "limited to the caller's scope (marts.dim_access_grants). Authenticate with POST /login first.",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,  # served behind authentication at /api/v1/openapi.json
    )
    app.state.lpss = AppConfig.from_environment(settings)

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if not request.url.path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.exception_handler(NotAuthenticated)
    async def not_authenticated(request: Request, exc: NotAuthenticated):
        if _is_api(request):
            return JSONResponse({"detail": "authentication required"}, status_code=401)
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={target}", status_code=303)

    @app.exception_handler(CsrfRejected)
    async def csrf_rejected(request: Request, exc: CsrfRejected):
        return _error(
            request, 403, "The form was stale or did not come from this dashboard. Reload and retry."
        )

    @app.exception_handler(MartsUnavailable)
    async def marts_unavailable(request: Request, exc: MartsUnavailable):
        return _error(request, 503, str(exc))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException):
        return _error(request, exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def invalid_input(request: Request, exc: RequestValidationError):
        """A bounded parameter out of bounds: the API keeps FastAPI's detail, a page says which one."""
        if _is_api(request):
            return JSONResponse({"detail": jsonable_encoder(exc.errors())}, status_code=422)
        names = ", ".join(str(e["loc"][-1]) for e in exc.errors())
        return _error(request, 422, f"This page cannot show that: check {names} in the address.")

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict:
        return {"ok": True, "marts_published": settings.published_path.exists()}

    @app.get("/login", include_in_schema=False)
    def login_page(request: Request, next: str = "/"):
        return templates.TemplateResponse(request, "login.html", {"next": _safe_next(next), "error": None})

    @app.post("/login", include_in_schema=False)
    def login(
        request: Request,
        username: str = Form(...),
        password: str = Form(...),
        next: str = Form("/"),
    ):
        if not _same_origin(request):
            return _error(request, 403, "Login refused: the form did not come from this dashboard.")
        config = config_of(request)
        address, at = _client_address(request, config), throttle.now()
        with store.connect(config.store_path) as con:
            refusal = throttle.admit(con, username, address, throttle.Limits.configured(), at)
            if refusal is not None:
                throttle.record(con, username, address, refusal.outcome, at)
        if refusal is not None:  # turned away before the password is looked at
            log.warning("login %s for %r from %s", refusal.outcome, username[: throttle.MAX_NAME], address)
            message = (
                "This account is locked; ask an HR admin."
                if refusal.locked
                else f"Too many failed attempts; try again in {refusal.retry_after} seconds."
            )
            return templates.TemplateResponse(
                request,
                "login.html",
                {"next": _safe_next(next), "error": message},
                status_code=429,
                headers={"Retry-After": str(refusal.retry_after)} if not refusal.locked else None,
            )
        with store.connect(config.store_path) as con:
            account = accounts.authenticate(con, username, password)
            if account is not None:
                throttle.succeeded(con, username, address)
            throttle.record(con, username, address, "success" if account else "failure", at)
            session_id = sessions.open_session(con, account["username"]) if account else None
        if session_id is None:
            log.info("login failure for %r from %s", username[: throttle.MAX_NAME], address)
            return templates.TemplateResponse(
                request,
                "login.html",
                {"next": _safe_next(next), "error": "Unknown username or wrong password."},
                status_code=401,
            )
        log.info("login success for %r from %s", username[: throttle.MAX_NAME], address)
        response = RedirectResponse(_safe_next(next), status_code=303)
        response.set_cookie(
            sessions.COOKIE_NAME,
            config.codec.dumps(session_id),
            max_age=sessions.SESSION_HOURS * 3600,
            httponly=True,
            samesite="lax",
            secure=config.secure_cookies or request.url.scheme == "https",
            path="/",
        )
        return response

    @app.post("/logout", include_in_schema=False)
    def logout(request: Request, csrf_token: str = Form("")):
        config = config_of(request)
        session_id = config.codec.loads(request.cookies.get(sessions.COOKIE_NAME))
        if session_id is not None:
            with store.connect(config.store_path) as con:
                session = sessions.live_session(con, session_id)
                if session is not None and not sessions.csrf_matches(session["csrf_token"], csrf_token):
                    raise CsrfRejected
                sessions.close_session(con, session_id)
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(sessions.COOKIE_NAME, path="/")
        return response

    @app.get("/static/plotly.min.js", include_in_schema=False)
    def plotly_js():
        return FileResponse(PLOTLY_JS, media_type="text/javascript")

    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)
    return app


def _error(request: Request, status: int, message: str) -> Response:
    if _is_api(request):
        return JSONResponse({"detail": message}, status_code=status)
    return templates.TemplateResponse(
        request, "error.html", {"status": status, "message": message}, status_code=status
    )
