//! Structural checks of an index's sections, run on every load after the checksum.
//!
//! The checksum tells damage apart from what gaztag wrote; it cannot tell a crafted index (one
//! whose checksum was recomputed after changing it) from a good one. These checks make sure
//! that nothing read later can go out of bounds, loop or panic, whatever the bytes:
//!
//! * every fst ([`fst_nodes`]): each node from the root down parses within the section, with
//!   packed sizes the fst crate accepts, and each transition leads to the start of a node
//!   written before it (so the graph has no cycle and no walk reads outside it). The fst crate
//!   itself checks little more than the footer; a mutated node makes it index out of bounds.
//! * the record sections ([`records`]): every posting names a variant, every variant an
//!   entity and a string of valid UTF-8 inside the strings section, every entity a known type
//!   and strings inside that section; the priors section has one record per entity, each
//!   weight is one the sources can write (at most [`MAX_WEIGHT`]) and each GeoNames id is a
//!   string of ASCII digits inside the strings section.
//!
//! Each check is one pass over its section, and allocates at most a bit per fst byte.

use super::format::*;

/// The fst format version this checks (the fst crate's `raw::VERSION`).
const FST_VERSION: u64 = 3;
/// Bytes before the first node: the version and the type.
const FST_HEADER: usize = 16;
/// Bytes after the root node: the key count, the root address and a checksum.
const FST_FOOTER: usize = 20;
/// Nodes with more transitions than this carry a 256-byte index of their inputs.
const TRANS_INDEX_THRESHOLD: usize = 32;

/// A set of byte addresses.
struct Bits(Vec<u64>);

impl Bits {
    fn new(len: usize) -> Bits {
        Bits(vec![0; len.div_ceil(64)])
    }
    fn set(&mut self, i: usize) {
        self.0[i / 64] |= 1 << (i % 64);
    }
    /// Whether every address in `self` is in `other`.
    fn within(&self, other: &Bits) -> bool {
        self.0.iter().zip(&other.0).all(|(a, b)| a & !b == 0)
    }
}

/// Checks the nodes of the fst in `bytes` (see the module docs).
///
/// # Errors
/// What is wrong, and where.
pub fn fst_nodes(bytes: &[u8]) -> Result<(), String> {
    let len = bytes.len();
    if len < FST_HEADER + FST_FOOTER {
        return Err(format!("{len} bytes: too short for an fst"));
    }
    let version = u64_at(bytes, 0);
    if version != FST_VERSION {
        return Err(format!("fst version {version}, expected {FST_VERSION}"));
    }
    let root = u64_at(bytes, len - 12);
    if root == 0 {
        // the empty fst: a final root without transitions, and no node
        return if len == FST_HEADER + FST_FOOTER {
            Ok(())
        } else {
            Err("an empty fst with nodes".into())
        };
    }
    if root != (len - FST_FOOTER - 1) as u64 {
        return Err(format!("root address {root} is not the last node"));
    }
    let mut starts = Bits::new(len);
    let mut targets = Bits::new(len);
    // nodes are written back to back, each ending at its address; walk them down from the root
    let mut addr = root as usize;
    loop {
        let end = node(bytes, addr, &mut targets).map_err(|e| format!("node at {addr}: {e}"))?;
        starts.set(addr);
        if end == FST_HEADER {
            break;
        }
        addr = end - 1;
    }
    if !targets.within(&starts) {
        return Err("a transition leads into the middle of a node".into());
    }
    Ok(())
}

