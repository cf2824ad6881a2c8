"""Memory and start-up cost of the bundled skills taxonomy.

Run from the repository root:  .venv/bin/python benchmarks/taxonomy_memory.py

Prints, for one fresh process: the resident memory (VmRSS, after a gc.collect()) before
loading the taxonomy, after `Taxonomy.bundled()`, and after building a `SkillExtractor`
(the service's native engine) and extracting once; the process's peak (ru_maxrss); and
the wall time of the load and of the build. A worker pays these once per process and
again, for the build, on every taxonomy hot reload. Run it in a fresh process each time:
memory already freed to the allocator is not returned, so a second load in the same
process would read lower. Needs no ../shared data.
"""

from __future__ import annotations

import gc
import resource
import time
from pathlib import Path

from stream.enrich.skills.extract import SkillExtractor
from stream.enrich.skills.taxonomy import Taxonomy


def rss_mb() -> float:
    """This process's resident memory now (Linux /proc), in MB."""
    for line in Path("/proc/self/status").read_text(encoding="utf-8").splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> int:
    gc.collect()
    before = rss_mb()
    t0 = time.perf_counter()
    taxonomy = Taxonomy.bundled()
    t1 = time.perf_counter()
    gc.collect()
    loaded = rss_mb()
    t2 = time.perf_counter()
    extractor = SkillExtractor(taxonomy)
    t3 = time.perf_counter()
    extractor.extract("Welder", "Experience with MIG welding, forklift operation and Excel.")
    gc.collect()
    built = rss_mb()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    forms = sum(1 + len(e.aliases) + len(e.cased_aliases) for e in taxonomy.entries)
    print(f"taxonomy {taxonomy.version}: {len(taxonomy.entries)} skills, {forms} forms")
    print(f"rss before load: {before:.1f} MB")
    print(f"taxonomy loaded: +{loaded - before:.1f} MB in {(t1 - t0) * 1000:.0f} ms")
    print(f"extractor built: +{built - loaded:.1f} MB in {(t3 - t2) * 1000:.0f} ms")
    print(f"rss after: {built:.1f} MB (+{built - before:.1f} MB); peak {peak:.1f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
