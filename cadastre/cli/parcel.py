"""`cadastre parcel ...`: look at a parcel, now or at a past date; split, merge and correct
parcels within an approved dossier."""

from __future__ import annotations

import datetime as dt
from typing import Any

import typer
from rich.table import Table

from cadastre.cli.common import console, current_parcel_id, find_parcel_id, parse_date, work
from cadastre.errors import CadastreError
from cadastre.register.binding import parcels, setup
from cadastre.register.binding.call import Cursor
from cadastre.register.geometry_input import read_geometries
from cadastre.register.refs import ParcelRef, parse_parcel_ref

app = typer.Typer(
    help="Thửa đất / parcels: look up (identity, land uses, holders, history); split, merge "
    "and correct within an approved dossier.",
    no_args_is_help=True,
)

GEOMETRY_HELP = (
    "WKT in the register's CRS, EWKT in another ('SRID=4326;…'), or a file: .wkt text, or "
    "GeoJSON, GeoPackage, shapefile …"
)
DOSSIER_HELP = "Id of the approved dossier the change is made under"
VERSION_HELP = (
    "The version you looked at (`parcel show`): refused if the parcel changed since"
)


@app.command()
def show(
    ref: str = typer.Argument(..., help="COMMUNE/SHEET/NUMBER, e.g. 00070/12/45"),
    as_of: str | None = typer.Option(
        None, "--as-of", help="Show the parcel as of YYYY-MM-DD (default: today)."
    ),
    known_at: str | None = typer.Option(
        None,
        "--known-at",
        help="As the register knew it at the end of YYYY-MM-DD (default: what it knows now).",
    ),
) -> None:
    """Show a parcel's record (cadastre.parcel_record): identity, areas, land uses, holders,
    restrictions, open dossiers, certificates, timeline, lineage and versions.

    --as-of is the legal date (who held it then); --known-at the register's knowledge date,
    so corrections made later can be seen or set aside.
    """
    parcel_ref = parse_parcel_ref(ref)
    legal_date = parse_date(as_of, "--as-of")
    known_date = parse_date(known_at, "--known-at")
    knowledge = end_of_day(known_date) if known_date else None
    with work() as cur:
        parcel_id = find_parcel_id(
            cur, parcel_ref, knowledge or (end_of_day(legal_date) if legal_date else None)
        )
        record = None
        if parcel_id is not None:
            record = parcels.parcel_record(
                cur, parcel_id=parcel_id, legal_date=legal_date or dt.date.today(),
                known_at=knowledge,
            )
    if record is None or record["parcel"] is None:
        when = f" on {legal_date}" if legal_date else ""
        raise CadastreError(
            f"No parcel {parcel_ref}{when}", hint="Check the commune code, sheet and number."
        )
    print_record(record)


def end_of_day(day: dt.date) -> dt.datetime:
    """The last instant of a day (UTC): what the register knew by the end of it."""
    return dt.datetime.combine(day, dt.time.max, tzinfo=dt.UTC)


def _land_use_text(use: dict) -> str:
    """'ODT 120.5 m²', or 'ODT (area not recorded)' when the source gave none (never None m²)."""
    area = use.get("area")
    return f"{use['code']} {area} m²" if area is not None else f"{use['code']} (area not recorded)"


def _or_dash(value: object) -> str:
    return "-" if value is None else str(value)


