//! The lattice: every gazetteer hit at every word start of one document, found once.
//!
//! The decoder reads a word start's hits when it gets there, and the name rules read those of
//! the words ahead of it (is a gazetteer name starting here, and of what type?): both read the
//! same entries, and the fst walk runs at most once per word start, however often it is
//! asked. (Before, the name rules re-ran the whole walk for every word they looked at.)
//!
//! The walk is run lazily, when a word start is first read: words inside a mention already
//! chosen are never walked, so the lattice costs no more than the walk did. What a hit is
//! *allowed* to name depends on the document so far (a short form only after its full name),
//! so the lattice keeps the raw hits and the decoder filters them as it reads them.

use super::Hit;

/// Not walked yet.
const UNKNOWN: (u32, u32) = (u32::MAX, u32::MAX);

/// The hits of a document's word starts, in one buffer.
pub(crate) struct Lattice {
    hits: Vec<Hit>,
    /// Per word: the range of its hits in `hits`, or [`UNKNOWN`].
    at: Vec<(u32, u32)>,
}

impl Lattice {
    /// An empty lattice over `words` words.
    pub(crate) fn new(words: usize) -> Lattice {
        Lattice {
            hits: Vec::with_capacity(words),
            at: vec![UNKNOWN; words],
        }
    }

    /// The hits at the start of word `k`; `walk` pushes them the first time they are asked
    /// for.
    #[inline]
    pub(crate) fn at(&mut self, k: usize, walk: impl FnOnce(&mut Vec<Hit>)) -> &[Hit] {
        if self.at[k] == UNKNOWN {
            let from = self.hits.len();
            walk(&mut self.hits);
            self.at[k] = (from as u32, self.hits.len() as u32);
        }
        let (a, b) = self.at[k];
        &self.hits[a as usize..b as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tagger::Via;

    fn hit(end: usize) -> Hit {
        Hit {
            layer: 0,
            clitic: None,
            start: 0,
            end,
            end_word: 0,
            value: 0,
            how: Via::Key,
        }
    }

    #[test]
    fn each_word_start_is_walked_once() {
        let mut l = Lattice::new(3);
        let mut walks = 0;
        for _ in 0..3 {
            let hits = l.at(1, |h| {
                walks += 1;
                h.extend([hit(4), hit(9)]);
            });
            assert_eq!(hits.iter().map(|h| h.end).collect::<Vec<_>>(), [4, 9]);
        }
        assert!(l.at(0, |_| walks += 1).is_empty());
        assert!(l.at(0, |_| walks += 1).is_empty());
        assert_eq!(l.at(1, |_| unreachable!()).len(), 2);
        assert_eq!(walks, 2);
    }
}
