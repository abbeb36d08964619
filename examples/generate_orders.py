"""Write ``orders.csv``, the example pipeline's input: 300 orders, some of them malformed.

Run once (``python examples/generate_orders.py``); the CSV is committed beside this
script so the example needs nothing else. Seeded, so rerunning gives the same file.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

ROWS = 300
HERE = Path(__file__).resolve().parent


def main(path: Path = HERE / "orders.csv") -> None:
    rng = random.Random(20240601)
    countries = ["DE", "FR", "GB", "NL", "SE", "US"]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["order_id", "customer", "country", "amount", "note"])
        for order_id in range(1, ROWS + 1):
            amount = f"{rng.lognormvariate(4.5, 0.9):.2f}"
            note = rng.choice(["", "", "", "gift", "express", "repeat customer"])
            row = [str(order_id), f"c{rng.randint(1, 60):03d}", rng.choice(countries), amount, note]
            if order_id % 37 == 0:
                row[3] = rng.choice(["n/a", "12,50", "", "ten"])  # not a number
            elif order_id % 53 == 0:
                row[0] = f"#{order_id}"  # not an integer
            writer.writerow(row)


if __name__ == "__main__":
    main()
