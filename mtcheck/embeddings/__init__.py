"""Sentence embeddings for the sense gate: model resolution, encoding with caches, and
the EmbeddingSenseGate that decides whether an ambiguous glossary hit ("millet") is the
mistranslated name (Xiaomi) or the ordinary word (the cereal).

Nothing here is imported unless embeddings are on and some candidate needs the model;
numpy, torch and sentence-transformers are imported inside the functions that use them.
"""
