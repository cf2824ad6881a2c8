"""Hot reload on the real stack: a taxonomy pushed to Redis reaches a running worker."""

from __future__ import annotations

from stream.enrich.skills.taxonomy import SkillEntry, Taxonomy
from stream.models import EnrichedPosting
from stream.stores.taxonomy import publish_taxonomy
from tests.integration.conftest import (
    Env,
    Workers,
    produce,
    read_committed,
    redis_client,
    scrape_metrics,
)
from tests.integration.streams import encoded, synthetic_posting, wait_for
from tests.integration.test_faults import _metric


def test_a_pushed_taxonomy_is_used_without_a_restart(env: Env, workers: Workers) -> None:
    worker = workers.start("w0", {"STREAM_WORKER__TAXONOMY_POLL_S": "0.5"})
    text = "Requirements\n- Frobnicator 3 and Python"
    produce(env, [encoded(synthetic_posting(1, description=text))])
    [before] = read_committed(env, env.topic("enriched"), 1, timeout_s=60, settle_s=0)
    old = EnrichedPosting.model_validate_json(before.value() or b"")
    assert "frobnicator" not in {s.id for s in old.skills}

    bundled = Taxonomy.bundled()
    extra = SkillEntry(
        id="frobnicator",
        name="Frobnicator",
        category=bundled.entries[0].category,
        group=bundled.entries[0].group,
    )
    newer = Taxonomy.build(bundled.declared_version, [*bundled.entries, extra])
    publish_taxonomy(redis_client(), newer, env.run_id)
    wait_for(
        lambda: _metric(scrape_metrics(worker), "stream_taxonomy_reloads_total") >= 1,
        "the worker reloaded",
    )
    produce(env, [encoded(synthetic_posting(2, description=text))])
    messages = read_committed(env, env.topic("enriched"), 2, timeout_s=60)
    after = EnrichedPosting.model_validate_json(messages[-1].value() or b"")
    assert after.taxonomy_version == newer.version != old.taxonomy_version
    assert "frobnicator" in {s.id for s in after.skills}
