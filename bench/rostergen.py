"""Write a generated roster file: `python -m bench.rostergen --rows 5000 --out roster.xlsx`."""

from __future__ import annotations

import argparse
from pathlib import Path

from eventops.demo.sample import ENGLISH, INDONESIAN, make_rows, to_csv, to_xlsx


def main() -> None:
    """Write a generated roster file: `python -m bench.rostergen --rows 5000 --out roster.xlsx`."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--batches", default="K1,K2")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--indonesian", action="store_true", help="Indonesian headers, `;` for CSV")
    parser.add_argument("--out", type=Path, required=True, help="FILE.csv or FILE.xlsx")
    args = parser.parse_args()
    rows = make_rows(args.rows, tuple(args.batches.split(",")), args.seed)
    layout = INDONESIAN if args.indonesian else ENGLISH
    if args.out.suffix.lower() == ".xlsx":
        data = to_xlsx(rows, layout=layout)
    else:
        data = to_csv(rows, sep=";" if args.indonesian else ",", layout=layout)
    args.out.write_bytes(data)
    print(f"{len(rows)} rows, {len(data):,} bytes -> {args.out}")


if __name__ == "__main__":
    main()
