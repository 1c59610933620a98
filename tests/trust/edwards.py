"""Edwards25519 in plain integer arithmetic, for computing and checking test vectors only.

Why in the tests and not from a library: the vectors of ``key_vectors.py`` (small-order points,
A + T, non-canonical encodings) are what the production check (libsodium) must refuse, so they
are derived independently of it, from the curve's definition (RFC 8032 section 5.1): the
twisted Edwards curve -x^2 + y^2 = 1 + d x^2 y^2 over GF(p), p = 2^255 - 19,
d = -121665/121666, base point B with y = 4/5 and x even, prime subgroup order L. Affine
coordinates and Fermat inverses: slow, obviously right, never used to sign anything.
"""

from __future__ import annotations

P = 2**255 - 19
D = -121665 * pow(121666, P - 2, P) % P
L = 2**252 + 27742317777372353535851937790883648493
SQRT_M1 = pow(2, (P - 1) // 4, P)  # a square root of -1 mod p

Point = tuple[int, int]
IDENTITY: Point = (0, 1)


def inverse(a: int) -> int:
    return pow(a, P - 2, P)


def add(p1: Point, p2: Point) -> Point:
    """The complete Edwards addition law (a = -1): defined for every pair of curve points."""
    (x1, y1), (x2, y2) = p1, p2
    t = D * x1 * x2 * y1 * y2 % P
    x3 = (x1 * y2 + x2 * y1) * inverse(1 + t) % P
    y3 = (y1 * y2 + x1 * x2) * inverse(1 - t) % P
    return x3, y3


def multiply(k: int, point: Point) -> Point:
    """[k]point by double-and-add (k >= 0)."""
    result, addend = IDENTITY, point
    while k:
        if k & 1:
            result = add(result, addend)
        addend = add(addend, addend)
        k >>= 1
    return result


def negate(point: Point) -> Point:
    return (-point[0]) % P, point[1]


def on_curve(point: Point) -> bool:
    x, y = point
    return (-x * x + y * y - 1 - D * x * x * y * y) % P == 0


def x_for(y: int, sign: int) -> int | None:
    """The x with the given parity (sign bit) for which (x, y) is on the curve, or None."""
    u, v = (y * y - 1) % P, (D * y * y + 1) % P
    x = u * pow(v, 3, P) * pow(u * pow(v, 7, P), (P - 5) // 8, P) % P  # RFC 8032 5.1.3
    if v * x * x % P == (P - u) % P:
        x = x * SQRT_M1 % P
    if v * x * x % P != u:
        return None
    if x == 0 and sign:
        return None  # no point has x = 0 and odd x; such an encoding is non-canonical
    if x & 1 != sign:
        x = P - x
    return x


def encode(point: Point) -> bytes:
    """The canonical RFC 8032 encoding: y little-endian, the parity of x in the top bit."""
    x, y = point
    return (y | ((x & 1) << 255)).to_bytes(32, "little")


def encode_raw(y: int, sign: int) -> bytes:
    """Any 255-bit y (even y >= p) with a sign bit: for non-canonical encodings."""
    return (y | (sign << 255)).to_bytes(32, "little")


def decode(raw: bytes) -> Point | None:
    """RFC 8032 5.1.3 decoding, refusing non-canonical input; None when not a point."""
    encoded = int.from_bytes(raw, "little")
    y, sign = encoded & ((1 << 255) - 1), encoded >> 255
    if y >= P:
        return None
    x = x_for(y, sign)
    return None if x is None else (x, y)


def order(point: Point) -> int:
    """The order of ``point``: a divisor of 8 * L (the group order)."""
    for candidate in (1, 2, 4, 8):
        if multiply(candidate, point) == IDENTITY:
            return candidate
    for cofactor in (1, 2, 4, 8):
        if multiply(cofactor * L, point) == IDENTITY:
            return cofactor * L
    raise AssertionError("not a curve point")


BASE: Point = (x_for(4 * inverse(5) % P, 0) or 0, 4 * inverse(5) % P)


def torsion_generator() -> Point:
    """A point of order 8: [L]Q for the first y = 2, 3, ... whose point Q gives order 8."""
    y = 2
    while True:
        x = x_for(y, 0)
        if x is not None:
            candidate = multiply(L, (x, y))
            if order(candidate) == 8:
                return candidate
        y += 1


def small_order_points() -> list[Point]:
    """The 8 points of order dividing 8: [i]T for T of order 8, i = 0..7."""
    t = torsion_generator()
    return [multiply(i, t) for i in range(8)]
