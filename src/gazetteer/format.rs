//! The binary layout of a compiled gazetteer (an "index").
//!
//! ```text
//! header (HEADER_LEN bytes, little endian)
//!   0  magic            8 bytes  b"GAZTAGIX"
//!   8  format version   u32      FORMAT_VERSION
//!  12  normalizer ver.  u32      crate::normalize::VERSION at build time
//!  16  checksum         u32      CRC-32 of every byte of the index, these four as zeros
//!  20  reserved         u32      0
//!  24  section lengths  9 × u64  names fst, common-words fst, postings, variants, entities,
//!                               strings, skeletons fst, name-words fst, priors
//! body: the nine sections, back to back, in that order
//! ```
//!
//! * **names fst**: folded key → `(first posting << 32) | posting count`.
//! * **common-words fst**: a set of lightly normalized common words.
//! * **postings**: `u32` variant indexes; a key's postings are the variants that fold onto it,
//!   the entities of larger prior weight first (then in source order).
//! * **variants**: records of 4 × `u32`: entity index, text offset, text length, flags (bit 0:
//!   exact-only; bit 1: demonym; bit 2: short form, valid only after the full name).
//! * **entities**: records of 9 × `u32`: type code, then offset and length of id, name, English
//!   name and Wikidata id in the strings section (length 0: absent).
//! * **strings**: UTF-8 text, referenced by offset and length.
//! * **skeletons fst**: consonant skeleton of a key (see `normalize::skeleton_word`) →
//!   packed postings, like the names fst, for `tag --fuzzy`. Only keys of at least
//!   [`FUZZY_MIN_LETTERS`] letters whose skeleton keeps at least [`FUZZY_MIN_SKELETON`] letters
//!   are in it; exact-only variants, demonyms and short forms never are.
//! * **name-words fst**: folded word (or title, several words) → flags of the lists it is in
//!   ([`WORD_GIVEN`], [`WORD_PART`], [`WORD_TITLE`], [`WORD_SURNAME`],
//!   [`WORD_FOREIGN_GIVEN`]), for the person-name rules.
//! * **priors**: one record of [`PRIOR_LEN`] bytes per entity, in entity order: its prior
//!   weight as `u64` (the source's `weight=`, 1 without it), then offset and length (`u32`
//!   each) of its GeoNames id in the strings section (length 0: absent).
//!
//! Strings may be shared: a variant spelled like its entity's canonical name points at the
//! name's bytes.
//!
//! Everything is read in place, and an index file is memory-mapped. Every load checks the
//! header, the versions and the section lengths (they must add up to the file's size), then
//! the checksum over every byte, header included ([`checksum`]; CRC-32 runs at several GB/s:
//! about 30 ms for a 220 MB index on one core), then the structure of every section
//! (`validate`: fst nodes, record references and string bounds), so that a damaged index is
//! refused and a crafted one (its checksum recomputed) can neither panic nor loop. Only the
//! embedded default, compiled into the binary by `build.rs`, skips the structural checks.
//! This module needs only std and crc32fast: `build.rs` includes it.

/// First bytes of every index file.
pub const MAGIC: &[u8; 8] = b"GAZTAGIX";
/// Version of this layout. Bump it on any change.
pub const FORMAT_VERSION: u32 = 5;
/// Size of the header in bytes.
pub const HEADER_LEN: usize = 24 + SECTIONS * 8;
/// Number of sections in the body.
pub const SECTIONS: usize = 9;
/// Bytes per variant record.
pub const VARIANT_LEN: usize = 16;
/// Bytes per entity record.
pub const ENTITY_LEN: usize = 36;
/// Bytes per prior record (weight, GeoNames id).
pub const PRIOR_LEN: usize = 16;
/// The prior weight of an entity whose source gives no `weight=`.
pub const DEFAULT_WEIGHT: u64 = 1;
/// The largest prior weight: the sources' `weight=` has at most 19 digits, so that an index
/// exports to sources that load again. A crafted index with more is refused.
pub const MAX_WEIGHT: u64 = 9_999_999_999_999_999_999;
/// Variant flag: matched only when spelled exactly.
pub const FLAG_EXACT: u32 = 1;
/// Variant flag: an adjective (nisba) form of the entity, matched only with demonyms on.
pub const FLAG_DEMONYM: u32 = 2;
/// Variant flag: a short form, valid only after the entity's full name in the same document.
pub const FLAG_SHORT: u32 = 4;

