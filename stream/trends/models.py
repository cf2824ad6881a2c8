"""The trends app's output contracts: SkillTrend (skills.trends) and SkillRising
(skills.rising). Generated into schemas/ with the other messages (stream.schemas)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = 1


class _Out(BaseModel):
    model_config = ConfigDict(
        frozen=True, extra="forbid", json_schema_serialization_defaults_required=True
    )


class PayStats(_Out):
    """Annual pay in USD (midpoint of each posting's range) of the counted postings."""

    count: int = Field(ge=1, description="Counted postings that state pay.")
    mean: float
    p25: float
    p50: float
    p75: float
    p90: float
    buckets: dict[str, int] = Field(
        description="The mergeable sketch: bucket i counts pay in [1000*1.02**i, "
        "1000*1.02**(i+1)) USD; add the buckets of several days or keys to combine them."
    )


class SkillTrend(_Out):
    """One closed daily window of one skill, in one country or all ("*").

    Key `"{date}|{country}|{skill_id}"`; skills.trends is compacted, so a message repeated
    after a crash (same content) replaces itself.
    """

    schema_version: int = SCHEMA_VERSION
    date: dt.date = Field(description="The UTC day of the window.")
    window_start: dt.datetime
    window_end: dt.datetime = Field(description="Exclusive.")
    skill_id: str
    skill_name: str
    country: str = Field(description="ISO 3166 alpha-2, or '*' for all countries together.")
    postings: int = Field(ge=1, description="New or changed postings, deduplicated.")
    pay: PayStats | None = Field(description="Null when no counted posting states pay.")


class OccupationTrend(_Out):
    """One closed daily window of one ISCO-08 unit group, or of every posting ("*"), in one
    country or all ("*"). `isco_code` "*" with country "*" is the day's total; with a
    country, that country's count.

    Key `"{date}|{country}|{isco_code}"`; occupations.trends is compacted like skills.trends.
    """

    schema_version: int = SCHEMA_VERSION
    date: dt.date = Field(description="The UTC day of the window.")
    window_start: dt.datetime
    window_end: dt.datetime = Field(description="Exclusive.")
    isco_code: str = Field(
        pattern=r"^([0-9]{4}|\*)$",
        description="ISCO-08 unit group (the posting's occupation.isco_code), or '*' for "
        "every counted posting, with an occupation or not.",
    )
    isco_label: str | None = Field(description="The unit group's label; null for '*'.")
    country: str = Field(description="ISO 3166 alpha-2, or '*' for all countries together.")
    postings: int = Field(ge=1, description="New or changed postings, deduplicated.")
    pay: PayStats | None = Field(description="Null when no counted posting states pay.")


class SkillRising(_Out):
    """A skill whose daily count rose above its trailing mean: for the alerting service.

    Key `"{date}|{skill_id}"`.
    """

    schema_version: int = SCHEMA_VERSION
    date: dt.date
    skill_id: str
    skill_name: str
    postings: int = Field(description="Count on `date`, all countries.")
    trailing_mean: float = Field(description="Mean daily count over the trailing days.")
    trailing_days: int = Field(description="Days the trailing mean covers.")
    factor: float | None = Field(description="postings / trailing_mean; null when the mean is 0.")
    threshold_factor: float = Field(description="The configured factor it exceeded.")
    min_postings: int = Field(description="The configured minimum count it reached.")


OUTPUT_MODELS: dict[str, type[BaseModel]] = {
    "skill_trend": SkillTrend,
    "skill_rising": SkillRising,
    "occupation_trend": OccupationTrend,
}
