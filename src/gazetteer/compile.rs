//! Compiles parsed sources into the index layout of [`super::format`].
//!
//! Every variant goes through the matcher's normalizer ([`crate::normalize::fold`]) and
//! [`crate::segment::key_form`], so a key is exactly what the tagger's walk spells. Keys are
//! sorted and merged: variants of different entities that fold together share a key, and the
//! tagger reports all of them. This module needs only std, fst and crc32fast (`build.rs`
//! includes it).

use std::collections::BTreeMap;

use super::format::*;
use super::source::{Entity, NameWords, Sources};
use crate::normalize::{self, Mode};
use crate::segment;

/// The folded key a variant is stored under (what the tagger's walk spells).
///
/// # Example
/// ```
/// assert_eq!(gaztag::gazetteer::key_of("ناغورني  قرة باغ"), "ناغورني قره باغ");
/// ```
pub fn key_of(variant: &str) -> String {
    segment::key_form(&normalize::fold(variant))
}

/// The skeleton key of a folded key (word by word, see [`normalize::skeleton_word`]), or `None`
/// when the key is too short to be matched fuzzily.
pub fn skeleton_key(key: &str) -> Option<String> {
    let letters = |s: &str| s.chars().filter(|c| *c != ' ').count();
    let sk = key
        .split(' ')
        .map(normalize::skeleton_word)
        .collect::<Vec<_>>()
        .join(" ");
    (letters(key) >= FUZZY_MIN_LETTERS && letters(&sk) >= FUZZY_MIN_SKELETON).then_some(sk)
}

/// The form a common word, or a surface compared for exactness, is kept in.
pub fn light_form(text: &str) -> String {
    segment::key_form(&normalize::fold_with(text, Mode::Light))
}

#[derive(Default)]
struct Strings(Vec<u8>);

impl Strings {
    fn push(&mut self, s: Option<&str>) -> (u32, u32) {
        match s {
            None => (0, 0),
            Some(s) => {
                let at = self.0.len() as u32;
                self.0.extend_from_slice(s.as_bytes());
                (at, s.len() as u32)
            }
        }
    }
}

/// An fst from each key to its range of `postings`, appended to `postings`.
fn build_map(keys: &BTreeMap<String, Vec<u32>>, postings: &mut Vec<u8>) -> Vec<u8> {
    let mut map = fst::MapBuilder::memory();
    for (key, vs) in keys {
        let first = (postings.len() / 4) as u32;
        map.insert(key.as_bytes(), pack_postings(first, vs.len() as u32))
            .expect("BTreeMap keys are sorted and unique");
        for v in vs {
            put_u32(postings, *v);
        }
    }
    map.into_inner().expect("writing to memory")
}

fn put_u32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

/// Compiles `sources` into index bytes.
///
/// # Example
/// ```
/// use gaztag::gazetteer::{compile, source, Gazetteer};
/// let sources = source::Sources {
///     entities: source::parse_str("x.tsv".as_ref(), "baku\tLOC\tباكو\tBaku\n").unwrap(),
///     common_words: vec!["على".into()],
///     name_words: source::NameWords {
///         given: vec!["نيكول".into()],
///         ..Default::default()
///     },
/// };
/// let gaz = Gazetteer::from_bytes(compile(&sources)).unwrap();
/// assert_eq!(gaz.len(), 1);
/// assert!(gaz.name_word("نيكول").given);
/// ```
pub fn compile(sources: &Sources) -> Vec<u8> {
    compile_all(
        &sources.entities,
        &sources.common_words,
        &sources.name_words,
    )
}

/// Compiles entities and common words into index bytes.
pub fn compile_entities(entities: &[Entity], common_words: &[String]) -> Vec<u8> {
    compile_all(entities, common_words, &NameWords::default())
}

