"""Bilingual mode: checks that read the Chinese source (and a reference) beside the target.

Modules: `cedict` (CC-CEDICT with every entry per headword and its proper-noun senses),
`segmenter` (jieba, quiet, its dictionary loaded only for the characters it segments),
`prefix_dictionary` (jieba's prefix dictionary grouped by first character, on disk),
`jieba_module` (jieba imported quietly), `zh_numbers` (Chinese numerals and
万/亿 magnitudes), `robust` (robust z-scores for document-relative outliers),
`similarity` (cross-lingual sentence similarity with a user-named model) and
`alignment` (sentence alignment when the two sides are not line-aligned). The rules
themselves live in `mtcheck.checks.bilingual`; reference metrics in `mtcheck.metrics`.
"""
