"""Seniority, employment types, experience years and education level: the posting's terms.

One step (`step.TermsStep`) decides the four fields from the title, the `employment_type`
field and the description. The description is scanned once (`scan.scan`: one
Aho-Corasick pass over its ASCII bytes for every keyword of the four fields); each field
then reads only the few windows around its own keywords. Rules and measured accuracy:
docs/normalization.md.
"""