/// The name-words fst: every folded word of the lists, with the flags of the lists it is in.
fn name_words_fst(lists: &NameWords) -> Vec<u8> {
    let mut words: BTreeMap<String, u64> = BTreeMap::new();
    for (list, flag) in [
        (&lists.given, WORD_GIVEN),
        (&lists.parts, WORD_PART),
        (&lists.titles, WORD_TITLE),
    ] {
        for w in list {
            let key = key_of(w);
            if !key.is_empty() {
                *words.entry(key).or_default() |= flag;
            }
        }
    }
    fst::Map::from_iter(words)
        .expect("sorted, unique")
        .into_fst()
        .into_inner()
}

fn compile_all(entities: &[Entity], common_words: &[String], name_words: &NameWords) -> Vec<u8> {
    let mut strings = Strings::default();
    let mut entity_bytes = Vec::with_capacity(entities.len() * ENTITY_LEN);
    let mut variant_bytes = Vec::new();
    let mut keys: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    let mut skeletons: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    let mut n_variants = 0u32;
    for (ei, e) in entities.iter().enumerate() {
        put_u32(&mut entity_bytes, e.kind.code());
        for s in [
            Some(e.id.as_str()),
            Some(e.name.as_str()),
            e.en.as_deref(),
            e.wikidata.as_deref(),
        ] {
            let (off, len) = strings.push(s);
            put_u32(&mut entity_bytes, off);
            put_u32(&mut entity_bytes, len);
        }
        let mut own_keys: Vec<(String, u32)> = Vec::new();
        let spellings = e
            .variants
            .iter()
            .map(|v| (v.text.as_str(), if v.exact { FLAG_EXACT } else { 0 }));
        let demonyms = e.demonyms.iter().map(|d| (d.as_str(), FLAG_DEMONYM));
        let short = e.short.iter().map(|d| (d.as_str(), FLAG_SHORT));
        for (text, flags) in spellings.chain(demonyms).chain(short) {
            let key = key_of(text);
            // the same key twice with the same flags in one entity (redundant spellings) is
            // stored once; an exact-only spelling and a folding one of the same key are both kept.
            if key.is_empty() || own_keys.iter().any(|(k, f)| *k == key && *f == flags) {
                continue;
            }
            own_keys.push((key.clone(), flags));
            let (off, len) = strings.push(Some(text));
            put_u32(&mut variant_bytes, ei as u32);
            put_u32(&mut variant_bytes, off);
            put_u32(&mut variant_bytes, len);
            put_u32(&mut variant_bytes, flags);
            // folding name spellings (never exact-only ones, never demonyms) of keys long enough
            // are also reachable through their skeleton, for fuzzy matching
            if flags == 0
                && let Some(sk) = skeleton_key(&key)
            {
                skeletons.entry(sk).or_default().push(n_variants);
            }
            keys.entry(key).or_default().push(n_variants);
            n_variants += 1;
        }
    }
    let mut postings = Vec::new();
    let names = build_map(&keys, &mut postings);
    let skeletons = build_map(&skeletons, &mut postings);
    let mut common: Vec<String> = common_words
        .iter()
        .map(|w| light_form(w))
        .filter(|w| !w.is_empty())
        .collect();
    common.sort();
    common.dedup();
    let common = fst::Set::from_iter(common)
        .expect("sorted, unique")
        .into_fst()
        .into_inner();

    let sections = [
        names,
        common,
        postings,
        variant_bytes,
        entity_bytes,
        strings.0,
        skeletons,
        name_words_fst(name_words),
    ];
    let mut out = Vec::with_capacity(HEADER_LEN + sections.iter().map(Vec::len).sum::<usize>());
    out.extend_from_slice(MAGIC);
    put_u32(&mut out, FORMAT_VERSION);
    put_u32(&mut out, normalize::VERSION);
    put_u32(&mut out, 0); // checksum, filled below
    put_u32(&mut out, 0);
    for s in &sections {
        out.extend_from_slice(&(s.len() as u64).to_le_bytes());
    }
    for s in &sections {
        out.extend_from_slice(s);
    }
    let sum = crc32fast::hash(&out[HEADER_LEN..]);
    out[16..20].copy_from_slice(&sum.to_le_bytes());
    out
}
