//! The first two letters of every key of an fst, for walks that start at every word.
//!
//! The tagger starts an fst walk at every word start, for the whole word and for each proclitic
//! reading, and most walks fail within two letters. Stepping through an fst node means decoding
//! it, and an Arabic letter is two bytes, so a walk that fails at the second letter decodes
//! four or five nodes. [`Starts`] reads the top of the fst once, when the tagger is built, and
//! keeps, for every first character in ASCII or the Arabic block (U+0600–U+06FF), the node the
//! walk reaches after it and the set of characters that can follow it in some key. A walk then
//! begins at that node and is refused before any decoding when its second character cannot
//! follow. The same is kept one level down: for every two-character prefix of a key (both
//! tabled), the node after it and the characters that can follow it.
//!
//! Characters outside those two ranges are not tabled: a walk that starts with one begins at the
//! root, as before, and a second character outside them is never refused.

use fst::raw::{Fst, Node, Output};

/// Tabled characters: ASCII, then the Arabic block.
const SLOTS: usize = 128 + 256;
/// Words of a second-character set: one bit per slot, and one for "some other character".
const SET_WORDS: usize = SLOTS / 64 + 1;
/// The bit for characters outside the slots.
const OTHER: usize = SLOTS;
/// No key starts with this character.
const NONE: usize = usize::MAX;

/// The slot of a tabled character.
#[inline]
fn slot(c: char) -> Option<usize> {
    let u = c as usize;
    if u < 128 {
        Some(u)
    } else if (0x600..0x700).contains(&u) {
        Some(128 + u - 0x600)
    } else {
        None
    }
}

/// How a walk starts with a given first character.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Start {
    /// The character is not tabled: walk from the root.
    Root,
    /// No key starts with it.
    Never,
    /// Keys start with it: the node after it (its address) and the output so far; `slot`
    /// identifies it for [`Starts::may_follow`].
    Node {
        /// Address of the node after the first character.
        addr: usize,
        /// Output accumulated on the way.
        out: u64,
        /// The first character's slot.
        slot: usize,
    },
}

/// A prefix of keys: the node after it, the output on the way, the characters that follow it.
#[derive(Clone, Debug)]
pub(crate) struct Prefix {
    /// Address of the node after the prefix.
    pub addr: usize,
    /// Output accumulated on the way.
    pub out: u64,
    /// The characters that can follow, one bit per slot (and [`OTHER`]).
    follow: [u64; SET_WORDS],
}

impl Prefix {
    /// Can `next` follow this prefix in some key?
    #[inline]
    pub(crate) fn may_follow(&self, next: char) -> bool {
        has(&self.follow, slot(next).unwrap_or(OTHER))
    }
}

#[inline]
fn has(set: &[u64; SET_WORDS], bit: usize) -> bool {
    set[bit / 64] & (1 << (bit % 64)) != 0
}

/// The table of first characters and their followers for one fst (module docs).
#[derive(Clone, Debug)]
pub(crate) struct Starts {
    /// By slot: (node address after the character, output), `NONE` when no key starts with it.
    first: Box<[(usize, u64)]>,
    /// By slot of the first character: the set of characters that can follow it.
    follow: Box<[[u64; SET_WORDS]]>,
    /// By slot of the first character: where its two-character prefixes start in `pairs`.
    pair_base: Box<[u32]>,
    /// The two-character prefixes of tabled characters, by first slot, then second slot (the
    /// rank of the second character's bit in the first's `follow` set).
    pairs: Box<[Prefix]>,
}

impl Starts {
    /// Reads the top of `fst`.
    pub(crate) fn new<D: AsRef<[u8]>>(fst: &Fst<D>) -> Starts {
        let mut starts = Starts {
            first: vec![(NONE, 0); SLOTS].into_boxed_slice(),
            follow: vec![[0; SET_WORDS]; SLOTS].into_boxed_slice(),
            pair_base: vec![0; SLOTS].into_boxed_slice(),
            pairs: Box::default(),
        };
        let root = fst.root();
        let mut firsts = Vec::new();
        each_char(fst, &root, Output::zero(), &mut |c, node, out| {
            if let Some(s) = c.and_then(slot) {
                firsts.push((s, node.addr(), out.value()));
            }
        });
        firsts.sort_unstable();
        let mut pairs: Vec<(usize, usize, Prefix)> = Vec::new();
        for (s, addr, out) in firsts {
            starts.first[s] = (addr, out);
            let set = &mut starts.follow[s];
            each_char(
                fst,
                &fst.node(addr),
                Output::new(out),
                &mut |c, node, out| {
                    let bit = c.and_then(slot).unwrap_or(OTHER);
                    set[bit / 64] |= 1 << (bit % 64);
                    if bit != OTHER {
                        pairs.push((s, bit, prefix(fst, &node, out)));
                    }
                },
            );
        }
        pairs.sort_unstable_by_key(|(a, b, _)| (*a, *b));
        for (i, (s, _, _)) in pairs.iter().enumerate().rev() {
            starts.pair_base[*s] = i as u32;
        }
        starts.pairs = pairs.into_iter().map(|(_, _, p)| p).collect();
        starts
    }

