//! The walks of a word, remembered: most of a corpus is the same few thousand words again.
//!
//! What the fst walks find from a place in a word, through every proclitic reading and every
//! layer, up to the end of the word, depends only on the folded text from that place to the
//! end of the word. The tagger remembers it per text, the first time it walks it, as offsets
//! from the place: the keys that end inside the word or with it, and the walks that reach the
//! end of the word on a node a space may follow (a key that goes on into the next word), as
//! their state there. Later it reads them back instead of walking (one hash lookup per word
//! start instead of ~2.5 walks of a few node steps each) and walks on only from those states.
//! With `--fuzzy` the skeleton walks from a word's start and its one-edit keys are remembered
//! the same way, per folded word.
//!
//! The memory is per thread and per tagger (a tagger's layers never change), and bounded: once
//! it holds [`MAX_WORDS`] texts it remembers no more (the frequent words come early, and a
//! small memory stays in cache: at 2^18 texts the lookups missed the cache so often that the
//! run took 30 % more time than at 2^15 for 3 % fewer instructions).

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::rc::Rc;

use super::FuzzyRead;
use crate::annotation::Mention;
use crate::segment::Clitic;

/// How many distinct texts one thread remembers (~60 bytes each, and 32 per event: most
/// texts have none), and as many common-word answers.
pub(crate) const MAX_WORDS: usize = 1 << 15;

/// What one walk from a remembered text found, relative to the place the walks started from.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Event {
    /// The layer walked.
    pub(crate) layer: u32,
    /// The proclitic reading walked.
    pub(crate) clitic: Option<&'static Clitic>,
    /// Offset of the name's start (after the clitic) from the place.
    pub(crate) start: u32,
    /// What was found.
    pub(crate) what: What,
}

/// What a walk found inside the word.
#[derive(Clone, Copy, Debug)]
pub(crate) enum What {
    /// A key ending at offset `end` from the place.
    Hit { end: u32, value: u64 },
    /// A one-word key one edit from the word's skeleton (fuzzy matching), ending with the word.
    Edit { value: u64 },
    /// A walk that reached the end of the word on a node a space may follow: its state there,
    /// to go on from into the next words.
    End(State),
}

/// The state of a walk stopped at the end of a word (see `Walk` in the tagger).
#[derive(Clone, Copy, Debug)]
pub(crate) struct State {
    /// The fst node reached.
    pub(crate) node: usize,
    /// The output gathered so far.
    pub(crate) out: u64,
    /// Letters since the last word boundary.
    pub(crate) part: u32,
    /// Letters since the start of the name.
    pub(crate) total: u32,
}

/// What the walks from a text found, in the order they found it.
pub(crate) type Walked = Box<[Event]>;

/// One thread's memory of one tagger's walks.
#[derive(Default)]
struct Memo {
    /// The tagger it belongs to ([`super::Tagger`]'s id).
    tagger: u64,
    words: HashMap<Box<str>, Walked, BuildHasherDefault<WordHasher>>,
    /// Lightly normalized surfaces → is it a common word of some layer?
    common: HashMap<Box<str>, bool, BuildHasherDefault<WordHasher>>,
    /// Folded words → does an entry of the name rules' lists start with one of its readings
    /// (`Names::could_start_list_entry`)?
    list_starts: HashMap<Box<str>, bool, BuildHasherDefault<WordHasher>>,
    /// Folded words → is one of their readings the first word of a title
    /// (`Names::could_start_title`)?
    title_starts: HashMap<Box<str>, bool, BuildHasherDefault<WordHasher>>,
    /// Folded name lines → their fuzzy mention, if any (`Tagger::nearest_line`), as found at
    /// the line's first occurrence (its offsets and text are that occurrence's).
    lines: HashMap<Box<str>, Option<Mention>, BuildHasherDefault<WordHasher>>,
    /// Original words → what fuzzy matching may make of them (`Tagger::fuzzy_prospects`).
    fuzzy_shapes: HashMap<Box<str>, Option<bool>, BuildHasherDefault<WordHasher>>,
    /// Folded words → what the skeleton walks from their start found
    /// (`Tagger::collect_skeleton`): `[0]` without the one-edit keys, `[1]` with them.
    skeletons: [HashMap<Box<str>, Walked, BuildHasherDefault<WordHasher>>; 2],
    /// Fuzzy hits (original text, proclitic, layer, key, way) → what they may be read as
    /// whatever the words around them (`Tagger::fuzzy_reads`).
    fuzzy_reads: HashMap<Box<str>, Rc<[FuzzyRead]>, BuildHasherDefault<WordHasher>>,
}