/// Checks the node at `addr` (the address of its last byte), records where its transitions
/// lead in `targets`, and returns the address of its first byte.
fn node(data: &[u8], addr: usize, targets: &mut Bits) -> Result<usize, String> {
    // every byte read is at `FST_HEADER` or above and at `addr` or below
    let below = |n: usize| -> Result<usize, String> {
        addr.checked_sub(n)
            .filter(|&a| a >= FST_HEADER)
            .ok_or_else(|| "runs past the start of the fst".to_owned())
    };
    let state = data[addr];
    let common = state & 0b11_1111 != 0;
    let mut lead = |end: usize, to: usize| -> Result<(), String> {
        if to >= end {
            return Err(format!("a transition to {to}, not below the node"));
        }
        targets.set(to);
        Ok(())
    };
    match state >> 6 {
        0b11 => {
            // one transition to the node just below, no output
            let end = below(usize::from(!common))?;
            if end == FST_HEADER {
                return Err("its transition leads below the first node".into());
            }
            lead(end, end - 1)?;
            Ok(end)
        }
        0b10 => {
            // one transition, with an address and maybe an output
            let input_len = usize::from(!common);
            let sizes = data[below(input_len + 1)?];
            let (tsize, osize) = pack_sizes(sizes)?;
            if tsize == 0 {
                return Err("a transition address of 0 bytes".into());
            }
            let end = below(input_len + 1 + tsize + osize)?;
            let at = below(input_len + 1 + tsize)?;
            let delta = unpack(&data[at..], tsize);
            if delta != 0 {
                lead(end, target(end, delta)?)?;
            }
            Ok(end)
        }
        _ => {
            let is_final = state & 0b0100_0000 != 0;
            let (ntrans, ntrans_len) = match state & 0b11_1111 {
                0 => match data[below(1)?] {
                    1 => (256, 1),
                    n => (usize::from(n), 1),
                },
                n => (usize::from(n), 0),
            };
            let sizes = data[below(ntrans_len + 1)?];
            let (tsize, osize) = pack_sizes(sizes)?;
            if ntrans > 0 && tsize == 0 {
                return Err("transition addresses of 0 bytes".into());
            }
            let index = if ntrans > TRANS_INDEX_THRESHOLD {
                256
            } else {
                0
            };
            let trans = ntrans + ntrans * tsize + index;
            let end =
                below(ntrans_len + 1 + trans + ntrans * osize + usize::from(is_final) * osize)?;
            for i in 0..ntrans {
                let at = below(ntrans_len + 1 + index + ntrans + i * tsize + tsize)?;
                let delta = unpack(&data[at..], tsize);
                if delta != 0 {
                    lead(end, target(end, delta)?)?;
                }
            }
            Ok(end)
        }
    }
}

/// The transition and output pack sizes of a node, each at most 8 bytes.
fn pack_sizes(byte: u8) -> Result<(usize, usize), String> {
    let (tsize, osize) = (usize::from(byte >> 4), usize::from(byte & 0xF));
    if tsize > 8 || osize > 8 {
        return Err(format!("pack sizes {tsize} and {osize}: at most 8"));
    }
    Ok((tsize, osize))
}

/// The address `delta` bytes below `end`.
fn target(end: usize, delta: u64) -> Result<usize, String> {
    usize::try_from(delta)
        .ok()
        .and_then(|d| end.checked_sub(d))
        .ok_or_else(|| format!("a transition {delta} bytes back, before the fst"))
}

/// The little-endian number in the first `n` bytes (1 to 8) of `bytes`.
fn unpack(bytes: &[u8], n: usize) -> u64 {
    bytes[..n]
        .iter()
        .rev()
        .fold(0, |v, &b| (v << 8) | u64::from(b))
}

