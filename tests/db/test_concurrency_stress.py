"""Several officers' processes hammering adjacent parcels: 1,000 conflicting boundary edits.

Each process moves the east edge of a random parcel in a row of adjacent parcels, with the
version it read (so edits race with each other). Whatever interleaving happens, no overlap
lands, no update is lost, and every refusal says why.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections import Counter

import pytest

from cadastre.db.connection import connect
from cadastre.settings import PROJECT_ROOT
from tests.db.register_helpers import first_registration, invariant_violations, rect, rows

PROCESSES = 4
EDITS_PER_PROCESS = 250
PARCELS = 6

OFFICER = textwrap.dedent(
    """
    import json, random, sys
    import psycopg2
    from cadastre.db.connection import connect
    from tests.db import register_helpers as h

    url, seed, edits, ids = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), json.loads(sys.argv[4])
    rng = random.Random(seed)
    conn = connect(url)
    outcomes = []
    for attempt in range(edits):
        index = rng.randrange(len(ids))
        parcel_id = ids[index]
        with conn, conn.cursor() as cur:
            cur.execute("SELECT version, ST_XMin(geom), ST_XMax(geom) FROM cadastre.parcel "
                        "WHERE id = %s", (parcel_id,))
            version, x0, x1 = cur.fetchone()
        west = x0 - h.ORIGIN_E
        # Narrow parcels only grow, so every refusal comes from the race, not from the shape.
        steps = [0.5, 1.5] if x1 - x0 < 4 else [-1.5, -0.5, 0.5, 1.5]
        east = x1 - h.ORIGIN_E + rng.choice(steps)
        try:
            with conn, conn.cursor() as cur:
                dossier = h.approved_dossier(cur, "resurvey", "2024-06-01",
                                             number=f"RS-{seed}-{attempt}")
                h.correct_boundary(cur, dossier, parcel_id, h.rect(west, 0, east, 10),
                                   expected_version=version)
            outcomes.append({"parcel": parcel_id, "ok": True})
        except psycopg2.Error as exc:
            conn.rollback()
            outcomes.append({"parcel": parcel_id, "ok": False, "code": exc.pgcode,
                             "message": str(exc).splitlines()[0]})
    print(json.dumps(outcomes))
    """
)


@pytest.mark.slow
def test_a_thousand_racing_edits_land_no_overlap_and_lose_no_update(register_url: str) -> None:
    conn = connect(register_url)
    ids = [
        first_registration(conn, f"2012-03-{day:02d}", day, rect(10 * i, 0, 10 * i + 10, 10))[0]
        for i, day in enumerate(range(1, PARCELS + 1))
    ]
    officers = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                OFFICER,
                register_url,
                str(seed),
                str(EDITS_PER_PROCESS),
                json.dumps(ids),
            ],
            cwd=PROJECT_ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        )
        for seed in range(PROCESSES)
    ]
    outcomes = []
    for officer in officers:
        out, err = officer.communicate(timeout=600)
        assert officer.returncode == 0, err
        outcomes.extend(json.loads(out))

    landed = Counter(o["parcel"] for o in outcomes if o["ok"])
    refusals = [o for o in outcomes if not o["ok"]]
    violations = invariant_violations(conn)
    versions = {
        r["id"]: r["version"]
        for r in rows(conn, "SELECT id, version FROM cadastre.parcel WHERE id = ANY(%s)", (ids,))
    }

    assert len(outcomes) == PROCESSES * EDITS_PER_PROCESS
    assert violations == dict.fromkeys(violations, 0)
    assert all(versions[pid] == 1 + landed[pid] for pid in ids), (versions, landed)
    assert refusals, "the edits were meant to race and collide"
    explained = ("overlap", "changed by someone else", "deadlock")
    unexplained = [
        r for r in refusals if not any(word in r["message"].lower() for word in explained)
    ]
    assert unexplained == []