/// Name-word flag: a given name.
pub const WORD_GIVEN: u64 = 1;
/// Name-word flag: a part of person names.
pub const WORD_PART: u64 = 2;
/// Name-word flag: a person title.
pub const WORD_TITLE: u64 = 4;
/// Name-word flag: a family name (surname) of people.
pub const WORD_SURNAME: u64 = 8;
/// Name-word flag: a given name of another language, no Arabic word (فلاديمير, جون).
pub const WORD_FOREIGN_GIVEN: u64 = 16;

/// Section indexes.
pub const NAMES: usize = 0;
/// The common-words section.
pub const COMMON: usize = 1;
/// The postings section.
pub const POSTINGS: usize = 2;
/// The variants section.
pub const VARIANTS: usize = 3;
/// The entities section.
pub const ENTITIES: usize = 4;
/// The strings section.
pub const STRINGS: usize = 5;
/// The skeleton fst section.
pub const SKELETONS: usize = 6;
/// The name-words fst section.
pub const NAME_WORDS: usize = 7;
/// The priors section (weights and GeoNames ids, per entity).
pub const PRIORS: usize = 8;

/// Fewest letters a key needs to be matched fuzzily.
pub const FUZZY_MIN_LETTERS: usize = 4;
/// Fewest letters a key's skeleton needs to be matched fuzzily.
pub const FUZZY_MIN_SKELETON: usize = 3;

/// Where the checksum is in the header.
pub const CHECKSUM_AT: usize = 16;

/// Indexes from this size up are checksummed in two halves on two threads.
pub const PARALLEL_CHECKSUM_MIN: usize = 16 << 20;

/// The CRC-32 of an index: of every byte, the header included, with the four bytes of the
/// checksum itself read as zeros. `index` holds at least the header.
///
/// From [`PARALLEL_CHECKSUM_MIN`] bytes up, the second half is checksummed on a second thread
/// and the two CRCs combined (the same value; 220 MB: about 30 ms on one core, half that
/// on two).
pub fn checksum(index: &[u8]) -> u32 {
    let mut h = crc32fast::Hasher::new();
    h.update(&index[..CHECKSUM_AT]);
    h.update(&[0; 4]);
    let body = &index[CHECKSUM_AT + 4..];
    if body.len() >= PARALLEL_CHECKSUM_MIN {
        let (first, second) = body.split_at(body.len() / 2);
        let done = std::thread::scope(|s| {
            let crc = |part: &[u8]| {
                let mut h = crc32fast::Hasher::new();
                h.update(part);
                h
            };
            // no thread to be had: one after the other
            let other = std::thread::Builder::new()
                .spawn_scoped(s, move || crc(second))
                .ok()?;
            h.update(first);
            other.join().ok()
        });
        match done {
            Some(rest) => h.combine(&rest),
            None => {
                h = crc32fast::Hasher::new();
                h.update(&index[..CHECKSUM_AT]);
                h.update(&[0; 4]);
                h.update(body);
            }
        }
    } else {
        h.update(body);
    }
    h.finalize()
}

/// The most postings a key's packed value may name: [`MAX_ENTITIES_PER_KEY`] entities, each
/// with up to a thousand spellings (the sources' limit) that fold onto the key. A crafted
/// value naming more is cut to this many.
///
/// [`MAX_ENTITIES_PER_KEY`]: super::compile::MAX_ENTITIES_PER_KEY
pub const MAX_POSTINGS_PER_KEY: u32 = 256 * 1000;

/// Reads the little-endian `u32` at `at`.
#[inline]
pub fn u32_at(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(bytes[at..at + 4].try_into().expect("4 bytes"))
}

/// Reads the little-endian `u64` at `at`.
#[inline]
pub fn u64_at(bytes: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(bytes[at..at + 8].try_into().expect("8 bytes"))
}

/// Packs a posting range into an fst value.
#[inline]
pub fn pack_postings(first: u32, count: u32) -> u64 {
    (u64::from(first) << 32) | u64::from(count)
}

/// Unpacks an fst value into `(first posting, count)`.
#[inline]
pub fn unpack_postings(value: u64) -> (u32, u32) {
    ((value >> 32) as u32, value as u32)
}
