"""Content packs: the schema, the loader and validator, and the library the bot serves."""

from .loader import MAX_PACK_BYTES, PackError, PackResult, load_paths, parse_pack, read_pack_file

__all__ = ["MAX_PACK_BYTES", "PackError", "PackResult", "load_paths", "parse_pack", "read_pack_file"]
