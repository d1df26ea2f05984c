//! The decoder: which of the hits that start at one place becomes the mention.
//!
//! The tagger decodes left to right. At each place it takes the hits of the lattice there
//! that the exactness rules allow, ranks them by its [`Decode`] policy, and reports the best;
//! the next search starts after it, so mentions never overlap. Hits of equal rank (the same
//! span, in several layers or through several keys) are one mention: their entities are its
//! candidates, ranked by layer, then score (see [`super::score`]).

use super::Hit;

/// How the tagger chooses among the hits that start at one place, in the spirit of
/// aho-corasick's `MatchKind`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Decode {
    /// The default. A reading of the whole word beats any proclitic reading (باكو is never
    /// ب + اكو, even where اكو سيتي would run longer); among readings of the same kind the
    /// longest hit wins (leftmost-longest), then the shorter proclitic.
    #[default]
    LeftmostLongest,
    /// The longest hit wins whatever the reading (ب + اكو سيتي over باكو), then a reading of
    /// the whole word, then the shorter proclitic. Finds more multi-word names behind
    /// proclitics, at the risk of cutting a one-word name.
    Longest,
}

impl Decode {
    /// The rank of `hit` under this policy: larger is better.
    pub(crate) fn rank(self, hit: &Hit) -> (bool, usize, std::cmp::Reverse<usize>) {
        let whole = hit.clitic.is_none();
        let clitic = hit
            .clitic
            .map_or(0, |c| c.strip.len() * 2 + c.restore.len());
        match self {
            Decode::LeftmostLongest => (whole, hit.end, std::cmp::Reverse(clitic)),
            // `end` first: a tuple of the same type, with the whole-word bit after it
            Decode::Longest => (
                true,
                hit.end * 2 + usize::from(whole),
                std::cmp::Reverse(clitic),
            ),
        }
    }
}