    /// Does some key of `fst` (the fst this table was read from) start with `a` followed by
    /// `b`? The first two characters come from the table, the rest from the fst.
    pub(crate) fn has_prefix<D: AsRef<[u8]>>(&self, fst: &Fst<D>, a: &str, b: &str) -> bool {
        let mut chars = a.chars().chain(b.chars());
        let Some(c1) = chars.next() else {
            return true;
        };
        let (mut node, skip) = match self.start(c1) {
            Start::Never => return false,
            Start::Root => (fst.root(), 0),
            Start::Node { addr, slot: s, .. } => match chars.next() {
                None => return true,
                Some(c2) => match (slot(c2), self.pair(s, c2)) {
                    (Some(_), Some(p)) => (fst.node(p.addr), c1.len_utf8() + c2.len_utf8()),
                    (Some(_), None) => return false,
                    (None, _) if self.may_follow(s, c2) => (fst.node(addr), c1.len_utf8()),
                    (None, _) => return false,
                },
            },
        };
        // the bytes after what the table gave, across the two parts
        let skip_a = skip.min(a.len());
        let bytes = a.as_bytes()[skip_a..]
            .iter()
            .chain(&b.as_bytes()[skip - skip_a..]);
        for &byte in bytes {
            match node.find_input(byte) {
                Some(i) => node = fst.node(node.transition(i).addr),
                None => return false,
            }
        }
        true
    }

    /// The prefix `first` (a slot given by [`Start::Node`]) + `second`, when `second` is tabled
    /// and may follow.
    #[inline]
    pub(crate) fn pair(&self, first: usize, second: char) -> Option<&Prefix> {
        let bit = slot(second)?;
        let set = &self.follow[first];
        if !has(set, bit) {
            return None;
        }
        let below = (0..bit / 64).map(|w| set[w].count_ones()).sum::<u32>()
            + (set[bit / 64] & ((1u64 << (bit % 64)) - 1)).count_ones();
        self.pairs.get((self.pair_base[first] + below) as usize)
    }

    /// How a walk whose first character is `c` starts.
    #[inline]
    pub(crate) fn start(&self, c: char) -> Start {
        match slot(c) {
            None => Start::Root,
            Some(s) => match self.first[s] {
                (NONE, _) => Start::Never,
                (addr, out) => Start::Node { addr, out, slot: s },
            },
        }
    }

    /// Can `next` follow the first character of slot `first` in some key?
    #[inline]
    pub(crate) fn may_follow(&self, first: usize, next: char) -> bool {
        let bit = slot(next).unwrap_or(OTHER);
        self.follow[first][bit / 64] & (1 << (bit % 64)) != 0
    }
}

/// The prefix ending at `node`, with the characters that follow it.
fn prefix<D: AsRef<[u8]>>(fst: &Fst<D>, node: &Node<'_>, out: Output) -> Prefix {
    let mut follow = [0; SET_WORDS];
    each_char(fst, node, Output::zero(), &mut |c, _, _| {
        let bit = c.and_then(slot).unwrap_or(OTHER);
        follow[bit / 64] |= 1 << (bit % 64);
    });
    Prefix {
        addr: node.addr(),
        out: out.value(),
        follow,
    }
}