def print_record(record: dict[str, Any]) -> None:
    """Print a parcel record (cadastre.parcel_record) for a person at a terminal."""
    parcel, legal_date = record["parcel"], record["legal_date"]
    geometry = parcel["geometry"]
    commune = f" — {parcel['commune_name']}" if parcel.get("commune_name") else ""
    console.print(
        f"[bold]Thửa đất / Parcel {parcel['ref']}[/bold]  ({parcel['status']}, version "
        f"{parcel['version']}){commune}"
    )
    console.print(f"Địa chỉ / Address: {parcel['address'] or '-'}")
    console.print(
        f"Diện tích / Legal area: {parcel['legal_area']} m²; measured: "
        f"{parcel['measured_area']} m² (perimeter {geometry['perimeter']} m, "
        f"{geometry['parts']} part(s), {geometry['vertices']} vertices, EPSG:{geometry['srid']})"
    )
    uses = ", ".join(_land_use_text(u) for u in parcel["land_uses"])
    console.print(f"Mục đích sử dụng / Land uses: {uses}")
    for old in parcel["old_identifiers"] or []:
        console.print(
            f"Formerly {old['commune_code']}/{old['sheet_number']}/"
            f"{old['parcel_number']} (until {old['until']})"
        )
    if record["rights"]:
        console.print(_rights_table(record["rights"], legal_date))
    else:
        console.print(f"Quyền / Rights on {legal_date}: none")
    if record["restrictions"]:
        console.print(_restrictions_table(record["restrictions"], legal_date))
    for dossier in record["open_dossiers"]:
        console.print(
            f"Hồ sơ đang xử lý / Open dossier {dossier['number']}: {dossier['kind_vi']} / "
            f"{dossier['kind_en']}, received {dossier['received_on']}, {dossier['status']}"
        )
    for certificate in record["certificates"]:
        state = "valid" if certificate["in_force"] else f"cancelled {certificate['cancelled_on']}"
        console.print(
            f"Giấy chứng nhận / Certificate {certificate['serial']} (book "
            f"{certificate['book_number']}), issued {certificate['issued_on']}, {state}"
        )
    for event in record["timeline"]:
        console.print(
            f"{_or_dash(event['on_date'])}  {event['kind_en']} ({event['kind_vi']})  "
            f"dossier {event['dossier_number']}"
        )
    for relative in record["lineage"]:
        console.print(
            f"{relative['relation']} {relative['ref']} ({relative['kind']}, "
            f"dossier {relative['dossier_number']}, {relative['status']})"
        )
    for version in record["versions"]:
        until = _instant(version["recorded_until"]) if version["recorded_until"] else "now"
        console.print(
            f"Phiên bản / Version {version['version']} ({version['status']}, "
            f"{version['legal_area']} m²): recorded {_instant(version['recorded_from'])} → "
            f"{until}, dossier {version['dossier_number']}"
        )


def _instant(iso: str) -> str:
    """'2026-12-06T22:21:28.54+00:00' as '2026-12-06 22:21 UTC' (the register keeps UTC)."""
    moment = dt.datetime.fromisoformat(iso).astimezone(dt.UTC)
    return f"{moment:%Y-%m-%d %H:%M} UTC"


def _rights_table(rights: list[dict[str, Any]], legal_date: str) -> Table:
    table = Table(title=f"Quyền / Rights on {legal_date}")
    for column in ("kind", "valid", "holder", "share"):
        table.add_column(column)
    for right in rights:
        valid = f"{right['from']} → {right['until'] or '…'}"
        for holder in right["holders"] or [{"name": "-", "share": "-"}]:
            table.add_row(right["kind"], valid, holder["name"], holder["share"])
    return table


def _restrictions_table(restrictions: list[dict[str, Any]], legal_date: str) -> Table:
    table = Table(title=f"Hạn chế / Restrictions on {legal_date}")
    for column in ("kind", "valid", "creditor or claimant", "amount (VND)"):
        table.add_column(column)
    for item in restrictions:
        table.add_row(
            item["kind"],
            f"{item['from']} → {item['until'] or '…'}",
            _or_dash(item["creditor"]),
            f"{item['amount']:,}" if item["amount"] is not None else "-",
        )
    return table


# --- changes under a dossier --------------------------------------------------------------------


