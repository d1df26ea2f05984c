//! The gazetteer: an fst map from folded names to the entities that bear them.
//!
//! Sources (`gazetteer/*.tsv`, see [`source`]) are compiled ([`compile`]) into one byte buffer
//! (layout in [`format`]) that [`Gazetteer`] reads in place. The default gazetteer is compiled
//! by `build.rs` and embedded in the binary: [`Gazetteer::embedded`].

pub mod check;
pub mod compile;
pub mod edit;
pub mod export;
pub mod format;
pub mod source;
mod validate;

// `import` (with its reliability pass, which tags) and `suggest` (which tags) sit above the
// tagger: `gaztag::import`, `gaztag::suggest`. Nothing here refers to them.

use std::path::Path;
use std::sync::Arc;

pub use compile::{compile, compile_entities, key_of, light_form};
pub use source::EntityType;

use crate::error::{Error, Result};
use format::*;

static EMBEDDED: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/default.gaz"));

/// What a load checks after the header, the versions and the section lengths.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Checks {
    /// The checksum, then the structure of every section.
    All,
    /// The checksum only: for the embedded default, which build.rs compiled from this
    /// crate's own sources into the binary (a damaged binary is no gaztag at all).
    Checksum,
}

#[derive(Clone)]
enum Backing {
    Static(&'static [u8]),
    Shared(Arc<Vec<u8>>),
    Mapped(Arc<memmap2::Mmap>),
}

impl Backing {
    fn bytes(&self) -> &[u8] {
        match self {
            Backing::Static(b) => b,
            Backing::Shared(b) => b,
            Backing::Mapped(m) => m,
        }
    }
}

/// A cheap-to-clone view of part of an index buffer.
#[derive(Clone)]
pub struct Bytes {
    backing: Backing,
    start: usize,
    end: usize,
}

impl AsRef<[u8]> for Bytes {
    fn as_ref(&self) -> &[u8] {
        &self.backing.bytes()[self.start..self.end]
    }
}

/// A compiled gazetteer, read in place from its bytes.
///
/// Cloning is cheap (the bytes are shared). `Gazetteer` is `Send + Sync`.
#[derive(Clone)]
pub struct Gazetteer {
    origin: String,
    /// The whole index, for [`Gazetteer::verify`].
    all: Bytes,
    names: fst::Map<Bytes>,
    skeletons: fst::Map<Bytes>,
    common: fst::Set<Bytes>,
    name_words: fst::Map<Bytes>,
    postings: Bytes,
    variants: Bytes,
    entities: Bytes,
    strings: Bytes,
    /// Per entity: prior weight and GeoNames id ([`format`]'s priors section).
    priors: Bytes,
}

impl std::fmt::Debug for Gazetteer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gazetteer")
            .field("origin", &self.origin)
            .field("entities", &self.len())
            .field("keys", &self.names.len())
            .finish()
    }
}

/// An entity of a [`Gazetteer`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EntityRef<'g> {
    /// Stable identifier.
    pub id: &'g str,
    /// PER, LOC or ORG.
    pub kind: EntityType,
    /// Canonical name.
    pub name: &'g str,
    /// English name, if the source gave one.
    pub en: Option<&'g str>,
    /// Wikidata id, if the source gave one.
    pub wikidata: Option<&'g str>,
    /// GeoNames id, if the source gave one.
    pub geonames: Option<&'g str>,
    /// Prior weight (`weight=`; 1 when the source gives none): among the entities of one key
    /// in one gazetteer, the larger weight ranks first.
    pub weight: u64,
}

/// A spelling of an entity, as stored in a [`Gazetteer`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VariantRef<'g> {
    /// Index of the entity (see [`Gazetteer::entity`]).
    pub entity: u32,
    /// The spelling as written in the source.
    pub text: &'g str,
    /// Matched only where the text spells it exactly.
    pub exact: bool,
    /// An adjective form (nisba) of the entity, matched only with demonyms on.
    pub demonym: bool,
    /// A short form, valid only after the entity's full name in the same document.
    pub short: bool,
}

