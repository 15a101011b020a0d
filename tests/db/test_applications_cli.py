"""`cadastre service`: the office enters the figures the law sets (processing time, fee) and
its days off; an officer cannot, and is told so in one sentence with a hint."""

from __future__ import annotations

from tests.db.test_cli_register import ok, run_cli


def test_the_office_enters_a_services_working_days_fee_and_holidays(
    register_url: str, make_user
) -> None:
    admin = make_user("admin")
    assert "not set" in ok(admin, "service", "list")
    said = ok(admin, "service", "set", "extract", "--days", "3", "--fee-vi", "Miễn phí",
              "--legal-basis", "Quyết định của UBND tỉnh")
    assert "extract: 3 working days" in said
    listed = ok(admin, "service", "list")
    assert "Miễn phí" in listed and "Quyết định của UBND tỉnh" in listed
    ok(admin, "service", "holiday", "add", "2027-02-08", "Tết Nguyên đán", "--en", "Lunar New Year")
    assert "Tết Nguyên đán" in ok(admin, "service", "holiday", "list", "--year", "2027")
    ok(admin, "service", "holiday", "remove", "2027-02-08")
    assert "No day off" in ok(admin, "service", "holiday", "list", "--year", "2027")


def test_an_officer_may_not_change_the_services(register_url: str, make_user) -> None:
    officer = make_user("officer", ("00070",))
    result = run_cli(officer, "service", "set", "transfer", "--days", "1")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("Error: ") and "may not change the services" in result.stderr
    assert "Hint: " in result.stderr
    unknown = run_cli(make_user("admin"), "service", "set", "no_such", "--days", "1")
    assert unknown.returncode == 1 and "No service 'no_such'" in unknown.stderr
