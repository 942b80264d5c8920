"""The dashboard's `lpss` commands: `lpss serve`, `lpss users`, and the demo accounts `lpss demo` prints."""

from __future__ import annotations

import typer

from lpss_pipeline.console import console, ensured_settings, new_table
from lpss_pipeline.settings import Settings


def serve(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
    port: int = typer.Option(8000, help="Port of the dashboard."),
) -> None:
    """Serve the role-based leadership dashboard and its JSON API on the published marts."""
    import uvicorn

    from lpss_pipeline.dashboard.app import create_app

    settings = ensured_settings()
    if not settings.published_path.exists():
        console.print(
            f"[yellow]No published marts at {settings.published_path} yet: run `lpss demo` or `lpss run`.[/]"
        )
    console.print(f"lpss dashboard on http://{host}:{port} (Ctrl-C to stop)")
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info", proxy_headers=False)


users_app = typer.Typer(
    help="Dashboard accounts: each belongs to an employee, whose grants decide what it sees."
)


@users_app.command("add")
def users_add(
    username: str = typer.Argument(..., help="Login name (3-64 letters, digits, . _ @ -)."),
    employee_id: str = typer.Option(..., "--employee-id", help="The employee the account belongs to."),
    password: str = typer.Option(
        ...,
        prompt=True,
        hide_input=True,
        confirmation_prompt=True,
        envvar="LPSS_NEW_PASSWORD",
        help="Prompted for when not given (or read from LPSS_NEW_PASSWORD).",
    ),
) -> None:
    """Create an account, or reset its employee and password."""
    from lpss_pipeline.dashboard import accounts, store
    from lpss_pipeline.dashboard.marts import reading

    settings = ensured_settings()
    if settings.published_path.exists():
        with reading(settings.published_path) as marts:
            known = marts.value(
                "select count(*) from marts.dim_leaders where employee_id = $e and is_active", e=employee_id
            )
        if not known:
            console.print(f"[red]{employee_id} is not an active employee in the published marts.[/]")
            raise typer.Exit(2)
    try:
        with store.connect(settings.dashboard_store_path) as con:
            created = accounts.set_account(con, username, employee_id, password)
    except accounts.AccountError as exc:
        console.print(f"[red]{exc}[/]")
        raise typer.Exit(2) from exc
    console.print(f"{'created' if created else 'updated'} account [bold]{username}[/] for {employee_id}")


@users_app.command("list")
def users_list() -> None:
    """List the accounts (never their passwords)."""
    from lpss_pipeline.dashboard import accounts, store, throttle

    with store.connect(ensured_settings().dashboard_store_path) as con:
        rows = accounts.list_accounts(con)
        locked = throttle.locked_usernames(con)
    table = new_table("Dashboard accounts", "username", "employee", "created", "disabled", "locked")
    for row in rows:
        table.add_row(
            row["username"],
            row["employee_id"],
            row["created_at"][:19],
            "yes" if row["disabled"] else "",
            "yes" if row["username"] in locked else "",
        )
    console.print(table)


@users_app.command("remove")
def users_remove(username: str) -> None:
    """Delete an account and end its sessions."""
    from lpss_pipeline.dashboard import accounts, store

    with store.connect(ensured_settings().dashboard_store_path) as con:
        removed = accounts.remove_account(con, username)
    console.print(f"removed {username}" if removed else f"no account {username}")
    raise typer.Exit(0 if removed else 1)


@users_app.command("unlock")
def users_unlock(username: str) -> None:
    """Lift the lock repeated failed logins put on an account, and forget its failures."""
    from lpss_pipeline.dashboard import store, throttle

    with store.connect(ensured_settings().dashboard_store_path) as con:
        known = con.execute("select 1 from users where username = ?", [username]).fetchone()
        failures = throttle.unlock(con, username) if known else 0
    if not known:
        console.print(f"[red]no account {username}[/]")
        raise typer.Exit(2)
    console.print(f"unlocked {username} ({failures} failed login(s) forgotten)")


def print_demo_accounts(settings: Settings) -> None:
    from lpss_pipeline.dashboard.demo_accounts import create_demo_accounts
    from lpss_pipeline.dashboard.marts import reading

    if not settings.published_path.exists():
        return
    users = create_demo_accounts(
        settings.published_path, settings.dashboard_store_path, settings.demo_users_path
    )
    with reading(settings.published_path) as marts:
        people = {
            p["employee_id"]: f"{p['full_name']}, {p['job_title']}"
            for p in marts.rows(
                "select employee_id, full_name, job_title from marts.dim_leaders "
                "where list_contains($ids, employee_id)",
                ids=[u["employee_id"] for u in users],
            )
        }
    table = new_table("Dashboard demo accounts", "username", "role", "employee", "who")
    for user in users:
        employee = user["employee_id"]
        table.add_row(user["username"], user["role"], employee, people.get(employee, ""))
    console.print(table)
    console.print(f"Their passwords: {settings.demo_users_path}")
