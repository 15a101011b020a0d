"""Field mappings: which source field (or constant) gives which register attribute.

A mapping is a TOML file (or a packaged preset such as `vn_standard`)::

    name = "my_district"
    extends = "vn_standard"                  # optional: start from a preset
    [fields]
    commune_code = { value = "00070" }       # a constant
    sheet_number = ["SoTo", "SHBanDo"]       # alternatives, tried in order
    parcel_number = { source = "SoThua", transforms = ["int"] }
    holder_name = { source = "TenChu", optional = true }
    id_field = "MaThua"                      # feature id to report (FID when absent)

Field names match case-insensitively, and a Shapefile's 10-character truncation of a longer
name ("SoHieuToBanDo" -> "SoHieuToBa") matches too.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

from cadastre.errors import CadastreError

TARGETS: dict[str, str] = {
    "commune_code": "commune code (5 digits, national list)",
    "sheet_number": "map sheet number (text: some schemas use letters)",
    "parcel_number": "parcel number within the sheet",
    "land_use": "land-use code(s), possibly combined ('ODT+CLN')",
    "registered_area": "legal area in m²",
    "holder_name": "name of the land user / owner",
    "address": "address of the parcel",
    "old_sheet_number": "sheet number before the last re-survey",
    "old_parcel_number": "parcel number before the last re-survey",
    "id_field": "source feature id to report (the FID when not mapped)",
}
"""Register attributes a mapping can fill, with what each means."""

IDENTITY_TARGETS: tuple[str, ...] = ("commune_code", "sheet_number", "parcel_number")
"""Commune + sheet + parcel number identify a parcel: each needs a field or a constant."""

SIMPLE_TRANSFORMS: tuple[str, ...] = ("strip", "upper", "lower", "int")
"""Transforms without argument; `zfill:N` (left-pad digits with zeros to N) also exists."""

_RULE_KEYS = frozenset({"source", "value", "transforms", "optional"})
_TOP_KEYS = frozenset({"name", "description", "extends", "fields"})
_SHAPEFILE_NAME_LENGTH = 10


class MappingError(CadastreError):
    """A mapping file or preset is invalid, or does not fit the layer it is applied to."""


class TransformError(ValueError):
    """A transform cannot apply to a value (e.g. `int` on 'abc')."""


@dataclass(frozen=True)
class FieldRule:
    """How one register attribute is obtained: source fields tried in order, or a constant."""

    target: str
    sources: tuple[str, ...] = ()
    value: str | None = None
    transforms: tuple[str, ...] = ()
    optional: bool = False
    key: str = ""


@dataclass(frozen=True)
class FieldMapping:
    """A named set of rules, with where it came from (for error messages)."""

    name: str
    origin: str
    rules: Mapping[str, FieldRule] = field(default_factory=dict)
    description: str = ""

    def with_constants(self, **values: str) -> FieldMapping:
        """A copy where the given attributes are constants (e.g. commune_code='00070')."""
        rules = dict(self.rules)
        for target, value in values.items():
            _check_target(target, f"{self.origin}, constant {target}")
            if target == "id_field":
                raise MappingError(f"{self.origin}: id_field names a field, it cannot be constant")
            rules[target] = FieldRule(target=target, value=str(value), key=f"constant {target}")
        return replace(self, rules=rules)

    def check_complete(self) -> None:
        """Raise MappingError unless commune, sheet and parcel number each have a rule."""
        for target in IDENTITY_TARGETS:
            rule = self.rules.get(target)
            if rule is None or (not rule.sources and rule.value is None):
                raise MappingError(
                    f"{self.origin}, key fields.{target}: missing; the parcel identity needs "
                    f"a source field or a constant value",
                    hint=f'add `{target} = "FieldName"` or `{target} = {{value = "..."}}` '
                    f"under [fields]",
                )

    def resolve(self, fields: Sequence[str], *, layer: str) -> ResolvedMapping:
        """Bind the rules to a layer's fields; missing fields raise a MappingError naming them.

        `layer` names the layer and file for messages, e.g. "layer 'thua' of 'x.shp'".
        """
        self.check_complete()
        columns: dict[str, str] = {}
        constants: dict[str, str] = {}
        unmapped: list[str] = []
        for target in TARGETS:
            rule = self.rules.get(target)
            if rule is None:
                unmapped.append(target)
            elif rule.value is not None:
                constants[target] = rule.value
            elif (found := _first_present(rule.sources, fields)) is not None:
                columns[target] = found
            elif rule.optional:
                unmapped.append(target)
            else:
                raise _absent_field_error(self.origin, rule, fields, layer)
        return ResolvedMapping(
            mapping=self,
            columns=columns,
            constants=constants,
            unmapped=tuple(unmapped),
        )


@dataclass(frozen=True)
class ResolvedMapping:
    """A mapping bound to one layer: target -> actual field name, or constant."""

    mapping: FieldMapping
    columns: Mapping[str, str]
    constants: Mapping[str, str]
    unmapped: tuple[str, ...]

    def raw_value(self, target: str, row: Mapping[str, Any]) -> Any:
        """The value of a target for one feature, transforms applied (None when unmapped).

        Raises TransformError when a transform does not apply to the value.
        """
        column = self.columns.get(target)
        if column is not None:
            value: Any = row.get(column)
        elif target in self.constants:
            value = self.constants[target]
        else:
            return None
        rule = self.mapping.rules[target]
        return apply_transforms(value, rule.transforms) if rule.transforms else value

    def describe(self) -> list[str]:
        """Human-readable lines: 'parcel_number <- SoThua', 'commune_code = 00070'."""
        lines = [f"{target} <- {column}" for target, column in self.columns.items()]
        lines += [f"{target} = {value!r}" for target, value in self.constants.items()]
        if self.unmapped:
            lines.append(f"not mapped: {', '.join(self.unmapped)}")
        return lines


# ---------------------------------------------------------------------------------------------
# Transforms
# ---------------------------------------------------------------------------------------------


def apply_transforms(value: Any, transforms: Sequence[str]) -> Any:
    """Apply transforms in order; None passes through untouched."""
    for transform in transforms:
        if value is None:
            return None
        value = _apply_transform(value, transform)
    return value


def _apply_transform(value: Any, transform: str) -> Any:
    """Apply one transform to a non-null value."""
    if transform == "strip":
        return value.strip() if isinstance(value, str) else value
    if transform == "upper":
        return value.upper() if isinstance(value, str) else value
    if transform == "lower":
        return value.lower() if isinstance(value, str) else value
    if transform == "int":
        return _to_int(value)
    if transform.startswith("zfill:"):
        text = _integral_text(value)
        return text.zfill(int(transform.removeprefix("zfill:"))) if text.isdigit() else text
    raise TransformError(f"unknown transform {transform!r}")


def _integral_text(value: Any) -> str:
    """A value as text, integral floats without their '.0' (12.0 -> '12')."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _to_int(value: Any) -> int:
    """An integer from an int, an integral float or a text such as ' 0012 ' or '12.0'."""
    if isinstance(value, bool):
        raise TransformError(f"{value!r} is not an integer")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            return int(value)
        raise TransformError(f"{value!r} is not an integer")
    text = str(value).strip()
    try:
        return int(text)
    except ValueError:
        pass
    try:
        number = float(text)
    except ValueError:
        raise TransformError(f"{value!r} is not an integer") from None
    if math.isfinite(number) and number.is_integer():
        return int(number)
    raise TransformError(f"{value!r} is not an integer")


