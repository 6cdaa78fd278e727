"""Write a realistic 500,000-row contacts CSV (about 50 MB) with a fixed seed.

Shapes people really type: Indian mobiles in many formats, landlines with STD codes,
international numbers, ~10% invalid (short, long, letters, blank, Excel damage), and ~10%
duplicates of earlier numbers written another way. Same seed, same bytes.

    python bench/generate.py contacts.csv [--rows 500000] [--seed 20261126]
"""

from __future__ import annotations

import argparse
import csv
import random
from collections.abc import Callable
from pathlib import Path

FIRST = [
    "Aarav",
    "Vivaan",
    "Aditya",
    "Vihaan",
    "Arjun",
    "Sai",
    "Reyansh",
    "Ananya",
    "Diya",
    "Saanvi",
    "Aadhya",
    "Kavya",
    "Priya",
    "Rahul",
    "Rohit",
    "Neha",
    "Pooja",
    "Amit",
    "Sneha",
    "Vikram",
    "Meera",
    "Karan",
    "Isha",
    "Farhan",
    "Zoya",
    "John",
    "Maria",
]
LAST = [
    "Sharma",
    "Verma",
    "Patel",
    "Reddy",
    "Iyer",
    "Nair",
    "Gupta",
    "Singh",
    "Kumar",
    "Das",
    "Mukherjee",
    "Joshi",
    "Rao",
    "Khan",
    "Fernandes",
    "Menon",
    "Pillai",
    "Chopra",
    "Mehta",
    "Shah",
    "Smith",
    "Garcia",
]
COMPANIES = [
    "Infotech Solutions Pvt Ltd",
    "Sharma Traders",
    "Green Valley Farms",
    "Bluewave Logistics LLP",
    "Apex Textiles",
    "Sunrise Diagnostics",
    "Metro Realty Group",
    "Lotus Hospitality",
    "Nexus Retail India",
    "Orbit Fintech Services",
]
TAGS = [
    "lead",
    "customer",
    "vip",
    "renewal",
    "webinar-2026",
    "diwali-offer",
    "festive-campaign-2026",
    "",
]
STD = ["11", "22", "33", "44", "80", "40", "20", "79", "484", "422", "141", "172", "522", "612"]
# (calling code, leading digits, random digits after them) for numbers from abroad.
FOREIGN = [
    ("1", "650253", 4),
    ("44", "7911", 6),
    ("971", "50", 7),
    ("65", "9", 7),
    ("61", "412", 6),
    ("49", "151", 8),
    ("966", "50", 7),
    ("977", "98", 8),
    ("880", "17", 8),
    ("94", "77", 7),
]


def indian_mobile(rng: random.Random) -> str:
    return rng.choice("6789") + "".join(rng.choice("0123456789") for _ in range(9))


def mobile_forms(n: str) -> list[str]:
    return [
        n,
        n,
        f"+91{n}",
        f"+91 {n[:5]} {n[5:]}",
        f"0{n}",
        f"91{n}",
        f"{n[:5]}-{n[5:]}",
        f"+91-{n[:5]}-{n[5:]}",
        f"(+91) {n[:5]} {n[5:]}",
        f"0091 {n[:5]} {n[5:]}",
        f"91 {n[:5]} {n[5:]}",
        f"{n[:3]} {n[3:6]} {n[6:]}",
    ]


def landline(rng: random.Random) -> list[str]:
    std = rng.choice(STD)
    local = rng.choice("2345") + "".join(rng.choice("0123456789") for _ in range(9 - len(std)))
    return [f"0{std} {local}", f"0{std}-{local}", f"+91 {std} {local}", f"(0{std}) {local}"]


def foreign(rng: random.Random) -> list[str]:
    code, lead, width = rng.choice(FOREIGN)
    nsn = lead + "".join(rng.choice("0123456789") for _ in range(width))
    return [f"+{code} {nsn}", f"+{code}{nsn}", f"00{code} {nsn}", f"+{code}-{nsn[:3]}-{nsn[3:]}"]


def invalid(rng: random.Random) -> str:
    n = indian_mobile(rng)
    kinds: list[Callable[[], str]] = [
        lambda: n[: rng.randrange(4, 9)],
        lambda: n + str(rng.randrange(10, 999)),
        lambda: f"{n[0]}.{n[1:6]}E+09",
        lambda: f"91{n}.0",
        lambda: f"{n[:4]}abc{n[4:]}",
        lambda: "",
        lambda: "N/A",
        lambda: "1" + n[1:],
        lambda: f"{n[:5]} {n[5:]} ext {rng.randrange(10, 999)}",
    ]
    # Letters and extensions are rarer than short, long or Excel-damaged numbers.
    weights = [10, 10, 10, 10, 2, 6, 4, 10, 2]
    return rng.choices(kinds, weights)[0]()


def number(rng: random.Random, seen: list[str]) -> str:
    roll = rng.random()
    if roll < 0.10 and seen:
        digits = rng.choice(seen)
        return rng.choice(mobile_forms(digits))
    if roll < 0.20:
        return invalid(rng)
    if roll < 0.32:
        return rng.choice(landline(rng))
    if roll < 0.40:
        return rng.choice(foreign(rng))
    digits = indian_mobile(rng)
    if len(seen) < 100_000:
        seen.append(digits)
    return rng.choice(mobile_forms(digits))


def row(rng: random.Random, seen: list[str]) -> list[str]:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    host = rng.choice(["gmail.com", "yahoo.co.in", "outlook.com", "rediffmail.com", "company.in"])
    email = f"{first}.{last}{rng.randrange(1, 9999)}@{host}".lower()
    branch = ["", " - Mumbai Central", " - Delhi NCR Region", " - Bengaluru South", " - Pune"]
    company = rng.choice(COMPANIES) + rng.choice(branch)
    return [number(rng, seen), first, last, email, company, rng.choice(TAGS)]


def generate(path: Path, rows: int, seed: int) -> None:
    """Write ``rows`` contacts to ``path``."""
    rng = random.Random(seed)
    seen: list[str] = []
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(
            ["Mobile Number", "First Name", "Last Name", "Email", "Company Name", "Tag"]
        )
        for _ in range(rows):
            writer.writerow(row(rng, seen))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--rows", type=int, default=500_000)
    parser.add_argument("--seed", type=int, default=20261126)
    args = parser.parse_args()
    generate(args.path, args.rows, args.seed)
    print(f"{args.path}: {args.rows:,} rows, {args.path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