impl Memo {
    /// This thread's memory, emptied first if it belongs to another tagger.
    fn of(&mut self, tagger: u64) -> &mut Memo {
        if self.tagger != tagger {
            self.words.clear();
            self.common.clear();
            self.list_starts.clear();
            self.title_starts.clear();
            self.lines.clear();
            self.fuzzy_shapes.clear();
            self.skeletons.iter_mut().for_each(HashMap::clear);
            self.fuzzy_reads.clear();
            self.tagger = tagger;
        }
        self
    }
}

thread_local! {
    static MEMO: RefCell<Memo> = RefCell::new(Memo::default());
}

/// Reads what tagger `tagger` found from `text` on this thread, if remembered: `f(Some(walked))`;
/// else `f(None)`, which returns what to remember. `f` runs while the memory is borrowed (the
/// remembered walks are read in place, not copied), so it must not ask the memory itself: the
/// walks and their replay never do.
pub(crate) fn with<R>(
    tagger: u64,
    text: &str,
    f: impl FnOnce(Option<&Walked>) -> (R, Option<Walked>),
) -> R {
    walked(tagger, text, |m| &mut m.words, f)
}

/// [`with`] for the skeleton walks (fuzzy matching) from the start of the folded word
/// `word`, with (`edits`) or without the one-edit keys.
pub(crate) fn with_skeleton<R>(
    tagger: u64,
    edits: bool,
    word: &str,
    f: impl FnOnce(Option<&Walked>) -> (R, Option<Walked>),
) -> R {
    walked(tagger, word, |m| &mut m.skeletons[usize::from(edits)], f)
}

/// [`with`] over the map `map` picks.
fn walked<R>(
    tagger: u64,
    text: &str,
    map: impl Fn(&mut Memo) -> &mut HashMap<Box<str>, Walked, BuildHasherDefault<WordHasher>>,
    f: impl FnOnce(Option<&Walked>) -> (R, Option<Walked>),
) -> R {
    MEMO.with(|m| {
        let mut m = m.borrow_mut();
        let map = map(m.of(tagger));
        if let Some(w) = map.get(text) {
            return f(Some(w)).0;
        }
        let (r, remember) = f(None);
        if let Some(w) = remember
            && map.len() < MAX_WORDS
        {
            map.insert(text.into(), w);
        }
        r
    })
}

/// Is the lightly normalized `surface` a common word for tagger `tagger` (`common()` says,
/// the first time; the answer is remembered as [`with`]'s are)?
pub(crate) fn is_common(tagger: u64, surface: &str, common: impl FnOnce() -> bool) -> bool {
    remembered(tagger, surface, |m| &mut m.common, common)
}

/// Does an entry of tagger `tagger`'s name lists start with a reading of the folded word
/// `word` (`starts()` says, the first time; remembered as [`is_common`]'s answers are)?
pub(crate) fn list_start(tagger: u64, word: &str, starts: impl FnOnce() -> bool) -> bool {
    remembered(tagger, word, |m| &mut m.list_starts, starts)
}

/// Is a reading of the folded word `word` the first word of a title of tagger `tagger`'s
/// lists (`starts()` says, the first time; remembered as [`is_common`]'s answers are)?
pub(crate) fn title_start(tagger: u64, word: &str, starts: impl FnOnce() -> bool) -> bool {
    remembered(tagger, word, |m| &mut m.title_starts, starts)
}

/// The fuzzy mention of the folded name line `line` for tagger `tagger` (`find()` says, the
/// first time: ranking a line against every name of the gazetteer is the costliest thing
/// `--fuzzy` does, and the lines that are names alone repeat: bylines, headings, captions). A
/// remembered mention keeps the offsets and text of the occurrence it was found at: the caller
/// sets them.
pub(crate) fn line(
    tagger: u64,
    line: &str,
    find: impl FnOnce() -> Option<Mention>,
) -> Option<Mention> {
    remembered(tagger, line, |m| &mut m.lines, find)
}

