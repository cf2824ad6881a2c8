//! Inline requirement cues (see stream/enrich/skills_cues.py). To be written.