@app.command()
def split(
    ref: str = typer.Argument(..., help="COMMUNE/SHEET/NUMBER of the parcel to split"),
    dossier: int = typer.Option(..., "--dossier", help=DOSSIER_HELP),
    line: str | None = typer.Option(
        None, "--line", help="The cutting line, e.g. 'LINESTRING(586010 2325990, 586010 "
        f"2326030)'. {GEOMETRY_HELP}"
    ),
    parts: str | None = typer.Option(
        None, "--parts", help=f"The new parcels' polygons instead, one per feature. "
        f"{GEOMETRY_HELP}"
    ),
    number: list[int] = typer.Option(
        [], "--number", help="Number of each new parcel, west to east (with --line) or in the "
        "file's order; default: the sheet's next free numbers"
    ),
    uses: list[str] = typer.Option(
        [], "--uses", help="Land uses of each new parcel, in the same order, as CODE=AREA[,…] "
        "(e.g. --uses ODT=100 --uses ODT=20,CLN=80); needed when the parcel has several. "
        "Default: the parcel's one use over each new parcel's area"
    ),
    version: int | None = typer.Option(None, "--version", help=VERSION_HELP),
) -> None:
    """Tách thửa / split a parcel: by a cutting line or into given polygons, which must
    partition it. Rights and restrictions carry over to every new parcel."""
    if (line is None) == (parts is None):
        raise CadastreError("Give either --line or --parts",
                            hint="--line cuts the parcel; --parts gives the new parcels.")
    parcel_ref = parse_parcel_ref(ref)
    with work() as cur:
        parent_id = current_parcel_id(cur, ref)
        srid = setup.require_register(cur)
        if line is not None:
            [blade] = _one(read_geometries(line, "--line", srid), "--line")
            geoms = parcels.split_pieces(cur, parcel_id=parent_id, line=blade)
            if len(geoms) < 2:
                raise CadastreError(
                    f"Đường cắt không cắt thửa {parcel_ref} / the line does not cut parcel "
                    f"{parcel_ref} in two",
                    hint="Draw it across the parcel from one side of its boundary to the other "
                    "(a little beyond is fine).",
                )
        else:
            geoms = read_geometries(parts or "", "--parts", srid)
        numbers = _numbers(cur, parcel_ref.commune, parcel_ref.sheet, number, len(geoms))
        [parent] = parcels.parcel_summaries(cur, parcel_ids=[parent_id])
        children = parcels.split_parcel(
            cur, dossier_id=dossier, parent_id=parent_id, geoms=geoms, numbers=numbers,
            land_uses=_children_uses(uses, len(geoms), parcel_ref, parent["land_uses"]),
            expected_version=version,
        )
        made = parcels.parcel_summaries(cur, parcel_ids=children)
    console.print(
        f"Đã tách thửa / parcel {parcel_ref} split into "
        + ", ".join(f"{c['ref']} ({c['legal_area']} m²)" for c in made)
    )


@app.command()
def merge(
    refs: list[str] = typer.Argument(..., help="COMMUNE/SHEET/NUMBER of each parcel (2 or more)"),
    dossier: int = typer.Option(..., "--dossier", help=DOSSIER_HELP),
    number: int | None = typer.Option(
        None, "--number", help="Number of the merged parcel (default: the sheet's next free one)"
    ),
    sheet: str | None = typer.Option(
        None, "--sheet", help="Map sheet of the merged parcel (default: the first parcel's)"
    ),
) -> None:
    """Hợp thửa / merge adjacent parcels of one commune with the same holders into one."""
    if len(refs) < 2:
        raise CadastreError("A merge needs two parcels or more",
                            hint="For example: cadastre parcel merge 00070/12/45 00070/12/46 "
                            "--dossier 4001.")
    first = parse_parcel_ref(refs[0])
    with work() as cur:
        ids = [current_parcel_id(cur, ref) for ref in refs]
        [merged_number] = _numbers(
            cur, first.commune, sheet or first.sheet, [number] if number else [], 1
        )
        merged = parcels.merge_parcels(
            cur, dossier_id=dossier, parcel_ids=ids, number=merged_number, sheet=sheet
        )
        [made] = parcels.parcel_summaries(cur, parcel_ids=[merged])
    console.print(
        f"Đã hợp thửa / parcels {', '.join(refs)} merged into {made['ref']} "
        f"({made['legal_area']} m²)"
    )


