"""The skills taxonomy: curated, versioned data the skills matcher tags postings with."""

from stream.enrich.skills.taxonomy.loader import (
    CATEGORIES,
    SkillEntry,
    Taxonomy,
    TaxonomyError,
    entries_from_document,
    validate_taxonomy,
)

__all__ = [
    "CATEGORIES",
    "SkillEntry",
    "Taxonomy",
    "TaxonomyError",
    "entries_from_document",
    "validate_taxonomy",
]
