//! Requirement sections (see stream/enrich/sections.py). To be written.