/// Calls `f(char, node after it, output)` for every character on a transition path out of
/// `node`: one byte for ASCII, two for the Arabic block; for any other lead byte, `f` gets
/// `None` (an untabled character) with the node after the lead byte.
fn each_char<'f, D: AsRef<[u8]>>(
    fst: &'f Fst<D>,
    node: &Node<'f>,
    out: Output,
    f: &mut impl FnMut(Option<char>, Node<'f>, Output),
) {
    for t in node.transitions() {
        let (next, out) = (fst.node(t.addr), out.cat(t.out));
        match t.inp {
            b @ 0..=0x7F => f(Some(b as char), next, out),
            lead @ 0xD8..=0xDB => {
                for t2 in next.transitions() {
                    let cp = ((lead as u32 & 0x1F) << 6) | (t2.inp as u32 & 0x3F);
                    let c = char::from_u32(cp).filter(|_| t2.inp & 0xC0 == 0x80);
                    f(c, fst.node(t2.addr), out.cat(t2.out));
                }
            }
            _ => f(None, next, out),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fst_of(keys: &[&str]) -> Fst<Vec<u8>> {
        let mut keys: Vec<&str> = keys.to_vec();
        keys.sort();
        let mut b = fst::raw::Builder::memory();
        for (i, k) in keys.iter().enumerate() {
            b.insert(k, i as u64 + 1).unwrap();
        }
        Fst::new(b.into_inner().unwrap()).unwrap()
    }

    /// What a plain walk from the root finds after `prefix`: the node address and output.
    fn walk(fst: &Fst<Vec<u8>>, prefix: &str) -> Option<(usize, u64)> {
        let mut node = fst.root();
        let mut out = Output::zero();
        for b in prefix.bytes() {
            let t = node.transition(node.find_input(b)?);
            out = out.cat(t.out);
            node = fst.node(t.addr);
        }
        Some((node.addr(), out.value()))
    }

    #[test]
    fn starts_agree_with_a_plain_walk() {
        let keys = ["باكو", "بوتين", "a b", "ام", "é", "ب"];
        let f = fst_of(&keys);
        let s = Starts::new(&f);
        for c in ['ب', 'a', 'ا', 'ك', 'z', ' '] {
            match (s.start(c), walk(&f, &c.to_string())) {
                (Start::Node { addr, out, .. }, Some(w)) => assert_eq!((addr, out), w, "{c}"),
                (Start::Never, None) => {}
                (got, want) => panic!("{c}: {got:?} against {want:?}"),
            }
        }
        assert_eq!(s.start('é'), Start::Root);
    }

    #[test]
    fn followers() {
        let f = fst_of(&["باكو", "بوتين", "ب x", "بé", "ام"]);
        let s = Starts::new(&f);
        let Start::Node { slot: b, .. } = s.start('ب') else {
            panic!("ب starts keys");
        };
        for (c, yes) in [
            ('ا', true),
            ('و', true),
            (' ', true),
            ('ت', false),
            ('x', false),
        ] {
            assert_eq!(s.may_follow(b, c), yes, "ب then {c}");
        }
        // an untabled character after ب exists (é), so every untabled one may follow
        assert!(s.may_follow(b, 'ü'));
        let Start::Node { slot: a, .. } = s.start('ا') else {
            panic!("ا starts keys");
        };
        assert!(!s.may_follow(a, 'ü'));
    }

    #[test]
    fn pairs_agree_with_a_plain_walk() {
        let keys = ["باكو", "بوتين", "ب x", "بé", "ام", "امم", "zz", "za b", "ا"];
        let f = fst_of(&keys);
        let s = Starts::new(&f);
        for a in ['ب', 'ا', 'z', 'q'] {
            for b in ['ا', 'و', ' ', 'م', 'z', 'a', 'é', 'ت'] {
                let got = match s.start(a) {
                    Start::Node { slot, .. } => s.pair(slot, b).map(|p| (p.addr, p.out)),
                    _ => None,
                };
                let want = if b == 'é' {
                    None
                } else {
                    walk(&f, &format!("{a}{b}"))
                };
                assert_eq!(got, want, "{a}{b}");
                if let Some(p) = s.pair_slot(a, b) {
                    for c in ['ك', 'ت', 'م', ' ', 'b', 'x'] {
                        let want = walk(&f, &format!("{a}{b}{c}")).is_some();
                        assert_eq!(p.may_follow(c), want, "{a}{b} then {c}");
                    }
                }
            }
        }
    }

    #[test]
    fn prefixes_agree_with_a_plain_walk() {
        let keys = [
            "باكو",
            "بوتين",
            "ب x",
            "بé",
            "ام",
            "امم",
            "zz",
            "za b",
            "ا",
            "éa",
        ];
        let f = fst_of(&keys);
        let s = Starts::new(&f);
        let probes = [
            "",
            "ب",
            "با",
            "باك",
            "باكو",
            "باكوو",
            "بو",
            "بت",
            "ب ",
            "ب x",
            "بé",
            "بü",
            "ا",
            "ام",
            "امم",
            "اممم",
            "z",
            "za",
            "za ",
            "za b",
            "é",
            "éa",
            "éb",
            "q",
        ];
        for p in probes {
            let want = keys.iter().any(|k| k.starts_with(p));
            for cut in p.char_indices().map(|(i, _)| i).chain([p.len()]) {
                let (a, b) = p.split_at(cut);
                assert_eq!(s.has_prefix(&f, a, b), want, "{a:?} + {b:?}");
            }
        }
    }

    impl Starts {
        fn pair_slot(&self, a: char, b: char) -> Option<&Prefix> {
            match self.start(a) {
                Start::Node { slot, .. } => self.pair(slot, b),
                _ => None,
            }
        }
    }
}
