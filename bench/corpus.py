"""Seeded synthetic corpora and glossaries for the benchmarks.

Everything here is generated at bench time from the templates and word lists below
(written for this project, not taken from any data set) into a git-ignored folder
(``bench/.corpora`` or ``$MTCHECK_BENCH_DIR``). The same seed always gives the same
bytes, so runs on different machines measure the same work.

- ``glossary_rows(n)``: ``n`` glossary entries in the bundled-glossary format. A handful of
  hand-written entries in the style of real Chinese-English MT errors (millet for Xiaomi,
  casing of HUAWEI, ambiguous ordinary-English words with sense exemplars) come first;
  the rest are synthetic company/product names with a unique literal rendering each.
- ``corpus_lines(n, glossary)``: ``n`` segments of garbled news MT: literal renderings
  of glossary names, repeated words, "the 29 day", "16 thousand", "the 04 edition",
  an article before a person's name, mis-cased names, and clean sentences in between.

Run ``python bench/corpus.py`` to (re)generate every size; ``bench/run.py`` calls
``ensure_corpora`` itself.
"""

from __future__ import annotations

import csv
import io
import os
import random
from dataclasses import dataclass
from pathlib import Path

SEED = 2017
CORPUS_SIZES = (1_000, 10_000, 100_000)
GLOSSARY_SIZES = (1_000, 10_000, 100_000)
HEADER = ("source", "approved", "wrong", "variants", "case_sensitive", "whole_word", "severity",
          "autofix", "intended_sense", "literal_sense", "domain", "note")

# Hand-written entries: (approved, wrong, case_sensitive, intended_sense, literal_sense, domain)
CORE_ENTRIES = (
    ("Xiaomi", "millet", "no", "Xiaomi shipped a new smartphone model", "millet is a cereal grain grown in dry regions", "company"),
    ("Huawei", "", "yes", "", "", "company"),
    ("Honor", "glory", "no", "Honor released a new phone series", "the soldiers returned covered in glory", "brand"),
    ("Meizu", "charm", "no", "Meizu launched a handset with a curved screen", "the old town has a quiet charm", "brand"),
    ("People's Daily", "", "yes", "", "", "media"),
    ("19th National Congress", "nineteen major|the nineteen major", "no", "", "", "meeting"),
    ("online and offline", "line and line|on line and off line", "no", "", "", "business"),
    ("big data", "large data", "no", "", "", "technology"),
    ("supply-side structural reform", "structural reform of the supply side", "no", "", "", "policy"),
    ("Belt and Road Initiative", "one belt one road", "no", "", "", "policy"),
    ("new retail", "new retailing", "no", "", "", "business"),
    ("integration", "", "no", "", "", "business"),
    ("innovation-driven development", "innovation drive development", "no", "", "", "policy"),
)
VARIANTS = {"integration": "fusion|convergence"}

SYLLABLES = ("an", "bai", "bo", "chang", "chen", "da", "ding", "fang", "feng", "fu", "gao", "guang", "hai",
             "heng", "hong", "hua", "jia", "jin", "jing", "kai", "kang", "lan", "li", "long", "mei", "ming",
             "nan", "ning", "peng", "qi", "qing", "rong", "rui", "sheng", "shi", "tai", "tian", "tong", "wei",
             "wen", "xin", "xing", "ya", "yang", "yi", "yuan", "yun", "ze", "zhi", "zhong")
ADJECTIVES = ("golden", "bright", "eastern", "great", "flying", "silver", "harmonious", "rising", "peaceful",
              "prosperous", "green", "deep", "long", "new", "northern", "clear", "grand", "lucky", "shining",
              "united", "vast", "swift", "true", "red", "blue", "jade", "iron", "morning", "cloud", "ocean",
              "mountain", "river", "spring", "autumn", "heavenly", "wise", "noble", "steady", "kind", "bold")
NOUNS = ("star", "sea", "dragon", "peak", "bridge", "harbor", "wing", "horse", "lotus", "pine", "crane",
         "gate", "sail", "field", "stone", "lamp", "path", "wave", "forest", "garden", "city", "tower",
         "phoenix", "tiger", "pearl", "bamboo", "flame", "spark", "valley", "shore", "arrow", "wheel",
         "shield", "anchor", "compass", "lantern", "meadow", "summit", "canyon", "orchard", "island")
