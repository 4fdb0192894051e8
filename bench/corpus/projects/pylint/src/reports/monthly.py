import os
from collections import defaultdict


class MonthlyReport:
    def __init__(self, rows):
        self.rows = rows

    def totals(self):
        out = defaultdict(float)
        for row in self.rows:
            out[row["month"]] += row["amount"]
        return dict(out)

    def write(self, path, format="csv"):
        with open(path, "w") as fh:
            for month, total in self.totals().items():
                fh.write(f"{month},{total}\n")

    def best_month(self):
        totals = self.totals()
        best = None
        for month in totals:
            if best is None or totals[month] > totals[best]:
                best = month
        return bst