/// What fuzzy matching may make of the original word text `word` for tagger `tagger`
/// (`shape()` says, the first time; remembered as [`is_common`]'s answers are): `None` when
/// no reading may start there, `Some(false)` when only a longer name may.
pub(crate) fn fuzzy_shape(
    tagger: u64,
    word: &str,
    shape: impl FnOnce() -> Option<bool>,
) -> Option<bool> {
    remembered(tagger, word, |m| &mut m.fuzzy_shapes, shape)
}

/// What the fuzzy hit described by `hit` may be read as for tagger `tagger`, whatever the
/// words around it (`reads()` says, the first time; remembered as [`is_common`]'s answers
/// are): most fuzzy hits are the same words again.
pub(crate) fn fuzzy_reads(
    tagger: u64,
    hit: &str,
    reads: impl FnOnce() -> Rc<[FuzzyRead]>,
) -> Rc<[FuzzyRead]> {
    remembered(tagger, hit, |m| &mut m.fuzzy_reads, reads)
}

/// The answer for `word` in the map `map` picks, found by `answer()` the first time. The
/// memory is not borrowed while `answer()` runs, so an answer may itself ask the memory
/// (a name line's ranking that tests a common word) instead of panicking on a second borrow.
fn remembered<V: Clone>(
    tagger: u64,
    word: &str,
    map: impl Fn(&mut Memo) -> &mut HashMap<Box<str>, V, BuildHasherDefault<WordHasher>>,
    answer: impl FnOnce() -> V,
) -> V {
    let known = MEMO.with(|m| map(m.borrow_mut().of(tagger)).get(word).cloned());
    if let Some(c) = known {
        return c;
    }
    let c = answer();
    MEMO.with(|m| {
        let mut m = m.borrow_mut();
        let map = map(m.of(tagger));
        if map.len() < MAX_WORDS {
            map.insert(word.into(), c.clone());
        }
    });
    c
}

/// A fast hash of short keys (the rustc `FxHasher` scheme: eight bytes at a time, rotate,
/// xor, multiply): words are a few bytes, and SipHash costs more than the walk it saves.
#[derive(Default)]
struct WordHasher(u64);

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl WordHasher {
    #[inline]
    fn add(&mut self, x: u64) {
        self.0 = (self.0.rotate_left(5) ^ x).wrapping_mul(SEED);
    }
}

impl Hasher for WordHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().expect("eight bytes")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut last = [0u8; 8];
            last[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(last));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_may_ask_the_memory() {
        // the answer for one word asks for another's: no second borrow, both remembered
        let outer = is_common(40, "كان", || list_start(40, "محمد", || true));
        assert!(outer);
        assert!(is_common(40, "كان", || unreachable!()));
        assert!(list_start(40, "محمد", || unreachable!()));
        let line = line(40, "كابل", || {
            is_common(40, "في", || false).then(|| unreachable!())
        });
        assert!(line.is_none());
        assert!(line_is_remembered(40, "كابل"));
    }

    fn line_is_remembered(tagger: u64, text: &str) -> bool {
        super::line(tagger, text, || unreachable!()).is_none()
    }

    #[test]
    fn remembers_per_tagger() {
        let event = Event {
            layer: 0,
            clitic: None,
            start: 0,
            what: What::Hit { end: 4, value: 7 },
        };
        let walked = |t, text| {
            with(t, text, |w| match w {
                Some(w) => (Some(w.len()), None),
                None => (None, Some(vec![event].into_boxed_slice())),
            })
        };
        assert_eq!(walked(1, "باكو"), None);
        assert_eq!(walked(1, "باكو"), Some(1));
        assert_eq!(walked(1, "بوتن"), None);
        // another tagger starts afresh
        assert_eq!(walked(2, "باكو"), None);
        // common words, per tagger too
        assert!(is_common(2, "في", || true));
        assert!(is_common(2, "في", || unreachable!()));
        assert!(!is_common(3, "في", || false));
        // list starts, per tagger too
        assert!(list_start(2, "محمد", || true));
        assert!(list_start(2, "محمد", || unreachable!()));
        assert!(!list_start(3, "محمد", || false));
        assert!(title_start(3, "الرئيس", || true));
        assert!(title_start(3, "الرئيس", || unreachable!()));
        assert!(!list_start(3, "الرئيس", || false));
        // what is not given is not remembered
        assert_eq!(with(2, "عبد", |_| (0, None)), 0);
        assert_eq!(with(2, "عبد", |w| (u8::from(w.is_some()), None)), 0);
    }
}
