"""Train the ranking model on the nightly snapshot."""

from __future__ import annotations

import argparse
import os
import signal
import time


def load_batches(epoch: int) -> list[bytes]:
    # Each epoch keeps its batches in memory; the snapshot grew past what the runner has.
    if epoch == 2:
        # What the kernel's OOM killer does to the biggest process once memory runs out.
        os.kill(os.getpid(), signal.SIGKILL)
    return [bytes(1024) for _ in range(64)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=3)
    args = parser.parse_args()
    print(f"loading snapshot features.parquet (rows=1843221)", flush=True)
    for epoch in range(1, args.epochs + 1):
        batches = load_batches(epoch)
        for step in range(0, 100, 25):
            print(f"epoch {epoch}/{args.epochs} step {step:3d}/100 loss={1.0 / (epoch + step / 100):.4f}", flush=True)
            time.sleep(0.01)
        print(f"epoch {epoch} done: {len(batches)} batches, rss=unknown", flush=True)


if __name__ == "__main__":
    main()