/// Checks the postings, variants, entities and priors against each other and the strings
/// (see the module docs).
///
/// # Errors
/// What is wrong, and where.
pub fn records(
    postings: &[u8],
    variants: &[u8],
    entities: &[u8],
    strings: &[u8],
    priors: &[u8],
) -> Result<(), String> {
    let n_variants = variants.len() / VARIANT_LEN;
    let n_entities = entities.len() / ENTITY_LEN;
    if n_variants > u32::MAX as usize || n_entities > u32::MAX as usize {
        return Err("more than 2^32 records".into());
    }
    for (i, p) in postings.chunks_exact(4).enumerate() {
        let v = u32_at(p, 0);
        if v as usize >= n_variants {
            return Err(format!("posting {i} names variant {v} of {n_variants}"));
        }
    }
    // the section is text as a whole (checked at once, at memory speed), and each string
    // starts and ends on a character boundary in it; what a string belongs to is named only
    // when it is wrong (no allocation per record)
    let text = std::str::from_utf8(strings).map_err(|e| {
        format!(
            "the strings are not UTF-8 (byte {} of the section)",
            e.valid_up_to()
        )
    })?;
    let string = |what: &dyn Fn() -> String, off: u32, len: u32| -> Result<(), String> {
        let (from, to) = (off as usize, off as usize + len as usize);
        if to > text.len() {
            return Err(format!(
                "{}: a string at {off}+{len}, past the strings",
                what()
            ));
        }
        if !text.is_char_boundary(from) || !text.is_char_boundary(to) {
            return Err(format!(
                "{}: a string at {off}+{len} that cuts a character",
                what()
            ));
        }
        Ok(())
    };
    for (i, r) in variants.chunks_exact(VARIANT_LEN).enumerate() {
        let e = u32_at(r, 0);
        if e as usize >= n_entities {
            return Err(format!("variant {i} names entity {e} of {n_entities}"));
        }
        string(&|| format!("variant {i}"), u32_at(r, 4), u32_at(r, 8))?;
    }
    for (i, r) in entities.chunks_exact(ENTITY_LEN).enumerate() {
        let code = u32_at(r, 0);
        if super::EntityType::from_code(code).is_none() {
            return Err(format!("entity {i} has type code {code}"));
        }
        for f in 0..4 {
            string(
                &|| format!("entity {i}"),
                u32_at(r, 4 + 8 * f),
                u32_at(r, 8 + 8 * f),
            )?;
        }
    }
    if priors.len() != n_entities * PRIOR_LEN {
        return Err(format!(
            "priors section of {} bytes for {n_entities} entities",
            priors.len()
        ));
    }
    for (i, r) in priors.chunks_exact(PRIOR_LEN).enumerate() {
        let weight = u64_at(r, 0);
        if weight > MAX_WEIGHT {
            return Err(format!(
                "entity {i}: prior weight {weight}, more than the sources can write ({MAX_WEIGHT})"
            ));
        }
        let (off, len) = (u32_at(r, 8), u32_at(r, 12));
        string(&|| format!("entity {i}'s GeoNames id"), off, len)?;
        let id = &text.as_bytes()[off as usize..off as usize + len as usize];
        if !id.iter().all(u8::is_ascii_digit) {
            return Err(format!(
                "entity {i}: a GeoNames id at {off}+{len} that is not digits"
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fst_of(keys: &[&str]) -> Vec<u8> {
        let mut keys = keys.to_vec();
        keys.sort();
        fst::Map::from_iter(keys.iter().enumerate().map(|(i, k)| (*k, i as u64 * 1000)))
            .unwrap()
            .into_fst()
            .into_inner()
    }

    #[test]
    fn good_fsts_pass() {
        fst_nodes(&fst_of(&[])).unwrap();
        fst_nodes(&fst_of(&["a"])).unwrap();
        // a node with more than 32 transitions has an index table
        let many: Vec<String> = (0..300)
            .map(|i| format!("{}{i}", (b'!' + (i % 90) as u8) as char))
            .collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        let mut sorted = many.clone();
        sorted.sort();
        sorted.dedup();
        fst_nodes(&fst_of(&sorted)).unwrap();
        fst_nodes(
            super::super::Gazetteer::embedded()
                .names()
                .as_fst()
                .as_bytes(),
        )
        .unwrap();
    }

    /// Every one-byte change of a small fst either fails the check or leaves an fst that the
    /// fst crate walks without panicking.
    #[test]
    fn every_mutation_is_refused_or_harmless() {
        use fst::Streamer;
        let good = fst_of(&["باكو", "بغداد", "موسكو", "موس", "بوتين", "a", "ab", "abc"]);
        for at in 0..good.len() {
            for v in [
                0u8,
                1,
                0x3F,
                0x40,
                0x7F,
                0x80,
                0xC0,
                0xFF,
                good[at] ^ 1,
                good[at] ^ 0x10,
            ] {
                let mut bad = good.clone();
                bad[at] = v;
                if fst_nodes(&bad).is_err() {
                    continue;
                }
                let Ok(map) = fst::Map::new(bad) else {
                    continue;
                };
                let mut s = map.stream();
                let mut n = 0;
                while s.next().is_some() {
                    n += 1;
                    assert!(n < 10_000, "a cycle at byte {at} = {v}");
                }
                for k in ["باكو", "موس", "x", "abc"] {
                    let _ = map.get(k);
                }
            }
        }
    }

    /// An index of two entities, one with a GeoNames id and a weight.
    fn index() -> Vec<u8> {
        let tsv = "baku\tLOC\tباكو\t\tgeonames=587084\tweight=2300000\nali\tPER\tعلي\n";
        super::super::compile::compile_entities(
            &super::super::source::parse_str(std::path::Path::new("t.tsv"), tsv).unwrap(),
            &[],
        )
    }

    /// Where section `i` starts in `index`.
    fn section_at(index: &[u8], i: usize) -> usize {
        HEADER_LEN
            + (0..i)
                .map(|s| u64_at(index, 24 + 8 * s) as usize)
                .sum::<usize>()
    }

    /// `index` with `bytes` written at `at`, and its checksum recomputed (a crafted index).
    fn crafted(index: &[u8], at: usize, bytes: &[u8]) -> Result<super::super::Gazetteer, String> {
        let mut bad = index.to_vec();
        bad[at..at + bytes.len()].copy_from_slice(bytes);
        let sum = checksum(&bad);
        bad[CHECKSUM_AT..CHECKSUM_AT + 4].copy_from_slice(&sum.to_le_bytes());
        super::super::Gazetteer::from_bytes(bad).map_err(|e| e.to_string())
    }

    /// Every field of a prior record is checked: these crafted indexes used to load, and gave
    /// a GeoNames id of `\u{FFFD}` (past the strings, or cutting a character), an id of
    /// letters, or a weight that `gazetteer export` writes and the sources refuse.
    #[test]
    fn crafted_priors_are_refused() {
        let good = index();
        let g = super::super::Gazetteer::from_bytes(good.clone()).unwrap();
        let baku = g.entity(0).unwrap();
        assert_eq!((baku.geonames, baku.weight), (Some("587084"), 2300000));
        let priors = section_at(&good, PRIORS);
        let strings = section_at(&good, STRINGS);
        let n_strings = section_at(&good, SKELETONS) - strings;
        // the offset of baku's id in the strings, and of the Arabic name (two-byte letters)
        let geo = u32_at(&good, priors + 8);
        let text = &good[strings..strings + n_strings];
        let arabic = text.windows(2).position(|w| w == "ب".as_bytes()).unwrap() as u32;
        for (at, bytes, want) in [
            (
                priors,
                (MAX_WEIGHT + 1).to_le_bytes().to_vec(),
                "prior weight",
            ),
            (priors, u64::MAX.to_le_bytes().to_vec(), "prior weight"),
            (
                priors + 8,
                (n_strings as u32).to_le_bytes().to_vec(),
                "past the strings",
            ),
            (
                priors + 8,
                u32::MAX.to_le_bytes().to_vec(),
                "past the strings",
            ),
            (
                priors + 12,
                u32::MAX.to_le_bytes().to_vec(),
                "past the strings",
            ),
            (
                priors + 8,
                (arabic + 1).to_le_bytes().to_vec(),
                "cuts a character",
            ),
            (priors + 8, arabic.to_le_bytes().to_vec(), "not digits"),
            // the second entity has no id: a length without an offset is checked too
            (
                priors + PRIOR_LEN + 12,
                1000u32.to_le_bytes().to_vec(),
                "past the strings",
            ),
        ] {
            let err = crafted(&good, at, &bytes).err().unwrap_or_else(|| {
                panic!("accepted: {bytes:?} at {at} (prior section at {priors}, id at {geo})")
            });
            assert!(
                err.contains(want) && err.contains("crafted or mis-built"),
                "{want}: {err}"
            );
        }
        // the largest weight the sources write still loads
        let g = crafted(&good, priors, &MAX_WEIGHT.to_le_bytes()).unwrap();
        assert_eq!(g.entity(0).unwrap().weight, MAX_WEIGHT);
    }

    /// A priors section of another size than one record per entity is refused, whichever
    /// neighbour the bytes are taken from (the section lengths are in the header).
    #[test]
    fn a_priors_section_of_the_wrong_size_is_refused() {
        let good = index();
        let len_at = 24 + 8 * PRIORS;
        let mut bad = good.clone();
        // one record fewer: move 16 bytes from the priors to the name-words fst
        let n = u64_at(&good, len_at);
        bad[len_at..len_at + 8].copy_from_slice(&(n - PRIOR_LEN as u64).to_le_bytes());
        let words_at = 24 + 8 * NAME_WORDS;
        let w = u64_at(&good, words_at);
        bad[words_at..words_at + 8].copy_from_slice(&(w + PRIOR_LEN as u64).to_le_bytes());
        let err = crafted(&bad, 0, &[]).map(drop).expect_err("refused");
        assert!(
            err.contains("name words") || err.contains("priors section"),
            "{err}"
        );
        // the whole index without its last prior record (header adjusted)
        let mut short = good[..good.len() - PRIOR_LEN].to_vec();
        short[len_at..len_at + 8].copy_from_slice(&(n - PRIOR_LEN as u64).to_le_bytes());
        let err = crafted(&short, 0, &[]).map(drop).expect_err("refused");
        assert!(
            err.contains("priors section of 16 bytes for 2 entities"),
            "{err}"
        );
    }
}