@app.command()
def correct(
    ref: str = typer.Argument(..., help="COMMUNE/SHEET/NUMBER"),
    dossier: int = typer.Option(..., "--dossier", help=DOSSIER_HELP),
    geom: str = typer.Option(..., "--geom", help=f"The surveyed boundary. {GEOMETRY_HELP}"),
    legal_area: float | None = typer.Option(
        None, "--legal-area", help="Legal area in m² (default: the land uses rescaled to the "
        "new measured area)"
    ),
    version: int | None = typer.Option(None, "--version", help=VERSION_HELP),
) -> None:
    """Chỉnh lý ranh giới / correct a parcel's boundary (re-survey, error correction)."""
    with work() as cur:
        parcel_id = current_parcel_id(cur, ref)
        [boundary] = _one(read_geometries(geom, "--geom", setup.require_register(cur)), "--geom")
        new_version = parcels.correct_boundary(
            cur, dossier_id=dossier, parcel_id=parcel_id, geom=boundary, legal_area=legal_area,
            expected_version=version,
        )
        [made] = parcels.parcel_summaries(cur, parcel_ids=[parcel_id])
    console.print(
        f"Đã chỉnh lý / parcel {ref} corrected: version {new_version}, legal area "
        f"{made['legal_area']} m², measured {made['measured_area']} m²"
    )


def _children_uses(
    given: list[str], count: int, ref: ParcelRef, parent_uses: list[dict[str, Any]]
) -> list[list[dict[str, Any]]] | None:
    """Each new parcel's land uses from --uses; None to let the split give each the parent's
    one use (refused, with the option to use, when the parent has several)."""
    if not given:
        if len(parent_uses) > 1:
            codes = "+".join(use["code"] for use in parent_uses)
            raise CadastreError(
                f"Thửa {ref} có nhiều mục đích sử dụng / parcel {ref} has several land uses "
                f"({codes}): say each new parcel's",
                hint="Give one --uses CODE=AREA[,CODE=AREA] per new parcel, in order, e.g. "
                "--uses ODT=100 --uses ODT=20,CLN=80.",
            )
        return None
    if len(given) != count:
        raise CadastreError(f"{len(given)} --uses given for {count} new parcel(s)",
                            hint="Give one --uses per new parcel, in the same order.")
    return [_parse_uses(text) for text in given]


def _parse_uses(text: str) -> list[dict[str, Any]]:
    """'ODT=20,CLN=80' as the register's land-use JSON [{code, area}]."""
    uses = []
    for item in text.split(","):
        code, _, area = item.strip().partition("=")
        try:
            uses.append({"code": code.strip().upper(), "area": float(area)})
        except ValueError as exc:
            raise CadastreError(f"--uses '{text}': '{item.strip()}' is not CODE=AREA",
                                hint="For example --uses ODT=20,CLN=80 (areas in m²).") from exc
    return uses


def _one(geoms: list[str], option: str) -> list[str]:
    if len(geoms) != 1:
        raise CadastreError(f"{option}: the file holds {len(geoms)} geometries, not one",
                            hint="Keep only the one feature you mean.")
    return geoms


def _numbers(cur: Cursor, commune: str, sheet: str, given: list[int], count: int) -> list[int]:
    """The numbers given (one per new parcel), else the sheet's next free ones."""
    if given:
        if len(given) != count:
            raise CadastreError(
                f"{len(given)} --number given for {count} new parcel(s)",
                hint="Give one --number per new parcel, or none to take the next free ones.",
            )
        return given
    first = parcels.next_parcel_number(cur, commune=commune, sheet=sheet)
    return list(range(first, first + count))
