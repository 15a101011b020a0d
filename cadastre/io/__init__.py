"""Reading source files for `cadastre import`: legacy Vietnamese text, field mappings, layers."""

from cadastre.io.field_mapping import (
    FieldMapping,
    MappingError,
    ResolvedMapping,
    load_mapping,
    load_mapping_file,
    load_preset,
    preset_names,
)
from cadastre.io.landuse_codes import parse_land_use
from cadastre.io.reader import (
    FeatureProblem,
    MissingCrsError,
    Source,
    SourceError,
    SourceRecord,
    read_source,
)
from cadastre.io.vn_encoding import (
    decode_cp1258,
    decode_tcvn3,
    decode_text,
    decode_vni,
    detect_encoding,
    encode_cp1258,
    encode_tcvn3,
    encode_vni,
    guess_encoding,
)

__all__ = [
    "FeatureProblem",
    "FieldMapping",
    "MappingError",
    "MissingCrsError",
    "ResolvedMapping",
    "Source",
    "SourceError",
    "SourceRecord",
    "decode_cp1258",
    "decode_tcvn3",
    "decode_text",
    "decode_vni",
    "detect_encoding",
    "encode_cp1258",
    "encode_tcvn3",
    "encode_vni",
    "guess_encoding",
    "load_mapping",
    "load_mapping_file",
    "load_preset",
    "parse_land_use",
    "preset_names",
    "read_source",
]