SUFFIXES = (("holdings", "Holdings"), ("technology", "Technology"), ("group", "Group"), ("motors", "Motors"),
            ("pharmaceutical", "Pharmaceutical"), ("electronics", "Electronics"), ("logistics", "Logistics"),
            ("bank", "Bank"), ("energy", "Energy"), ("software", "Software"), ("textiles", "Textiles"),
            ("media", "Media"), ("securities", "Securities"), ("steel", "Steel"), ("foods", "Foods"),
            ("robotics", "Robotics"), ("materials", "Materials"), ("airlines", "Airlines"),
            ("insurance", "Insurance"), ("chemicals", "Chemicals"), ("optics", "Optics"), ("mining", "Mining"),
            ("cloud", "Cloud"), ("semiconductor", "Semiconductor"), ("shipping", "Shipping"),
            ("telecom", "Telecom"), ("appliances", "Appliances"), ("tourism", "Tourism"),
            ("agriculture", "Agriculture"), ("new energy", "New Energy"), ("cosmetics", "Cosmetics"),
            ("machinery", "Machinery"), ("real estate", "Real Estate"), ("payments", "Payments"),
            ("biotech", "Biotech"), ("education", "Education"), ("sports", "Sports"), ("games", "Games"),
            ("furniture", "Furniture"), ("water", "Water"), ("rail", "Rail"), ("glass", "Glass"),
            ("paper", "Paper"), ("tyres", "Tyres"), ("dairy", "Dairy"), ("solar", "Solar"),
            ("batteries", "Batteries"), ("drones", "Drones"), ("textbooks", "Textbooks"), ("ports", "Ports"),
            ("cinema", "Cinema"), ("fashion", "Fashion"), ("cement", "Cement"), ("toys", "Toys"),
            ("wine", "Wine"), ("tea", "Tea"), ("lighting", "Lighting"), ("sensors", "Sensors"),
            ("vehicles", "Vehicles"), ("networks", "Networks"), ("medical", "Medical"), ("capital", "Capital"))
SURNAMES = ("Wang", "Li", "Zhang", "Liu", "Chen", "Zhao", "Zhou", "Xu", "Sun", "Lei", "Gao", "Lin")
GIVEN = ("Jun", "Ming", "Hua", "Wei", "Fang", "Qiang", "Lei", "Ping", "Yan", "Jie", "Tao", "Xin")

# Garbled-MT sentence templates, written for this benchmark. Slots: {wrong} a glossary
# name rendered literally, {approved} an approved rendering, {upper} a name in capitals,
# {person}, {n} a small number, {day}, {pad} a zero-padded page, {word} a word to repeat.
TEMPLATES = (
    "On the {day} day, the {pad} edition of the paper reported that {wrong} had opened a new plant in the west.",
    "The chairman of {wrong} said that the company will keep upgrading quality in the coming {n} years.",
    "According to the {person}, sales of {approved} rose by {n} percent over the same period last year.",
    "More than {n} thousand workers now serve the new retailing of the line and line at {approved}.",
    "The meeting stressed that the large data industry must move towards the high end of the value chain.",
    "{approved} and {wrong} signed a cooperation agreement on the {day} day of last month.",
    "Shipments of {upper} handsets fell sharply after the {word} {word} growth of the previous year.",
    "Experts believe that the nineteen major report gives enterprises a reassurance for development.",
    "The city has attracted {n} ten thousand tourists and the income reached {n} hundred million yuan.",
    "Local officials visited {approved} to learn about the structural reform of the supply side.",
    "In the past {n} years the factory has obtained {n} authorized patents and {n} new ones.",
    "The report on the {pad} page said that {wrong} ranks among the top {n} firms in the province.",
    "The weather in the northern provinces was mild this week and farmers began the spring sowing.",
    "A spokesman for {approved} told reporters that the new product line will be ready next spring.",
    "Millet porridge is a common breakfast in the north, and the harvest was good this autumn.",
    "The {word} {word} of the exhibition drew visitors from {n} countries and regions.",
    "Investors said the one belt one road projects have brought new orders for {approved}.",
    "The government will support innovation drive development and help small firms grow.",
    "{person} said the company must lay a solid foundation and make up for missed lessons.",
    "The deep fusion of manufacturing and services is the main direction of the reform.",
    "The integration of industry and finance helped {approved} cut costs by {n} percent.",
    "The museum reopened after a year of repairs, and the new halls show ancient bronze vessels.",
)


@dataclass(frozen=True)
class BenchFiles:
    corpus: dict[int, Path]  # segments -> .txt path
    corpus_tsv: dict[int, Path]  # segments -> .tsv path
    glossary: dict[int, Path]  # entries -> .csv path


def bench_dir() -> Path:
    """Where generated files go: $MTCHECK_BENCH_DIR or bench/.corpora (git-ignored)."""
    return Path(os.environ.get("MTCHECK_BENCH_DIR") or Path(__file__).resolve().parent / ".corpora")


