"""The national look-up: province registers publish their public register by PostgreSQL
logical replication, and one national cluster subscribes to each of them.

Province side: `cadastre national publish` (publication.py) turns on logical WAL and gives the
publication role its secret. National side: `cadastre national create` (cluster.py) makes the
cluster, `add-province` / `status` (provinces.py) subscribe and watch, `cadastre serve
--national` (web.py) answers citizens. docs/scaling.md, "National look-up".
"""
