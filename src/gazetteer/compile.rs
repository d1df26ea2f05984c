//! Compiles parsed sources into the index layout of [`super::format`].
//!
//! Every variant goes through the matcher's normalizer ([`crate::normalize::fold`]) and
//! [`crate::segment::key_form`], so a key is exactly what the tagger's walk spells. Keys are
//! sorted and merged: variants of different entities that fold together share a key, and the
//! tagger reports all of them. This module needs only std, fst, crc32fast and rayon
//! (`build.rs` includes it).

use super::format::*;
use std::collections::BTreeMap;

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

/// Most entities one key (or one skeleton key) leads to.
///
/// A key shared by more entities (many entities spelled alike) keeps those of the largest
/// prior weight, then the first ones in the sources (by file name, then line), so that a match costs the tagger, and lists as
/// candidates, at most this many entities, whatever the gazetteer. `gaztag gazetteer check`
/// warns about such keys.
pub const MAX_ENTITIES_PER_KEY: usize = 256;

/// `(offset, length, variant, entity)` of a key in a [`KeyList`].
type KeyItem = (usize, usize, u32, u32);

/// Keys stored back to back in one buffer, each with the variant (and its entity) it belongs
/// to: millions of keys without an allocation each.
#[derive(Default)]
struct KeyList {
    bytes: Vec<u8>,
    items: Vec<KeyItem>,
}

impl KeyList {
    fn push(&mut self, key: &[u8], variant: u32, entity: u32) {
        self.items
            .push((self.bytes.len(), key.len(), variant, entity));
        self.bytes.extend_from_slice(key);
    }

    fn key(&self, item: &KeyItem) -> &[u8] {
        &self.bytes[item.0..item.0 + item.1]
    }

    /// Sorts by key, then by the prior weight of the entity (larger first, `weights` is
    /// indexed by entity), then variant (on every core); the order is unique, and the
    /// variants of one entity stay together (they are numbered in entity order).
    fn sort(&mut self, weights: &[u64]) {
        use rayon::prelude::*;
        let bytes = &self.bytes;
        let key = |i: &KeyItem| &bytes[i.0..i.0 + i.1];
        let weight = |i: &KeyItem| std::cmp::Reverse(weights[i.3 as usize]);
        self.items.par_sort_unstable_by(|a, b| {
            key(a)
                .cmp(key(b))
                .then(weight(a).cmp(&weight(b)))
                .then(a.2.cmp(&b.2))
        });
    }
}

/// The keys of `keys` (sorted), each with its postings.
fn key_groups(keys: &KeyList) -> impl Iterator<Item = &[KeyItem]> {
    keys.items.chunk_by(|a, b| keys.key(a) == keys.key(b))
}

/// How many of a key's postings (`group`, sorted) are kept: those of its first
/// [`MAX_ENTITIES_PER_KEY`] entities, the heaviest (a key's entities come one after the
/// other, see [`KeyList::sort`]).
fn kept(group: &[KeyItem]) -> usize {
    let (mut entities, mut last) = (0, None);
    for (i, &(_, _, _, entity)) in group.iter().enumerate() {
        if last != Some(entity) {
            entities += 1;
            if entities > MAX_ENTITIES_PER_KEY {
                return i;
            }
            last = Some(entity);
        }
    }
    group.len()
}

