"""A tlog-tiles client for the tests: tree hashes and inclusion proofs computed only from
fetched tiles, the way an outside verifier would (it never asks the server for a proof).

``fetch(path)`` returns the bytes of ``<prefix>/<path>``. Paths are written from the spec:
``tile/<L>/<N>[.p/<W>]`` with N in x-prefixed 3-digit groups.
"""

from __future__ import annotations

from collections.abc import Callable

from cybernorms.log.hashing import node_hash

Fetch = Callable[[str], bytes]


def index_path(n: int) -> str:
    groups = [f"{n % 1000:03d}"]
    n //= 1000
    while n:
        groups.append(f"x{n % 1000:03d}")
        n //= 1000
    return "/".join(reversed(groups))


class TileClient:
    """Reads the hashes of a tree of ``size`` entries from its tiles (cached per tile)."""

    def __init__(self, fetch: Fetch, size: int) -> None:
        self.fetch = fetch
        self.size = size
        self._tiles: dict[tuple[int, int], list[bytes]] = {}

    def tile(self, level: int, n: int) -> list[bytes]:
        """Tile ``n`` of ``level`` as this tree size has it: full, or partial of width
        ``floor(size / 256**level) - n*256`` (at most 255)."""
        if (level, n) not in self._tiles:
            count = self.size >> (8 * level)
            width = min(256, count - n * 256)
            assert width > 0, f"tile {level}/{n} is beyond a tree of {self.size}"
            path = f"tile/{level}/{index_path(n)}" + ("" if width == 256 else f".p/{width}")
            data = self.fetch(path)
            assert len(data) == 32 * width, f"{path}: {len(data)} bytes"
            self._tiles[(level, n)] = [data[i : i + 32] for i in range(0, len(data), 32)]
        return self._tiles[(level, n)]

    def node(self, height: int, index: int) -> bytes:
        """Hash of the perfect subtree of ``2**height`` leaves starting at ``index <<
        height``: read from a tile at level ``height // 8``, hashed up the rest."""
        level, up = divmod(height, 8)
        span = 1 << up
        first = index * span
        hashes = [self.tile(level, i // 256)[i % 256] for i in range(first, first + span)]
        while len(hashes) > 1:
            hashes = [node_hash(hashes[i], hashes[i + 1]) for i in range(0, len(hashes), 2)]
        return hashes[0]

    def range_hash(self, start: int, end: int) -> bytes:
        """MTH(D[start:end]) by RFC 6962's recursion, every perfect part from tiles."""
        n = end - start
        if n & (n - 1) == 0 and start % n == 0:
            return self.node(n.bit_length() - 1, start // n)
        k = 1 << ((n - 1).bit_length() - 1)
        return node_hash(self.range_hash(start, start + k), self.range_hash(start + k, end))

    def root(self) -> bytes:
        return self.range_hash(0, self.size)

    def inclusion_proof(self, index: int) -> list[bytes]:
        """RFC 6962 PATH(index, D[0:size]), leaf to root."""
        path: list[bytes] = []
        start, end = 0, self.size
        while end - start > 1:
            k = 1 << ((end - start - 1).bit_length() - 1)
            if index < start + k:
                path.append(self.range_hash(start + k, end))
                end = start + k
            else:
                path.append(self.range_hash(start, start + k))
                start += k
        return list(reversed(path))


def entries(bundle: bytes) -> list[bytes]:
    """The entries of a bundle (big-endian uint16 length prefixes)."""
    out: list[bytes] = []
    at = 0
    while at < len(bundle):
        length = int.from_bytes(bundle[at : at + 2], "big")
        out.append(bundle[at + 2 : at + 2 + length])
        at += 2 + length
    assert at == len(bundle), "a bundle ends exactly after its last entry"
    return out
