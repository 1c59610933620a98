"""Child process of the crash-safety test: publish signed profiles one by one until killed.

Usage: ``python crash_publisher.py DB_URL DIRECTORY``. Publishes, in version order, every
``vNNN.json`` envelope in DIRECTORY above the highest version already in the registry, each in
its own transaction, and signs a checkpoint after every third one. It prints ``ready`` before
the first write and ``published N`` after each commit, flushing at once, so the test knows
what was reported committed at the moment it sent SIGKILL.
"""

from __future__ import annotations

import sys
from pathlib import Path

from cybernorms.store import NotFound, Registry
from cybernorms.trust import Envelope


def main(db_url: str, directory: Path) -> None:
    with Registry.open(db_url) as registry:
        try:
            done = registry.profile("FRA").profile.version
        except NotFound:
            done = 0
        files = sorted(directory.glob("v*.json"))
        print("ready", flush=True)
        for path in files:
            version = int(path.stem[1:])
            if version <= done:
                continue
            registry.publish_profile(Envelope.from_json(path.read_bytes()))
            print(f"published {version}", flush=True)
            if version % 3 == 0:
                registry.checkpoint()


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))