/// Which of the name rules' lists a word is in ([`Gazetteer::name_word`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NameWord {
    /// A given name (`given-names.txt`).
    pub given: bool,
    /// A known part of person names (`name-parts.txt`).
    pub part: bool,
    /// A person title (`titles.txt`).
    pub title: bool,
    /// A family name (`surnames.txt`).
    pub surname: bool,
    /// A given name of another language (`foreign-given-names.txt`); `given` is set too.
    pub foreign: bool,
}

impl Gazetteer {
    /// The default gazetteer, compiled from `gazetteer/` into the binary.
    ///
    /// # Example
    /// ```
    /// let gaz = gaztag::Gazetteer::embedded();
    /// let hits = gaz.lookup("بوتن");
    /// assert_eq!(gaz.entity(hits[0].entity).unwrap().id, "vladimir-putin");
    /// ```
    pub fn embedded() -> Gazetteer {
        // checked once per process, then shared
        static LOADED: std::sync::OnceLock<Gazetteer> = std::sync::OnceLock::new();
        LOADED
            .get_or_init(|| {
                Gazetteer::parse(
                    Backing::Static(EMBEDDED),
                    "<embedded gazetteer>",
                    Checks::Checksum,
                )
                .expect("the embedded gazetteer is built by build.rs with this crate's format")
            })
            .clone()
    }

    /// Reads an index from a `'static` buffer (e.g. `include_bytes!`).
    ///
    /// # Errors
    /// As [`Gazetteer::from_bytes`].
    pub fn from_static(bytes: &'static [u8], origin: &str) -> Result<Gazetteer> {
        Gazetteer::parse(Backing::Static(bytes), origin, Checks::All)
    }

