"""A database failure no command turned into words still reaches the person as one sentence
with a hint: never a traceback, never silence."""

from __future__ import annotations

import psycopg2
import pytest

from cadastre.cli import main as cli_main


def _run_failing(monkeypatch: pytest.MonkeyPatch, error: BaseException) -> int:
    def app() -> None:
        raise error

    monkeypatch.setattr(cli_main, "app", app)
    with pytest.raises(SystemExit) as exited:
        cli_main.main()
    return int(exited.value.code)


def test_a_server_lost_mid_command_is_one_sentence_with_a_hint(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    lost = psycopg2.OperationalError(
        "server closed the connection unexpectedly\n\tThis probably means the server "
        "terminated abnormally\n"
    )

    code = _run_failing(monkeypatch, lost)

    err = capsys.readouterr().err
    assert code == 1
    assert "Traceback" not in err
    assert err.startswith("Error: The register's database server cannot be reached: "
                          "server closed the connection unexpectedly")
    assert "Hint: Is it running" in err
    assert len(err.strip().splitlines()) == 2