def _check_transform(transform: object, key: str, origin: str) -> str:
    """Validate one transform name from a mapping file."""
    if isinstance(transform, str):
        if transform in SIMPLE_TRANSFORMS:
            return transform
        width = transform.removeprefix("zfill:")
        if transform.startswith("zfill:") and width.isdigit() and 0 < int(width) <= 32:
            return transform
    raise MappingError(
        f"{origin}, key {key}.transforms: unknown transform {transform!r}; "
        f"use {', '.join(SIMPLE_TRANSFORMS)} or zfill:N"
    )


# ---------------------------------------------------------------------------------------------
# Field-name matching
# ---------------------------------------------------------------------------------------------


def _matches(wanted: str, actual: str) -> bool:
    """Case-insensitive name match, also against a Shapefile's 10-character truncation."""
    wanted, actual = wanted.casefold(), actual.casefold()
    if wanted == actual:
        return True
    return len(actual) == _SHAPEFILE_NAME_LENGTH and wanted[:_SHAPEFILE_NAME_LENGTH] == actual


def _first_present(sources: Sequence[str], fields: Sequence[str]) -> str | None:
    """The layer field matching the first source that is present (exact names first)."""
    for source in sources:
        for actual in fields:
            if source.casefold() == actual.casefold():
                return actual
        for actual in fields:
            if _matches(source, actual):
                return actual
    return None


def _absent_field_error(
    origin: str, rule: FieldRule, fields: Sequence[str], layer: str
) -> MappingError:
    """The error for a mapped field that the layer lacks, listing the fields it has."""
    if len(rule.sources) == 1:
        what = f"field {rule.sources[0]!r} is not in {layer}"
    else:
        what = f"none of the fields {', '.join(map(repr, rule.sources))} is in {layer}"
    available = ", ".join(fields) if fields else "(none)"
    return MappingError(
        f"{origin}, key {rule.key}: {what}; available fields: {available}",
        hint=f"name one of these fields for {rule.target} in a mapping file, "
        f"or give a constant value",
    )


# ---------------------------------------------------------------------------------------------
# Loading: presets and user files
# ---------------------------------------------------------------------------------------------