    /// Reads an index from bytes that [`compile`] produced.
    ///
    /// # Errors
    /// [`Error::Index`] when the bytes are truncated, corrupted (checksum), or of another format
    /// or normalizer version.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Gazetteer> {
        Gazetteer::parse(Backing::Shared(Arc::new(bytes)), "<memory>", Checks::All)
    }

    /// Loads a gazetteer from `path`: a folder of sources (compiled in memory) or an index file.
    ///
    /// An index file is memory-mapped, not read: loading takes the same few microseconds
    /// whatever its size, nothing is parsed, and the tagger's walks read only the pages of
    /// the fst they visit (shared with every other process using the file).
    ///
    /// Loading checks the header, the versions, that the section lengths add up to the file's
    /// size (a truncated or extended file is refused), the checksum over every byte, and the
    /// structure of every section (see [`format`](mod@format)): for a million-entry index
    /// (220 MB, in the page cache) about 30 ms of checksum and 0.4 s in all. A damaged index
    /// is refused with a clear error; a crafted one cannot make gaztag panic.
    ///
    /// Every load runs every check: nothing is remembered between runs.
    ///
    /// `gaztag gazetteer build` replaces an index by renaming a new file over it, which
    /// leaves a running process's mapping intact; do not rewrite an index file in place
    /// while a process uses it.
    ///
    /// # Errors
    /// An unreadable path, a malformed source line (with file and line), or a bad index.
    pub fn load(path: &Path) -> Result<Gazetteer> {
        let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
        let origin = path.display().to_string();
        if meta.is_dir() {
            let sources = source::read_dir(path)?;
            Gazetteer::parse(
                Backing::Shared(Arc::new(compile(&sources))),
                &origin,
                Checks::All,
            )
        } else if !meta.is_file() {
            // a FIFO or a device would block the load or map nothing
            Err(Error::index(
                origin,
                "not a regular file: give a gazetteer folder or an index file",
            ))
        } else {
            Gazetteer::map(path)
        }
    }

    /// Maps the index file at `path` and checks it whole: the checksum over every byte,
    /// then the structure of every section, on every load.
    fn map(path: &Path) -> Result<Gazetteer> {
        let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
        let mut options = memmap2::MmapOptions::new();
        // every page is read at once by the checks: fault them all in with one call
        options.populate();
        // SAFETY: the map is read-only and lives as long as the `Gazetteer` (the `Arc` in
        // `Backing`). Undefined behaviour would need the file to be truncated or rewritten in
        // place while it is mapped; gaztag never does that (it writes an index to a new file
        // and renames it over the old one, see `atomic::write`), and the `load` docs say not
        // to.
        let map = unsafe { options.map(&file) }.map_err(|e| Error::io(path, e))?;
        Gazetteer::parse(
            Backing::Mapped(Arc::new(map)),
            &path.display().to_string(),
            Checks::All,
        )
    }

    /// Checks the checksum over the whole index again (see [`format`](mod@format)).
    ///
    /// Every constructor has checked it already; this is for an index mapped long ago, whose
    /// file may have been rewritten in place since.
    ///
    /// # Errors
    /// [`Error::Index`] naming the index when the checksum does not match.
    ///
    /// # Example
    /// ```
    /// gaztag::Gazetteer::embedded().verify().unwrap();
    /// ```
    pub fn verify(&self) -> Result<()> {
        let all = self.all.as_ref();
        if checksum(all) != u32_at(all, CHECKSUM_AT) {
            return Err(Error::index(
                self.origin.clone(),
                "checksum mismatch: the file is corrupted",
            ));
        }
        Ok(())
    }

    fn parse(backing: Backing, origin: &str, checks: Checks) -> Result<Gazetteer> {
        let all = backing.bytes();
        let bad = |m: String| Error::index(origin, m);
        if all.len() < HEADER_LEN || &all[..8] != MAGIC {
            return Err(bad(
                "missing the gaztag index header (is this a compiled gazetteer?)".into(),
            ));
        }
        let version = u32_at(all, 8);
        if version != FORMAT_VERSION {
            return Err(bad(format!(
                "index format version {version}, this gaztag reads version {FORMAT_VERSION}; rebuild it with `gaztag gazetteer build`"
            )));
        }
        let norm = u32_at(all, 12);
        if norm != crate::normalize::VERSION {
            return Err(bad(format!(
                "built with normalizer version {norm}, this gaztag folds text with version {}; rebuild it with `gaztag gazetteer build`",
                crate::normalize::VERSION
            )));
        }
        let mut bounds = [(0usize, 0usize); SECTIONS];
        let mut at = HEADER_LEN as u64;
        for (i, b) in bounds.iter_mut().enumerate() {
            let len = u64_at(all, 24 + 8 * i);
            let end = at
                .checked_add(len)
                .filter(|&e| e <= all.len() as u64)
                .ok_or_else(|| {
                    bad(format!(
                        "truncated: {} bytes, the header describes more",
                        all.len()
                    ))
                })?;
            *b = (at as usize, end as usize);
            at = end;
        }
        if at as usize != all.len() {
            return Err(bad(format!(
                "{} bytes of trailing garbage",
                all.len() - at as usize
            )));
        }
        if checksum(all) != u32_at(all, CHECKSUM_AT) {
            return Err(bad("checksum mismatch: the file is corrupted".into()));
        }
        let (plen, vlen, elen) = (
            bounds[POSTINGS].1 - bounds[POSTINGS].0,
            bounds[VARIANTS].1 - bounds[VARIANTS].0,
            bounds[ENTITIES].1 - bounds[ENTITIES].0,
        );
        if plen % 4 != 0 || vlen % VARIANT_LEN != 0 || elen % ENTITY_LEN != 0 {
            return Err(bad("record sections of impossible sizes".into()));
        }
        let bytes = |i: usize| &all[bounds[i].0..bounds[i].1];
        let structure = |what: &str, r: std::result::Result<(), String>| {
            r.map_err(|e| bad(format!("{what}: {e} (a crafted or mis-built index)")))
        };
        if checks == Checks::All {
            // the names fst (the largest section to walk) on a second thread for a big index;
            // the errors are reported in section order whichever finishes first
            let names = || validate::fst_nodes(bytes(NAMES));
            let rest = || {
                let mut r = Vec::new();
                for (i, what) in [
                    (COMMON, "common words"),
                    (SKELETONS, "skeletons"),
                    (NAME_WORDS, "name words"),
                ] {
                    r.push((what, validate::fst_nodes(bytes(i))));
                }
                let records = validate::records(
                    bytes(POSTINGS),
                    bytes(VARIANTS),
                    bytes(ENTITIES),
                    bytes(STRINGS),
                    bytes(PRIORS),
                );
                r.push(("records", records));
                r
            };
            let (names, rest) = if all.len() >= PARALLEL_CHECKSUM_MIN {
                std::thread::scope(|s| {
                    match std::thread::Builder::new().spawn_scoped(s, names) {
                        Ok(other) => {
                            let rest = rest();
                            // the check returns errors, it does not panic: a panic is a bug
                            // to see, not to hide
                            let names = other
                                .join()
                                .unwrap_or_else(|p| std::panic::resume_unwind(p));
                            (names, rest)
                        }
                        // no thread to be had: one after the other
                        Err(_) => (names(), rest()),
                    }
                })
            } else {
                (names(), rest())
            };
            for (what, r) in std::iter::once(("names", names)).chain(rest) {
                structure(what, r)?;
            }
        }
        let section = |i: usize| Bytes {
            backing: backing.clone(),
            start: bounds[i].0,
            end: bounds[i].1,
        };
        let names = fst::Map::new(section(NAMES)).map_err(|e| bad(format!("names: {e}")))?;
        let common =
            fst::Set::new(section(COMMON)).map_err(|e| bad(format!("common words: {e}")))?;
        let skeletons =
            fst::Map::new(section(SKELETONS)).map_err(|e| bad(format!("skeletons: {e}")))?;
        let name_words =
            fst::Map::new(section(NAME_WORDS)).map_err(|e| bad(format!("name words: {e}")))?;
        Ok(Gazetteer {
            origin: origin.to_owned(),
            all: Bytes {
                backing: backing.clone(),
                start: 0,
                end: all.len(),
            },
            names,
            skeletons,
            common,
            name_words,
            postings: section(POSTINGS),
            variants: section(VARIANTS),
            entities: section(ENTITIES),
            strings: section(STRINGS),
            priors: section(PRIORS),
        })
    }

    /// Where the gazetteer was loaded from (a path, or `<embedded gazetteer>`).
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// Number of entities.
    pub fn len(&self) -> usize {
        self.entities.as_ref().len() / ENTITY_LEN
    }

    /// Whether there are no entities.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Number of distinct folded keys.
    pub fn key_count(&self) -> usize {
        self.names.len()
    }

    /// Number of stored variants.
    pub fn variant_count(&self) -> usize {
        self.variants.as_ref().len() / VARIANT_LEN
    }

    /// The fst from folded key to packed postings.
    pub fn names(&self) -> &fst::Map<Bytes> {
        &self.names
    }

    /// The fst from skeleton key to packed postings (see [`format`]), for fuzzy matching.
    pub fn skeletons(&self) -> &fst::Map<Bytes> {
        &self.skeletons
    }

    fn string(&self, off: u32, len: u32) -> &str {
        let s = self.strings.as_ref();
        s.get(off as usize..off as usize + len as usize)
            .and_then(|b| std::str::from_utf8(b).ok())
            .unwrap_or("\u{FFFD}")
    }

    /// The entity at `index`, or `None` when out of range.
    pub fn entity(&self, index: u32) -> Option<EntityRef<'_>> {
        let at = index as usize * ENTITY_LEN;
        let rec = self.entities.as_ref().get(at..at + ENTITY_LEN)?;
        let field = |i: usize| (u32_at(rec, 4 + 8 * i), u32_at(rec, 8 + 8 * i));
        let opt = |i: usize| {
            let (o, l) = field(i);
            (l > 0).then(|| self.string(o, l))
        };
        let (io, il) = field(0);
        let (no, nl) = field(1);
        let at = index as usize * PRIOR_LEN;
        let prior = self.priors.as_ref().get(at..at + PRIOR_LEN)?;
        let (go, gl) = (u32_at(prior, 8), u32_at(prior, 12));
        Some(EntityRef {
            id: self.string(io, il),
            kind: EntityType::from_code(u32_at(rec, 0))?,
            name: self.string(no, nl),
            en: opt(2),
            wikidata: opt(3),
            geonames: (gl > 0).then(|| self.string(go, gl)),
            weight: u64_at(prior, 0),
        })
    }

    /// The prior weight of the entity at `index` (see [`EntityRef::weight`]); 0 when out of
    /// range.
    pub fn weight(&self, index: u32) -> u64 {
        let at = index as usize * PRIOR_LEN;
        self.priors
            .as_ref()
            .get(at..at + PRIOR_LEN)
            .map_or(0, |p| u64_at(p, 0))
    }

    /// The variant at `index`, or `None` when out of range.
    pub fn variant(&self, index: u32) -> Option<VariantRef<'_>> {
        let at = index as usize * VARIANT_LEN;
        let rec = self.variants.as_ref().get(at..at + VARIANT_LEN)?;
        Some(VariantRef {
            entity: u32_at(rec, 0),
            text: self.string(u32_at(rec, 4), u32_at(rec, 8)),
            exact: u32_at(rec, 12) & FLAG_EXACT != 0,
            demonym: u32_at(rec, 12) & FLAG_DEMONYM != 0,
            short: u32_at(rec, 12) & FLAG_SHORT != 0,
        })
    }

    /// The variants stored under a packed fst value: at most [`MAX_POSTINGS_PER_KEY`], and
    /// only postings that exist (a crafted value naming billions costs nothing).
    pub fn postings(&self, value: u64) -> impl Iterator<Item = VariantRef<'_>> + '_ {
        let (first, count) = unpack_postings(value);
        let p = self.postings.as_ref();
        let first = (first as usize).min(p.len() / 4);
        let end = (first + count.min(MAX_POSTINGS_PER_KEY) as usize).min(p.len() / 4);
        p[first * 4..end * 4]
            .chunks_exact(4)
            .filter_map(move |b| self.variant(u32_at(b, 0)))
    }

    /// Every variant whose key is the folded form of `text`.
    pub fn lookup(&self, text: &str) -> Vec<VariantRef<'_>> {
        match self.names.get(key_of(text)) {
            Some(v) => self.postings(v).collect(),
            None => Vec::new(),
        }
    }

    /// Every key within Levenshtein distance `max` (in characters, at most
    /// [`MAX_FUZZY_DISTANCE`]) of the folded form of `text`, nearest first. The search runs a
    /// Levenshtein automaton over the fst (no scan over the keys).
    ///
    /// (fst's own Levenshtein automaton does not match Arabic keys, BurntSushi/fst#160; the
    /// `levenshtein_automata` crate's DFA does, driven through [`LevenshteinDfa`].)
    ///
    /// # Errors
    /// When `max` is above [`MAX_FUZZY_DISTANCE`].
    pub fn fuzzy(&self, text: &str, max: u32) -> Result<Vec<FuzzyHit<'_>>> {
        use fst::{IntoStreamer, Streamer};
        let key = key_of(text);
        let dfa = LevenshteinDfa::new(&key, max).ok_or_else(|| {
            Error::index(
                self.origin.clone(),
                format!("fuzzy distance {max} is above the maximum, {MAX_FUZZY_DISTANCE}"),
            )
        })?;
        let mut stream = self.names.search(&dfa).into_stream();
        let mut hits = Vec::new();
        while let Some((k, value)) = stream.next() {
            let k = String::from_utf8_lossy(k).into_owned();
            let distance = strsim::levenshtein(&key, &k) as u32;
            hits.push(FuzzyHit {
                key: k,
                distance,
                variants: self.postings(value).collect(),
            });
        }
        hits.sort_by(|a, b| (a.distance, &a.key).cmp(&(b.distance, &b.key)));
        Ok(hits)
    }

    /// Counts for `gaztag gazetteer stats`.
    pub fn stats(&self) -> Stats {
        use fst::Streamer;
        let mut per_type = [0usize; 3];
        for i in 0..self.len() as u32 {
            if let Some(e) = self.entity(i) {
                per_type[e.kind.code() as usize] += 1;
            }
        }
        let mut ambiguous = 0;
        let mut stream = self.names.stream();
        while let Some((_, value)) = stream.next() {
            let mut entities: Vec<u32> = self.postings(value).map(|v| v.entity).collect();
            entities.sort_unstable();
            entities.dedup();
            ambiguous += usize::from(entities.len() > 1);
        }
        Stats {
            entities: self.len(),
            per: per_type[0],
            loc: per_type[1],
            org: per_type[2],
            variants: self.variant_count(),
            keys: self.key_count(),
            ambiguous_keys: ambiguous,
            index_bytes: self.index_len(),
        }
    }

    fn index_len(&self) -> usize {
        HEADER_LEN
            + [
                &self.postings,
                &self.variants,
                &self.entities,
                &self.strings,
                &self.priors,
            ]
            .iter()
            .map(|b| b.as_ref().len())
            .sum::<usize>()
            + self.names.as_fst().as_bytes().len()
            + self.skeletons.as_fst().as_bytes().len()
            + self.common.as_fst().as_bytes().len()
            + self.name_words.as_fst().as_bytes().len()
    }

    /// The name rules' lists the folded word (or title) `key` is in (see [`key_of`]).
    ///
    /// ```
    /// let gaz = gaztag::Gazetteer::embedded();
    /// assert!(gaz.name_word(&gaztag::gazetteer::key_of("محمد")).given);
    /// assert!(gaz.name_word(&gaztag::gazetteer::key_of("وزير الخارجية")).title);
    /// ```
    pub fn name_word(&self, key: &str) -> NameWord {
        let flags = self.name_words.get(key).unwrap_or(0);
        NameWord {
            given: flags & WORD_GIVEN != 0,
            part: flags & WORD_PART != 0,
            title: flags & WORD_TITLE != 0,
            surname: flags & WORD_SURNAME != 0,
            foreign: flags & WORD_FOREIGN_GIVEN != 0,
        }
    }

    /// The fst of the name rules' words (folded word or title → list flags, see [`format`]).
    pub fn name_words(&self) -> &fst::Map<Bytes> {
        &self.name_words
    }

    /// The set of common words, lightly normalized (see [`light_form`]).
    pub fn common_words(&self) -> &fst::Set<Bytes> {
        &self.common
    }

    /// Is the lightly normalized word `light` (see [`light_form`]) a common word?
    pub fn is_common(&self, light: &str) -> bool {
        self.common.contains(light)
    }
}

