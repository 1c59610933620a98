"""Fixed Ed25519 public-key vectors that must be refused, each with the reason it must give.

How they were computed (and are recomputed by ``test_key_points.py::test_the_vectors_are_what_
they_claim``) with the plain integer arithmetic of ``edwards.py``, never with the library under
test:

* ``SMALL_ORDER``: T = [L]Q for the first y = 2, 3, ... whose point Q makes T of order 8 (it is
  y = 3); the eight points [i]T, i = 0..7, canonically encoded. They are all the points of
  order 1, 2, 4 and 8; [0]T is the identity (x = 0, y = 1), the bytes of 1.
* ``NON_CANONICAL``: 255-bit y values >= p (the identity as 1 + p, the order-4 point y = 0 as
  p, the mixed-order point y = 3 as 3 + p), and the two points with x = 0 (the identity and the
  point of order 2, y = p - 1) with the sign bit set. No point of the prime-order subgroup has
  y < 19 (each y in 0..18 was tried: orders 1, 2, 4, 2L, 4L or 8L), so no honest key has a
  second spelling y + p; the explicit canonical check is exercised by these instead.
* ``MIXED_ORDER``: A is the public key of RFC 8032 section 7.1 TEST 1 (an honest key, order L);
  A + T8, A + T4 and A + T2 add a point of order 8, 4 and 2 ([1]T, [2]T and [4]T above) by the
  Edwards addition law; and the point with y = 3 (order 8L), a curve point that no honest key
  is.
* ``NOT_ON_CURVE``: y = 2, for which (y^2 - 1) / (d y^2 + 1) has no square root mod p.
"""

from __future__ import annotations

HONEST_A = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
IDENTITY = "0100000000000000000000000000000000000000000000000000000000000000"
IDENTITY_PLUS_P = "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"
A_PLUS_T8 = "9158312a9a8d6e3b34c891d6d61444f8b8211c5117ebad15bdb0bd68b07e0245"

#: (hex, order) of the eight small-order points [i]T, i = 0..7.
SMALL_ORDER: list[tuple[str, int]] = [
    (IDENTITY, 1),
    ("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a", 8),
    ("0000000000000000000000000000000000000000000000000000000000000080", 4),
    ("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05", 8),
    ("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", 2),
    ("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85", 8),
    ("0000000000000000000000000000000000000000000000000000000000000000", 4),
    ("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa", 8),
]

#: (hex, what it spells, the reason's words).
NON_CANONICAL: list[tuple[str, str, str]] = [
    (IDENTITY_PLUS_P, "identity as y = 1 + p", "y >= p"),
    (
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "order-4 point y = 0 as y = p",
        "y >= p",
    ),
    (
        "f0ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "mixed-order point y = 3 as y = 3 + p",
        "y >= p",
    ),
    (
        "0100000000000000000000000000000000000000000000000000000000000080",
        "identity with the sign bit set",
        "x = 0 with the sign bit set",
    ),
    (
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        "order-2 point (y = p - 1) with the sign bit set",
        "x = 0 with the sign bit set",
    ),
]

#: (hex, what it is, its order as a multiple of L).
MIXED_ORDER: list[tuple[str, str, int]] = [
    (A_PLUS_T8, "A + T8", 8),
    ("ad38a8f0b22ab7ca46ecee7bbef12b5f336c182652fac34392f859dbd9666a7d", "A + T4", 4),
    ("16a567fe7d4ef5482ab4012c369bf8c5f11e8d0c2559dcda50fde59708f8aee5", "A + T2", 2),
    ("0300000000000000000000000000000000000000000000000000000000000000", "y = 3", 8),
]

NOT_ON_CURVE = "0200000000000000000000000000000000000000000000000000000000000000"

#: Every vector with the words its refusal must contain.
REFUSED: list[tuple[str, str]] = [
    *[(raw, "small order") for raw, _ in SMALL_ORDER],
    *[(raw, f"non-canonical encoding ({words}") for raw, _, words in NON_CANONICAL],
    *[(raw, "not in the prime-order subgroup") for raw, _, _ in MIXED_ORDER],
    (NOT_ON_CURVE, "not a point on the curve"),
]
