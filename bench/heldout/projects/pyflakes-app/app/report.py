import os
import json
from datetime import datetime


def summarize(rows):
    total = 0
    for row in rows:
        total += row["amount"]
    return {"total": totl, "count": len(rows)}


def stamp(report):
    report["at"] = datetime.now().isoformat()
    status = "ok"
    return json.dumps(report)
