"""`cadastre user ...`: people who log in to the register, and the communes officers edit."""

from __future__ import annotations

import typer
from rich.table import Table

from cadastre.cli.common import console
from cadastre.db.connection import connect, owner_url
from cadastre.db.roles import ROLE_GROUPS, add_user, list_users

app = typer.Typer(
    help="Users (database login roles): officers, approvers, analysts, administrators.",
    no_args_is_help=True,
)


@app.command()
def add(
    name: str = typer.Argument(..., help="Login name, e.g. officer_hoan_kiem."),
    role: str = typer.Option(..., "--role", help="One of: " + ", ".join(ROLE_GROUPS) + "."),
    commune: list[str] = typer.Option(
        [], "--commune", help="A commune the officer may edit (repeat for several)."
    ),
    password: bool = typer.Option(
        False, "--password", help="Ask for a password (needed to log in: servers, the project "
        "one included, ask for it)."
    ),
) -> None:
    """Create a user in one of the register's roles; officers get their communes."""
    secret = (
        typer.prompt("Password", hide_input=True, confirmation_prompt=True) if password else None
    )
    conn = connect(owner_url())
    try:
        user = add_user(conn, name, role, commune, secret)
    finally:
        conn.close()
    communes = ", ".join(user.communes) or "all (not bound to communes)"
    console.print(f"User {user.name} created as {role}; communes: {communes}")
    if not secret:
        console.print(
            f"{user.name} has no password and cannot log in yet; give one with "
            f"`psql \"$(cadastre db url --owner)\" -c '\\password {user.name}'`."
        )


@app.command("list")
def list_() -> None:
    """List the register's users, their roles and communes."""
    conn = connect(owner_url())
    try:
        users = list_users(conn)
    finally:
        conn.close()
    table = Table(title="Users")
    for column in ("Name", "Roles", "Communes"):
        table.add_column(column)
    for user in users:
        table.add_row(user.name, ", ".join(user.groups), ", ".join(user.communes))
    console.print(table)