/// An fst from each key to its range of postings, and those postings (`u32` variant indexes,
/// numbered from `first`): the [`kept`] ones. `keys` is sorted.
fn build_map(keys: &KeyList, first: u32) -> (Vec<u8>, Vec<u8>) {
    let mut map = fst::MapBuilder::memory();
    let mut postings = Vec::with_capacity(keys.items.len() * 4);
    for group in key_groups(keys) {
        let start = first + (postings.len() / 4) as u32;
        let kept = &group[..kept(group)];
        map.insert(keys.key(&group[0]), pack_postings(start, kept.len() as u32))
            .expect("sorted keys, each inserted once");
        for &(_, _, variant, _) in kept {
            put_u32(&mut postings, variant);
        }
    }
    (map.into_inner().expect("writing to memory"), postings)
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

/// The name-words fst: every folded word of the lists, with the flags of the lists it is in.
fn name_words_fst(lists: &NameWords) -> Vec<u8> {
    let mut words: BTreeMap<String, u64> = BTreeMap::new();
    for (list, flag) in [
        (&lists.given, WORD_GIVEN),
        (&lists.parts, WORD_PART),
        (&lists.titles, WORD_TITLE),
        (&lists.surnames, WORD_SURNAME),
        (&lists.foreign_given, WORD_GIVEN | WORD_FOREIGN_GIVEN),
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

/// A stored spelling: which of its entity's spellings (variants, demonyms, then short forms), its flags,
/// and where its key and skeleton key lie in the buffer of its chunk.
struct Spelling {
    entity: usize,
    which: usize,
    flags: u32,
    key: (usize, usize),
    skeleton: Option<(usize, usize)>,
}

/// The spellings of a run of entities, with their keys in one buffer.
struct Chunk {
    bytes: Vec<u8>,
    spellings: Vec<Spelling>,
}

/// Entities folded per task: large enough that tasks are few, small enough to share out.
const CHUNK: usize = 1024;

/// Folds the spellings of `entities` (numbered from `first`) into keys: the costly part of
/// compiling, run on every core, one chunk per task.
fn fold_chunk(first: usize, entities: &[Entity]) -> Chunk {
    let mut chunk = Chunk {
        bytes: Vec::new(),
        spellings: Vec::new(),
    };
    let mut own: Vec<(String, u32)> = Vec::new();
    for (i, e) in entities.iter().enumerate() {
        own.clear();
        let names = e
            .variants
            .iter()
            .map(|v| (v.text.as_str(), if v.exact { FLAG_EXACT } else { 0 }));
        let demonyms = e.demonyms.iter().map(|d| (d.as_str(), FLAG_DEMONYM));
        let short = e.short.iter().map(|d| (d.as_str(), FLAG_SHORT));
        for (which, (text, flags)) in names.chain(demonyms).chain(short).enumerate() {
            let key = key_of(text);
            // the same key twice with the same flags in one entity (redundant spellings) is
            // stored once; an exact-only spelling and a folding one of the same key are both
            // kept, and so are exact-only spellings that differ as written (أوبك, اوبك).
            let seen = if flags & FLAG_EXACT != 0 {
                format!("{key}\u{0}{}", light_form(text))
            } else {
                key.clone()
            };
            if key.is_empty() || own.iter().any(|(k, f)| *k == seen && *f == flags) {
                continue;
            }
            let mut put = |s: &str| {
                chunk.bytes.extend_from_slice(s.as_bytes());
                (chunk.bytes.len() - s.len(), s.len())
            };
            // folding name spellings (never exact-only ones, never demonyms) of keys long
            // enough are also reachable through their skeleton, for fuzzy matching
            let skeleton = if flags == 0 {
                skeleton_key(&key).map(|sk| put(&sk))
            } else {
                None
            };
            chunk.spellings.push(Spelling {
                entity: first + i,
                which,
                flags,
                key: put(&key),
                skeleton,
            });
            own.push((seen, flags));
        }
    }
    chunk
}

/// Compiles entities and common words into index bytes.
///
/// The keys are folded on every core ([`rayon`]), sorted in parallel, and the names and
/// skeleton fsts are built side by side; the bytes are the same whatever the number of
/// threads.
pub fn compile_entities(entities: &[Entity], common_words: &[String]) -> Vec<u8> {
    compile_all(entities, common_words, &NameWords::default())
}

fn compile_all(entities: &[Entity], common_words: &[String], name_words: &NameWords) -> Vec<u8> {
    use rayon::prelude::*;
    let chunks: Vec<Chunk> = entities
        .par_chunks(CHUNK)
        .enumerate()
        .map(|(c, es)| fold_chunk(c * CHUNK, es))
        .collect();
    let n_spellings: usize = chunks.iter().map(|c| c.spellings.len()).sum();
    let mut strings = Strings::default();
    let mut entity_bytes = Vec::with_capacity(entities.len() * ENTITY_LEN);
    let mut variant_bytes = Vec::with_capacity(n_spellings * VARIANT_LEN);
    let mut keys = KeyList::default();
    keys.items.reserve(n_spellings);
    let mut skeletons = KeyList::default();
    let weights: Vec<u64> = entities
        .iter()
        .map(|e| e.weight.unwrap_or(DEFAULT_WEIGHT))
        .collect();
    let mut priors = Vec::with_capacity(entities.len() * PRIOR_LEN);
    let mut spellings = chunks
        .iter()
        .flat_map(|c| c.spellings.iter().map(move |s| (c, s)))
        .peekable();
    for (ei, e) in entities.iter().enumerate() {
        put_u32(&mut entity_bytes, e.kind.code());
        let mut name = (0, 0);
        for (i, s) in [
            Some(e.id.as_str()),
            Some(e.name.as_str()),
            e.en.as_deref(),
            e.wikidata.as_deref(),
        ]
        .into_iter()
        .enumerate()
        {
            let (off, len) = strings.push(s);
            if i == 1 {
                name = (off, len);
            }
            put_u32(&mut entity_bytes, off);
            put_u32(&mut entity_bytes, len);
        }
        priors.extend_from_slice(&weights[ei].to_le_bytes());
        let (off, len) = strings.push(e.geonames.as_deref());
        put_u32(&mut priors, off);
        put_u32(&mut priors, len);
        while let Some((chunk, s)) = spellings.next_if(|(_, s)| s.entity == ei) {
            let (nv, nd) = (e.variants.len(), e.demonyms.len());
            let text = match e.variants.get(s.which) {
                Some(v) => v.text.as_str(),
                None if s.which < nv + nd => e.demonyms[s.which - nv].as_str(),
                None => e.short[s.which - nv - nd].as_str(),
            };
            // the canonical name is usually also the first variant: its text is stored once
            let (off, len) = if text == e.name {
                name
            } else {
                strings.push(Some(text))
            };
            let n = keys.items.len() as u32;
            put_u32(&mut variant_bytes, ei as u32);
            put_u32(&mut variant_bytes, off);
            put_u32(&mut variant_bytes, len);
            put_u32(&mut variant_bytes, s.flags);
            let slice = |(at, len): (usize, usize)| &chunk.bytes[at..at + len];
            keys.push(slice(s.key), n, ei as u32);
            if let Some(sk) = s.skeleton {
                skeletons.push(slice(sk), n, ei as u32);
            }
        }
    }
    drop(spellings);
    drop(chunks);
    // (key, variant) pairs are unique, so an unstable sort gives one order; the skeleton
    // postings follow the names' postings that are kept, and are numbered after them
    let (names_postings, ()) = rayon::join(
        || {
            keys.sort(&weights);
            key_groups(&keys).map(kept).sum::<usize>() as u32
        },
        || skeletons.sort(&weights),
    );
    let ((names, mut postings), (skeletons, skeleton_postings)) = rayon::join(
        || build_map(&keys, 0),
        || build_map(&skeletons, names_postings),
    );
    postings.extend_from_slice(&skeleton_postings);
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
        priors,
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
    let sum = checksum(&out);
    out[CHECKSUM_AT..CHECKSUM_AT + 4].copy_from_slice(&sum.to_le_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gazetteer::{Gazetteer, source};
    use std::path::Path;

    #[test]
    fn exact_only_spellings_that_fold_alike_are_all_kept() {
        let e =
            source::parse_str(Path::new("x.tsv"), "opec\tORG\t=أوبك\t=اوبك|اوبك|أوبك\n").unwrap();
        let g = Gazetteer::from_bytes(compile_entities(&e, &[])).unwrap();
        let mut v: Vec<(bool, &str)> = g.lookup("اوبك").iter().map(|v| (v.exact, v.text)).collect();
        v.sort();
        // the two folding spellings share a key and are stored once; both exact ones stay
        assert_eq!(v, [(false, "اوبك"), (true, "أوبك"), (true, "اوبك")]);
    }

    /// More entities than a chunk, with variants, exact-only spellings and demonyms.
    fn many() -> Vec<Entity> {
        let letters: Vec<char> = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي".chars().collect();
        let word = |i: usize, salt: usize| -> String {
            let n = letters.len();
            (0..4usize)
                .map(|k| letters[(i / n.pow(k as u32) + k * salt) % n])
                .collect()
        };
        let mut tsv = String::new();
        for i in 0..CHUNK * 2 + 37 {
            let (a, b) = (word(i, 1), word(i, 3));
            tsv.push_str(&format!("e{i}\tLOC\t{a} {b}\t{b}|={a}\tadj={a}ي\n"));
        }
        source::parse_str(Path::new("many.tsv"), &tsv).unwrap()
    }

    fn with_threads(n: usize, entities: &[Entity]) -> Vec<u8> {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .unwrap()
            .install(|| compile_entities(entities, &["على".into()]))
    }

    #[test]
    fn same_bytes_whatever_the_threads() {
        let entities = many();
        let one = with_threads(1, &entities);
        assert_eq!(one, with_threads(2, &entities));
        assert_eq!(one, with_threads(3, &entities));
    }

    #[test]
    fn a_key_leads_to_its_first_entities_only() {
        // each entity has the key twice (exact-only and folding), in the names fst, and once
        // in the skeletons fst
        let n = MAX_ENTITIES_PER_KEY + 50;
        let tsv: String = (0..n)
            .map(|i| format!("e{i}\tLOC\tسمرقند\t=سمرقند|e{i}\n"))
            .collect();
        let entities = source::parse_str(Path::new("k.tsv"), &tsv).unwrap();
        let g = Gazetteer::from_bytes(with_threads(2, &entities)).unwrap();
        assert_eq!(g.len(), n);
        let hits = g.lookup("سمرقند");
        assert_eq!(hits.len(), 2 * MAX_ENTITIES_PER_KEY);
        let mut ids: Vec<u32> = hits.iter().map(|h| h.entity).collect();
        ids.dedup();
        assert_eq!(ids, (0..MAX_ENTITIES_PER_KEY as u32).collect::<Vec<_>>());
        let skeleton = skeleton_key(&key_of("سمرقند")).unwrap();
        let value = g.skeletons().get(&skeleton).unwrap();
        assert_eq!(
            g.postings(value).map(|v| v.entity).collect::<Vec<_>>(),
            (0..MAX_ENTITIES_PER_KEY as u32).collect::<Vec<_>>()
        );
        // the other keys of the entities left out still lead to them
        let last = g.lookup(&format!("e{}", n - 1));
        assert_eq!(last.len(), 1);
        assert_eq!(g.entity(last[0].entity).unwrap().id, format!("e{}", n - 1));
    }

    #[test]
    fn every_spelling_across_chunks_round_trips() {
        let entities = many();
        let g = Gazetteer::from_bytes(with_threads(2, &entities)).unwrap();
        assert_eq!(g.len(), entities.len());
        for (i, e) in entities.iter().enumerate() {
            let got = g.entity(i as u32).unwrap();
            assert_eq!((got.id, got.name), (e.id.as_str(), e.name.as_str()));
            for v in &e.variants {
                let hits = g.lookup(&v.text);
                assert!(
                    hits.iter().any(|h| h.entity == i as u32
                        && h.text == v.text
                        && h.exact == v.exact
                        && !h.demonym),
                    "{} {}",
                    e.id,
                    v.text
                );
            }
            let adj = g.lookup(&e.demonyms[0]);
            assert!(adj.iter().any(|h| h.entity == i as u32 && h.demonym));
        }
        // the canonical name's text is stored once, for the entity and its variant
        let strings = g.strings.as_ref();
        let name = &entities[0].name;
        let count = strings
            .windows(name.len())
            .filter(|w| *w == name.as_bytes())
            .count();
        assert_eq!(count, 1);
    }
}
