"""Write the territory links of chains and actors that have coordinates but no territory.

    python tools/link_coordinates.py --store .solkg/store -o links.ttl
    solkg build --data ref:fr-admin --data links.ttl

Each chain (actor) with ``geo:lat``/``geo:long`` and no ``sol:operatesIn`` (``sol:locatedIn``) gets
one to the French département whose outline contains its point (``solkg.diagnose.locate``:
georeferenced outlines, a median 2.2 km from Natural Earth's coastline, so a point within a few
kilometres of a border may land in the neighbour). Points outside metropolitan France get none.
The links go to a file you review and load: nothing is inferred silently.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def main(argv=None) -> int:
    import pyoxigraph as ox

    from solkg.diagnose.locate import link_by_coordinates
    from solkg.files import atomic_write
    from solkg.namespaces import PREFIXES
    from solkg.store import open_store

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--store", type=Path, default=Path(".solkg/store"))
    ap.add_argument("-o", "--output", type=Path, required=True)
    a = ap.parse_args(argv)
    triples = link_by_coordinates(open_store(a.store))
    with atomic_write(a.output) as handle:
        ox.serialize(triples, handle, ox.RdfFormat.TURTLE,
                     prefixes={k: PREFIXES[k] for k in ("sol", "sold")})
    print(f"{a.output}: {len(triples)} links", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
