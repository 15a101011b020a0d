"""A minimal Mapbox Vector Tile reader for the tests: layers and feature properties (the
geometry is not decoded). Protocol buffers wire format, spec 2.1."""

from __future__ import annotations

import struct
from collections.abc import Iterator


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7


def _fields(data: bytes) -> Iterator[tuple[int, int, object]]:
    pos = 0
    while pos < len(data):
        key, pos = _varint(data, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _varint(data, pos)
        elif wire == 1:
            value, pos = data[pos:pos + 8], pos + 8
        elif wire == 2:
            length, pos = _varint(data, pos)
            value, pos = data[pos:pos + length], pos + length
        elif wire == 5:
            value, pos = data[pos:pos + 4], pos + 4
        else:
            raise ValueError(f"unsupported wire type {wire}")
        yield number, wire, value


def _value(data: bytes) -> object:
    for number, _wire, raw in _fields(data):
        if number == 1:
            return raw.decode()
        if number == 2:
            return struct.unpack("<f", raw)[0]
        if number == 3:
            return struct.unpack("<d", raw)[0]
        if number in (4, 5):
            return raw
        if number == 6:
            return (raw >> 1) ^ -(raw & 1)
        if number == 7:
            return bool(raw)
    return None


def _packed(data: bytes) -> list[int]:
    values, pos = [], 0
    while pos < len(data):
        value, pos = _varint(data, pos)
        values.append(value)
    return values


def layers(tile: bytes) -> dict[str, list[dict[str, object]]]:
    """{layer name: [feature properties]} of a tile."""
    found: dict[str, list[dict[str, object]]] = {}
    for number, _wire, layer in _fields(tile):
        if number != 3:
            continue
        name, keys, values, features = "", [], [], []
        for field, _w, raw in _fields(layer):
            if field == 1:
                name = raw.decode()
            elif field == 3:
                keys.append(raw.decode())
            elif field == 4:
                values.append(_value(raw))
            elif field == 2:
                features.append(raw)
        props = []
        for feature in features:
            tags: list[int] = []
            for field, _w, raw in _fields(feature):
                if field == 2:
                    tags = _packed(raw)
            props.append({keys[tags[i]]: values[tags[i + 1]] for i in range(0, len(tags), 2)})
        found[name] = props
    return found


def feature(tile: bytes, ref: str) -> dict[str, object] | None:
    """Properties of the parcel `ref` in a tile, or None."""
    for props in layers(tile).get("parcels", []):
        if props.get("ref") == ref:
            return props
    return None