def preset_names() -> tuple[str, ...]:
    """Names of the presets shipped with the package."""
    folder = resources.files("cadastre.io").joinpath("mappings")
    return tuple(
        sorted(p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml"))
    )


def load_preset(name: str) -> FieldMapping:
    """Load a packaged preset mapping by name (e.g. 'vn_standard', 'fr_etalab')."""
    if name not in preset_names():
        raise MappingError(
            f"no mapping preset named {name!r}; presets: {', '.join(preset_names())}"
        )
    resource = resources.files("cadastre.io").joinpath("mappings", f"{name}.toml")
    return _parse_mapping(resource.read_text(encoding="utf-8"), f"preset {name!r}", name)


def load_mapping_file(path: str | Path) -> FieldMapping:
    """Load a mapping from a user TOML file."""
    path = Path(path)
    origin = f"mapping file '{path}'"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise MappingError(f"{origin}: cannot be read ({error.strerror})") from error
    except UnicodeDecodeError as error:
        raise MappingError(f"{origin}: is not UTF-8 text ({error.reason})") from error
    return _parse_mapping(text, origin, path.stem)


def load_mapping(
    spec: str | Path | FieldMapping, *, constants: Mapping[str, str] | None = None
) -> FieldMapping:
    """A mapping from a preset name, a TOML path or a mapping, with constants, checked complete."""
    if isinstance(spec, FieldMapping):
        mapping = spec
    elif isinstance(spec, str) and spec in preset_names():
        mapping = load_preset(spec)
    elif Path(spec).is_file():
        mapping = load_mapping_file(spec)
    else:
        raise MappingError(
            f"no mapping preset or file named '{spec}'; presets: {', '.join(preset_names())}"
        )
    if constants:
        mapping = mapping.with_constants(**constants)
    mapping.check_complete()
    return mapping


def _parse_mapping(text: str, origin: str, default_name: str) -> FieldMapping:
    """Parse and validate the TOML text of a mapping."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise MappingError(f"{origin}: not valid TOML ({error})") from error
    for key in document:
        if key not in _TOP_KEYS:
            raise MappingError(
                f"{origin}, key {key}: unknown; a mapping has {', '.join(sorted(_TOP_KEYS))}"
            )
    fields_table = document.get("fields", {})
    if not isinstance(fields_table, dict):
        raise MappingError(f"{origin}, key fields: must be a table of attribute = field")
    base = _base_rules(document.get("extends"), origin)
    rules = {**base, **{t: _parse_rule(t, spec, origin) for t, spec in fields_table.items()}}
    return FieldMapping(
        name=str(document.get("name", default_name)),
        origin=origin,
        rules=rules,
        description=str(document.get("description", "")),
    )


def _base_rules(extends: object, origin: str) -> dict[str, FieldRule]:
    """The rules of the preset named by `extends`, or none."""
    if extends is None:
        return {}
    if not isinstance(extends, str) or extends not in preset_names():
        raise MappingError(
            f"{origin}, key extends: {extends!r} is not a preset; "
            f"presets: {', '.join(preset_names())}"
        )
    return dict(load_preset(extends).rules)


def _check_target(target: str, where: str) -> None:
    """Raise unless `target` is a register attribute."""
    if target not in TARGETS:
        raise MappingError(
            f"{where}: {target!r} is not a register attribute; use one of: {', '.join(TARGETS)}"
        )


def _parse_rule(target: str, spec: object, origin: str) -> FieldRule:
    """One [fields] entry: "Field", ["A", "B"], or {source, value, transforms, optional}."""
    key = f"fields.{target}"
    _check_target(target, f"{origin}, key {key}")
    if isinstance(spec, str | list):
        spec = {"source": spec}
    if not isinstance(spec, dict):
        raise MappingError(
            f"{origin}, key {key}: expected a field name, a list of names or a table "
            f"(source / value / transforms / optional), got {spec!r}"
        )
    for name in spec:
        if name not in _RULE_KEYS:
            raise MappingError(
                f"{origin}, key {key}.{name}: unknown; use {', '.join(sorted(_RULE_KEYS))}"
            )
    sources = _parse_sources(spec.get("source"), key, origin)
    value = spec.get("value")
    if (value is None) == (not sources):
        raise MappingError(f"{origin}, key {key}: give either 'source' or 'value' (one of them)")
    if value is not None and target == "id_field":
        raise MappingError(f"{origin}, key {key}: id_field names a field, it cannot be a value")
    if value is not None and not isinstance(value, str | int | float):
        raise MappingError(f"{origin}, key {key}.value: must be text or a number, got {value!r}")
    transforms = spec.get("transforms", [])
    if not isinstance(transforms, list):
        raise MappingError(f"{origin}, key {key}.transforms: must be a list, e.g. ['strip']")
    optional = spec.get("optional", False)
    if not isinstance(optional, bool):
        raise MappingError(f"{origin}, key {key}.optional: must be true or false")
    return FieldRule(
        target=target,
        sources=sources,
        value=None if value is None else _integral_text(value),
        transforms=tuple(_check_transform(t, key, origin) for t in transforms),
        optional=optional,
        key=key,
    )


def _parse_sources(source: object, key: str, origin: str) -> tuple[str, ...]:
    """The source field names of a rule (one name or a list)."""
    if source is None:
        return ()
    names = [source] if isinstance(source, str) else source
    if not isinstance(names, list) or not all(isinstance(n, str) and n.strip() for n in names):
        raise MappingError(
            f"{origin}, key {key}.source: must be a field name or a list of field names"
        )
    return tuple(n.strip() for n in names)
