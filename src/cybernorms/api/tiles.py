"""C2SP ``tlog-tiles`` arithmetic: tile paths, and which tree nodes a tile holds.

Pure (no HTTP, no database). The spec (c2sp.org/tlog-tiles): a tile is 256 consecutive
Merkle Tree Hashes at one height; the hash ``i`` of tile ``n`` at level ``l`` is
``MTH(D[(n*256 + i) * 256**l : (n*256 + i + 1) * 256**l])``, which is the perfect-subtree node
``(8*l, n*256 + i)`` of ``cybernorms.log.tree``: the store already holds every one of them, so
a tile is one range read. A tree of ``s`` entries has ``floor(s / 256**l)`` hashes at level
``l``: full tiles of 256, then one partial tile of the rest (never an empty one).

Paths are parsed strictly: exactly the spelling ``tile_path`` writes is accepted (no leading
zeroes, ``x``-prefixed 3-digit groups, widths 1..255), so one tile has one URL and a cache
holds one copy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cybernorms.errors import CybernormsError

TILE_HEIGHT = 8
TILE_WIDTH = 1 << TILE_HEIGHT  # 256 hashes in a full tile
MAX_LEVEL = 63
ENTRIES = "entries"

_DECIMAL = re.compile(r"0|[1-9][0-9]*")
_GROUP = re.compile(r"[0-9]{3}")


class TilePathError(CybernormsError):
    """A tile path that is not the spec's spelling of any tile."""


@dataclass(frozen=True)
class Tile:
    """Tile ``index`` at ``level`` (``None``: an entry bundle), ``width`` hashes or entries
    (``TILE_WIDTH`` for a full one)."""

    level: int | None
    index: int
    width: int = TILE_WIDTH

    @property
    def full(self) -> bool:
        return self.width == TILE_WIDTH

    @property
    def tree_level(self) -> int:
        """The height in the Merkle tree of the hashes this tile lists (entries: leaves)."""
        return 0 if self.level is None else TILE_HEIGHT * self.level

    @property
    def first(self) -> int:
        """Index, at ``tree_level``, of the tile's first hash (or entry)."""
        return self.index * TILE_WIDTH

    def node_keys(self) -> list[tuple[int, int]]:
        """The ``(level, index)`` keys of ``cybernorms.log.tree`` this tile lists, in order."""
        return [(self.tree_level, self.first + i) for i in range(self.width)]


def encode_index(index: int) -> str:
    """``1234067`` -> ``x001/x234/067``: zero-padded 3-digit groups, all but the last
    prefixed with ``x``."""
    if index < 0:
        raise ValueError(f"tile index {index} is negative")
    groups = [f"{index % 1000:03d}"]
    index //= 1000
    while index:
        groups.append(f"x{index % 1000:03d}")
        index //= 1000
    return "/".join(reversed(groups))


def tile_path(tile: Tile) -> str:
    """The tile's path under the log prefix, ``tile/<L>/<N>[.p/<W>]`` or
    ``tile/entries/<N>[.p/<W>]``."""
    level = ENTRIES if tile.level is None else str(tile.level)
    partial = "" if tile.full else f".p/{tile.width}"
    return f"tile/{level}/{encode_index(tile.index)}{partial}"


def parse_tile(level: str, rest: str) -> Tile:
    """The tile named by ``tile/<level>/<rest>``; ``TilePathError`` for any other spelling."""
    if level == ENTRIES:
        tile_level: int | None = None
    elif _DECIMAL.fullmatch(level) and int(level) <= MAX_LEVEL:
        tile_level = int(level)
    else:
        raise TilePathError(f"tile level {level[:20]!r} is not a decimal from 0 to {MAX_LEVEL}")
    parts = rest.split("/")
    width = TILE_WIDTH
    if len(parts) >= 2 and parts[-2].endswith(".p"):
        text = parts.pop()
        if not _DECIMAL.fullmatch(text) or not 1 <= int(text) < TILE_WIDTH:
            raise TilePathError(f"partial tile width {text[:20]!r} is not a decimal from 1 to 255")
        width = int(text)
        parts[-1] = parts[-1].removesuffix(".p")
    index = 0
    for i, part in enumerate(parts):
        digits = part if i == len(parts) - 1 else part.removeprefix("x")
        if (i < len(parts) - 1 and not part.startswith("x")) or not _GROUP.fullmatch(digits):
            raise TilePathError(f"tile index {rest[:60]!r} is not in x-prefixed 3-digit groups")
        index = index * 1000 + int(digits)
    tile = Tile(tile_level, index, width)
    if encode_index(index) != "/".join(parts):
        raise TilePathError(f"tile index {rest[:60]!r} is not canonical (no leading x000 groups)")
    return tile


def hashes_at(level: int, size: int) -> int:
    """How many hashes a tree of ``size`` entries has at tile level ``level``."""
    return size >> (TILE_HEIGHT * level)


def available(tile: Tile, size: int) -> bool:
    """Whether a tree of ``size`` entries determines ``tile`` (a full tile once all 256 of
    its hashes exist; a partial tile of width W once W of them do). Entries count as level 0."""
    count = hashes_at(tile.level or 0, size)
    return tile.first + tile.width <= count
