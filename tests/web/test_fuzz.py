"""Fuzzed parameters on every public route: any text or number gets a 2xx/3xx/4xx, never a 500,
and the register is read-only to the web role anyway."""

from __future__ import annotations

from urllib.parse import quote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

TEXT = st.text(max_size=60)
NUMBER = st.one_of(st.integers(), st.floats(allow_nan=True, allow_infinity=True)).map(str)
VALUE = st.one_of(TEXT, NUMBER)
FUZZ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

ROUTES = (
    "/api/parcels/{a}/{b}/{c}",
    "/api/parcels?commune={a}&sheet={b}&number={c}",
    "/api/parcels/at?lon={a}&lat={b}",
    "/api/addresses?q={a}&limit={c}",
    "/api/certificates/{a}",
    "/api/communes?q={a}",
    "/tiles/{a}/{b}/{c}.pbf",
    "/thua/{a}/{b}/{c}?lang={b}",
    "/tim?commune={a}&sheet={b}&number={c}",
    "/giay-chung-nhan/{a}",
)


@FUZZ
@given(route=st.sampled_from(ROUTES), a=VALUE, b=VALUE, c=VALUE)
def test_no_fuzzed_parameter_makes_a_route_fail(client, route: str, a: str, b: str, c: str):
    url = route.format(a=quote(a, safe=""), b=quote(b, safe=""), c=quote(c, safe=""))

    response = client.get(url)

    assert response.status_code < 500, (url, response.status_code, response.text[:300])