def synthetic_names(count: int, seed: int = SEED) -> list[tuple[str, str]]:
    """`count` unique (approved, literal wrong rendering) pairs: "Jinxing Holdings" / "golden star holdings"."""
    rng = random.Random(seed)
    combos = [(a, n, s) for a in range(len(ADJECTIVES)) for n in range(len(NOUNS)) for s in range(len(SUFFIXES))]
    if count > len(combos):
        raise ValueError(f"at most {len(combos)} synthetic names")
    rng.shuffle(combos)
    names = []
    for a, n, s in combos[:count]:
        pinyin = (SYLLABLES[(a * 7 + n) % len(SYLLABLES)] + SYLLABLES[(n * 3 + s) % len(SYLLABLES)]).capitalize()
        suffix_wrong, suffix_right = SUFFIXES[s]
        names.append((f"{pinyin} {suffix_right} {a}{n}", f"{ADJECTIVES[a]} {NOUNS[n]} {suffix_wrong}"))
    return names


def glossary_rows(size: int, seed: int = SEED) -> list[dict[str, str]]:
    """`size` glossary rows: the core entries, then synthetic ones, sorted like a bundled glossary."""
    rows = []
    for approved, wrong, case_sensitive, intended, literal, domain in CORE_ENTRIES[:size]:
        rows.append({"approved": approved, "wrong": wrong, "case_sensitive": case_sensitive,
                     "variants": VARIANTS.get(approved, ""), "intended_sense": intended,
                     "literal_sense": literal, "domain": domain})
    domains = ("company", "brand", "product", "business")
    for index, (approved, wrong) in enumerate(synthetic_names(max(0, size - len(rows)), seed)):
        rows.append({"approved": approved, "wrong": wrong, "domain": domains[index % len(domains)]})
    rows.sort(key=lambda row: (row["approved"].casefold(), row.get("source", "")))
    return rows


def glossary_csv(rows: list[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=HEADER, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({column: row.get(column, "") for column in HEADER})
    return buffer.getvalue()


def corpus_lines(size: int, rows: list[dict[str, str]], seed: int = SEED) -> list[str]:
    """`size` segments of garbled MT, one to three template sentences each."""
    rng = random.Random(seed * 31 + size)
    wrongs = [row["wrong"].split("|")[0] for row in rows if row.get("wrong")]
    approved = [row["approved"] for row in rows]
    lines = []
    for _ in range(size):
        sentences = []
        for template in rng.sample(TEMPLATES, rng.randint(1, 3)):
            wrong = rng.choice(wrongs)
            sentences.append(template.format(
                wrong=wrong[:1].upper() + wrong[1:] if template.startswith("{wrong}") else wrong,
                approved=rng.choice(approved),
                upper=rng.choice(("HUAWEI", "Huawei", "XIAOMI", "Xiaomi")),
                person=f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}",
                n=rng.randint(2, 99), day=rng.randint(1, 31), pad=f"0{rng.randint(1, 9)}",
                word=rng.choice(("record", "rapid", "steady", "huge", "new")),
            ))
        lines.append(" ".join(sentences))
    return lines


def corpus_tsv(lines: list[str]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t", lineterminator="\n")
    writer.writerow(("id", "target"))
    for number, line in enumerate(lines, start=1):
        writer.writerow((f"s{number}", line))
    return buffer.getvalue()


def _write_if_changed(path: Path, text: str) -> Path:
    data = text.encode("utf-8")
    if not path.exists() or path.read_bytes() != data:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
    return path


def ensure_corpora(corpus_sizes=CORPUS_SIZES, glossary_sizes=GLOSSARY_SIZES, folder: Path | None = None, seed: int = SEED) -> BenchFiles:
    """Generate (or reuse) every corpus and glossary; the corpora use the largest glossary's names."""
    folder = folder or bench_dir()
    rows_by_size = {size: glossary_rows(size, seed) for size in glossary_sizes}
    glossaries = {size: _write_if_changed(folder / f"glossary-{size}.csv", glossary_csv(rows)) for size, rows in rows_by_size.items()}
    # Corpus names are drawn from the smallest glossary, so every glossary size has hits.
    names = rows_by_size[min(glossary_sizes)]
    corpus, corpus_tsv_paths = {}, {}
    for size in corpus_sizes:
        lines = corpus_lines(size, names, seed)
        corpus[size] = _write_if_changed(folder / f"corpus-{size}.txt", "\n".join(lines) + "\n")
        corpus_tsv_paths[size] = _write_if_changed(folder / f"corpus-{size}.tsv", corpus_tsv(lines))
    return BenchFiles(corpus, corpus_tsv_paths, glossaries)


if __name__ == "__main__":
    files = ensure_corpora()
    for label, paths in (("corpus", files.corpus), ("corpus tsv", files.corpus_tsv), ("glossary", files.glossary)):
        for size, path in paths.items():
            print(f"{label:<11} {size:>7}  {path}  {path.stat().st_size / 1e6:.1f} MB")
