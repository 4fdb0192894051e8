"""Zip the compiled sources into a deployable bundle."""

import sys
import zipfile
from pathlib import Path

target = Path(sys.argv[1])
target.parent.mkdir(parents=True, exist_ok=True)
with zipfile.ZipFile(target, "w") as zf:
    for path in Path("src").rglob("*.py"):
        zf.write(path)
print(f"wrote {target}")