/// The largest edit distance [`Gazetteer::fuzzy`] accepts.
pub const MAX_FUZZY_DISTANCE: u32 = 3;

/// A Levenshtein DFA over UTF-8 bytes, usable as an [`fst::Automaton`].
pub struct LevenshteinDfa(levenshtein_automata::DFA);

impl LevenshteinDfa {
    /// The automaton of the strings within `max` edits (in characters) of `key`; `None` when
    /// `max` is above [`MAX_FUZZY_DISTANCE`].
    pub fn new(key: &str, max: u32) -> Option<LevenshteinDfa> {
        use levenshtein_automata::LevenshteinAutomatonBuilder as Builder;
        use std::sync::OnceLock;
        // building a builder precomputes a parametric automaton: do it once per distance
        static BUILDERS: [OnceLock<Builder>; MAX_FUZZY_DISTANCE as usize + 1] = [
            OnceLock::new(),
            OnceLock::new(),
            OnceLock::new(),
            OnceLock::new(),
        ];
        let b = BUILDERS
            .get(max as usize)?
            .get_or_init(|| Builder::new(max as u8, false));
        Some(LevenshteinDfa(b.build_dfa(key)))
    }
}

impl fst::Automaton for LevenshteinDfa {
    type State = u32;

    fn start(&self) -> u32 {
        self.0.initial_state()
    }

    fn is_match(&self, state: &u32) -> bool {
        matches!(
            self.0.distance(*state),
            levenshtein_automata::Distance::Exact(_)
        )
    }

    fn can_match(&self, state: &u32) -> bool {
        *state != levenshtein_automata::SINK_STATE
    }

    fn accept(&self, state: &u32, byte: u8) -> u32 {
        self.0.transition(*state, byte)
    }
}

/// A key near a searched text (see [`Gazetteer::fuzzy`]).
#[derive(Clone, Debug)]
pub struct FuzzyHit<'g> {
    /// The folded key.
    pub key: String,
    /// Its Levenshtein distance, in characters, to the folded text.
    pub distance: u32,
    /// The variants stored under it.
    pub variants: Vec<VariantRef<'g>>,
}

/// Size counts of a gazetteer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Stats {
    /// Entities.
    pub entities: usize,
    /// PER entities.
    pub per: usize,
    /// LOC entities.
    pub loc: usize,
    /// ORG entities.
    pub org: usize,
    /// Stored variants (spellings that fold to the same key within an entity count once).
    pub variants: usize,
    /// Distinct folded keys.
    pub keys: usize,
    /// Keys that name more than one entity.
    pub ambiguous_keys: usize,
    /// Size of the compiled index in bytes.
    pub index_bytes: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> Vec<u8> {
        let tsv = "baku\tLOC\tباكو\tBaku\ten=Baku\twikidata=Q9248\nali\tPER\tعلي\t=عليّ\n";
        compile::compile_entities(
            &source::parse_str(Path::new("t.tsv"), tsv).unwrap(),
            &["على".into()],
        )
    }

    #[test]
    fn round_trip() {
        let g = Gazetteer::from_bytes(small()).unwrap();
        assert_eq!(g.len(), 2);
        let hit = g.lookup("بَاكو");
        assert_eq!(hit.len(), 1);
        let e = g.entity(hit[0].entity).unwrap();
        assert_eq!(
            (e.id, e.kind, e.name, e.en, e.wikidata),
            ("baku", EntityType::Loc, "باكو", Some("Baku"), Some("Q9248"))
        );
        assert_eq!(g.lookup("BAKU")[0].text, "Baku");
        // the exact-only spelling and the folding one share the key
        let ali = g.lookup("علي");
        assert_eq!(ali.len(), 2);
        assert!(!ali[0].exact && ali[1].exact);
        assert!(g.is_common("على") && !g.is_common("علي"));
        assert!(g.entity(2).is_none() && g.variant(99).is_none());
        let s = g.stats();
        assert_eq!(
            (
                s.entities,
                s.per,
                s.loc,
                s.org,
                s.variants,
                s.keys,
                s.ambiguous_keys
            ),
            (2, 1, 1, 0, 4, 3, 0)
        );
        assert_eq!(s.index_bytes, small().len());
    }

    #[test]
    fn priors_and_ids_round_trip_and_rank_a_key() {
        let tsv = "a-org\tORG\tواشنطن\n\
                   a-loc\tLOC\tواشنطن\t\tweight=64\tgeonames=4140963\twikidata=Q61\n\
                   a-per\tPER\tواشنطن\t\tweight=0\n";
        let g = Gazetteer::from_bytes(compile::compile_entities(
            &source::parse_str(Path::new("t.tsv"), tsv).unwrap(),
            &[],
        ))
        .unwrap();
        // the heaviest first, then the rest in source order (no weight= counts as 1)
        let ranked: Vec<(&str, u64)> = g
            .lookup("واشنطن")
            .iter()
            .map(|v| {
                let e = g.entity(v.entity).unwrap();
                (e.id, e.weight)
            })
            .collect();
        assert_eq!(ranked, [("a-loc", 64), ("a-org", 1), ("a-per", 0)]);
        let loc = g.entity(1).unwrap();
        assert_eq!((loc.geonames, loc.wikidata), (Some("4140963"), Some("Q61")));
        assert_eq!(g.entity(0).unwrap().geonames, None);
        assert_eq!((g.weight(1), g.weight(99)), (64, 0));
    }

    #[test]
    fn an_index_of_the_previous_format_is_refused_with_the_rebuild_hint() {
        let mut old = small();
        old[8..12].copy_from_slice(&(FORMAT_VERSION - 1).to_le_bytes());
        let err = Gazetteer::from_bytes(old).unwrap_err().to_string();
        assert!(
            err.contains("rebuild it with `gaztag gazetteer build`"),
            "{err}"
        );
    }

    #[test]
    fn fuzzy_finds_near_keys_nearest_first() {
        let g = Gazetteer::from_bytes(small()).unwrap();
        let hits = g.fuzzy("باكوو", 1).unwrap();
        assert_eq!(hits.len(), 1);
        assert_eq!((hits[0].key.as_str(), hits[0].distance), ("باكو", 1));
        let hits = g.fuzzy("بکو", 2).unwrap();
        let keys: Vec<(&str, u32)> = hits.iter().map(|h| (h.key.as_str(), h.distance)).collect();
        assert_eq!(keys, [("باكو", 1)]);
        assert!(g.fuzzy("زززز", 1).unwrap().is_empty());
        assert!(g.fuzzy("باكو", 4).is_err());
    }

    #[test]
    fn damaged_indexes_are_clear_errors() {
        let good = small();
        let msg = |b: Vec<u8>| Gazetteer::from_bytes(b).unwrap_err().to_string();
        assert!(msg(b"hello".to_vec()).contains("missing the gaztag index header"));
        assert!(msg(good[..good.len() - 3].to_vec()).contains("truncated"));
        let mut flipped = good.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 0xff;
        assert!(msg(flipped).contains("checksum mismatch"));
        let mut v = good.clone();
        v[8] = 99;
        assert!(msg(v).contains("index format version 99"));
        let mut n = good.clone();
        n[12] = 99;
        assert!(msg(n).contains("normalizer version 99"));
        let mut extra = good;
        extra.push(0);
        assert!(msg(extra).contains("trailing garbage"));
    }

    #[test]
    fn index_files_are_mapped_and_checked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("small.gaz");
        std::fs::write(&path, small()).unwrap();
        let g = Gazetteer::load(&path).unwrap();
        assert_eq!(g.origin(), path.display().to_string());
        assert_eq!(g.entity(g.lookup("باكو")[0].entity).unwrap().id, "baku");
        g.verify().unwrap();
        // a clone shares the mapping and outlives the original
        let copy = g.clone();
        drop(g);
        assert_eq!(copy.stats().index_bytes, small().len());

        let msg = |bytes: &[u8]| {
            std::fs::write(&path, bytes).unwrap();
            Gazetteer::load(&path).unwrap_err().to_string()
        };
        let good = small();
        let mut flipped = good.clone();
        flipped[good.len() - 1] ^= 0xff;
        for (bytes, want) in [
            (&flipped[..], "checksum mismatch"),
            (&good[..good.len() - 1], "truncated"),
            (&b""[..], "missing the gaztag index header"),
        ] {
            let m = msg(bytes);
            assert!(
                m.contains(want) && m.contains(&*path.to_string_lossy()),
                "{m}"
            );
        }
        let missing = dir.path().join("missing.gaz");
        assert!(Gazetteer::load(&missing).is_err());
    }

    /// The header is under the checksum: a changed section length, reserved field or
    /// checksum is refused, whatever the index's size (big ones used to skip the checksum).
    #[test]
    fn every_header_byte_is_checked() {
        let good = small();
        for at in 0..HEADER_LEN {
            for bit in [0x01, 0x80] {
                let mut bad = good.clone();
                bad[at] ^= bit;
                assert!(Gazetteer::from_bytes(bad).is_err(), "byte {at} ^ {bit:#x}");
            }
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.gaz");
        let mut bad = good.clone();
        bad[20] = 1; // reserved
        std::fs::write(&path, &bad).unwrap();
        let err = Gazetteer::load(&path).unwrap_err().to_string();
        assert!(err.contains("checksum mismatch"), "{err}");
    }

    #[test]
    fn the_checksum_in_two_halves_is_the_checksum() {
        let big: Vec<u8> = (0..PARALLEL_CHECKSUM_MIN + 4099)
            .map(|i| (i * 7 + i / 251) as u8)
            .collect();
        let mut h = crc32fast::Hasher::new();
        h.update(&big[..CHECKSUM_AT]);
        h.update(&[0; 4]);
        h.update(&big[CHECKSUM_AT + 4..]);
        assert_eq!(checksum(&big), h.finalize());
    }

    /// A FIFO given as the index would block the load forever.
    #[cfg(unix)]
    #[test]
    fn a_fifo_is_not_an_index() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("x.gaz");
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(status.success());
        let err = Gazetteer::load(&fifo).unwrap_err().to_string();
        assert!(err.contains("not a regular file"), "{err}");
    }

    #[test]
    fn send_sync() {
        fn ok<T: Send + Sync>() {}
        ok::<Gazetteer>();
    }
}
