//! A weighted, Arabic-aware edit cost between two folded spellings of a name.
//!
//! Transliterated names drift in ways plain Levenshtein counts as full edits: a long vowel
//! written or left out (بوتين / بوتن), a hamza seat (ريس / رييس), the /g/ sound written with
//! any of ج غ ك ق گ, ث for the English *th* or *s*, final ة/ه against ا (غزة / غزا). This module
//! prices each such drift below an ordinary edit, so that two spellings of one name come out
//! closer than a name and an unrelated word, and [`Scorer::nearest`] keeps only the nearest
//! tier of a candidate set under a threshold that grows with the query's length.
//!
//! It works on text folded as the tagger folds it ([`crate::normalize::fold`]), so it never
//! prices what folding already merged: أ إ آ are ا, ؤ is و, ئ and ى are ي, ة is ه, ک is ك, and
//! diacritics and tatweel are gone. The module needs only `std`, so a build script can include
//! it by path.
//!
//! # Costs
//!
//! All costs are integers in hundredths of an ordinary edit ([`Weights::edit`] is 100); every
//! operation takes the cheapest rule that applies.
//!
//! | operation | rule | price |
//! |---|---|---|
//! | insert or delete | a long vowel or hamza seat (ا و ي ء) | [`Weights::vowel_indel`] |
//! | insert or delete | a space (عبد الله / عبدالله) | [`Weights::space_indel`] |
//! | insert or delete | a letter right after the same letter (a shadda written out) | [`Weights::gemination`] |
//! | insert or delete | a final ه (ة folded) | [`Weights::final_indel`] |
//! | insert or delete | the article ال at the start of the name (two letters) | [`Weights::article`] |
//! | substitute | two of ا و ي ء | [`Weights::vowel_sub`] |
//! | substitute | two of the /g/ class ج غ ك ق گ | [`Weights::g_sub`] |
//! | substitute | a transliteration class: ث/س/ت, ط/ت, ص/س, ض/د/ظ, ذ/ز/د, ح/ه, س/ش, ع/ء, پ/ب, ڤ/ف, ژ/ز/ج, چ/ش/ج | [`Weights::class_sub`] |
//! | substitute | final ه against final ا | [`Weights::final_sub`] |
//! | substitute | ع against ا as the first letters | [`Weights::initial_ain`] |
//! | substitute | one letter for two: ك, ش or چ for تش, ج for دج | [`Weights::digraph`] |
//! | insert, delete, substitute | anything else | [`Weights::edit`] |
//!
//! The cost is symmetric: `cost(a, b) == cost(b, a)`.
//!
//! # Speed
//!
//! [`Scorer`] keeps its buffers between calls (no allocation once they have grown), computes
//! only the band of the dynamic programme that can stay under the limit, and stops as soon as
//! two rows in a row exceed it. [`Scorer::nearest`] lowers the limit to the best cost found so
//! far, so most candidates are dropped after a row or two. [`Scorer::nearest_in`] over a
//! prepared [`CandidateSet`] also skips whole lengths that cannot stay under the limit, and
//! candidates whose consonants unrelated to the query's (no shared letter, class or digraph)
//! already cost more than it.
//!
//! # Example
//! ```
//! use gaztag::distance::{Scorer, Weights};
//!
//! let mut s = Scorer::new(Weights::default());
//! // a dropped long vowel is cheaper than an ordinary edit
//! assert!(s.cost("بوتين", "بوتن", 1000).unwrap() < 100);
//! // the nearest tier of a candidate set, under the length threshold
//! let names = ["موسكو", "بوتن", "بوتان"];
//! let limit = s.limit("بوتين");
//! let mut out = Vec::new();
//! s.nearest("بوتين", names, limit, &mut out);
//! assert_eq!(out.iter().map(|&(i, _)| i).collect::<Vec<_>>(), [1]);
//! ```

/// The prices of [`Scorer`]'s edit operations, in hundredths of an ordinary edit (see the
/// module docs), and its threshold.
///
/// [`Weights::default`] is the set tuned on the dev part of the variant benchmark
/// (`docs/accuracy.md`, "Fuzzy spelling variants"); [`Weights::levenshtein`] prices every
/// edit alike.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Weights {
    /// An ordinary insertion, deletion or substitution.
    pub edit: u32,
    /// Inserting or deleting ا و ي ء.
    pub vowel_indel: u32,
    /// Substituting one of ا و ي ء for another.
    pub vowel_sub: u32,
    /// Substituting one of ج غ ك ق گ for another.
    pub g_sub: u32,
    /// Substituting within a transliteration class (ث/س/ت, ط/ت, ص/س, …).
    pub class_sub: u32,
    /// Substituting a final ه for a final ا.
    pub final_sub: u32,
    /// Inserting or deleting a final ه.
    pub final_indel: u32,
    /// Substituting ع for ا as the first letters.
    pub initial_ain: u32,
    /// One letter for two: ك, ش, چ for تش; ج for دج.
    pub digraph: u32,
    /// Inserting or deleting a letter next to the same letter.
    pub gemination: u32,
    /// Inserting or deleting a space.
    pub space_indel: u32,
    /// Inserting or deleting the article ال at the start.
    pub article: u32,
    /// The threshold: [`Scorer::limit`] is `limit_base + limit_per_letter × letters`.
    pub limit_base: u32,
    /// The threshold's growth per letter of the query (spaces not counted).
    pub limit_per_letter: u32,
    /// How far above the best cost a candidate may be and still be in the nearest tier.
    pub tier: u32,
}

impl Default for Weights {
    /// The weights tuned on the dev part of the variant benchmark.
    fn default() -> Weights {
        Weights {
            edit: 100,
            vowel_indel: 40,
            vowel_sub: 60,
            g_sub: 20,
            class_sub: 40,
            final_sub: 40,
            final_indel: 80,
            initial_ain: 80,
            digraph: 40,
            gemination: 50,
            space_indel: 30,
            article: 60,
            limit_base: 0,
            limit_per_letter: 20,
            tier: 0,
        }
    }
}

impl Weights {
    /// Plain Levenshtein: every insertion, deletion and substitution costs 100, the article
    /// two edits, and no threshold (the limit is `u32::MAX / 4`).
    pub fn levenshtein() -> Weights {
        Weights {
            edit: 100,
            vowel_indel: 100,
            vowel_sub: 100,
            g_sub: 100,
            class_sub: 100,
            final_sub: 100,
            final_indel: 100,
            initial_ain: 100,
            digraph: 200,
            gemination: 100,
            space_indel: 100,
            article: 200,
            limit_base: u32::MAX / 4,
            limit_per_letter: 0,
            tier: 0,
        }
    }

    /// The cost of substituting the folded letter `b` for `a` away from the ends of a
    /// spelling (the final ه/ا and initial ع/ا rules aside): 0 for the same letter, the
    /// vowel, /g/ or transliteration class price when they share one, else [`Weights::edit`].
    ///
    /// ```
    /// use gaztag::distance::Weights;
    /// let w = Weights::default();
    /// assert_eq!(w.substitution('ث', 'س'), w.class_sub);
    /// assert_eq!(w.substitution('ب', 'م'), w.edit);
    /// ```
    pub fn substitution(&self, a: char, b: char) -> u32 {
        let sym = |c| Sym {
            c,
            class: class_of(c),
        };
        sub(self, &[sym(a), sym(a)], 1, &[sym(b), sym(b)], 1)
    }

    /// The cheapest way to change a spelling's length by one letter (a lower bound used to
    /// skip candidates and to size the band).
    fn min_step(&self) -> u32 {
        [
            self.edit,
            self.vowel_indel,
            self.final_indel,
            self.digraph,
            self.gemination,
            self.space_indel,
            self.article / 2,
        ]
        .into_iter()
        .min()
        .unwrap_or(1)
        .max(1)
    }
}

/// Letter classes, as bits of [`Sym::class`].
const VOWEL: u16 = 1;
const G: u16 = 1 << 1;
/// ث/س/ت
const THA: u16 = 1 << 2;
/// ط/ت
const TAH: u16 = 1 << 3;
/// ص/س
const SAD: u16 = 1 << 4;
/// ض/د/ظ
const DAD: u16 = 1 << 5;
/// ذ/ز/د
const DHAL: u16 = 1 << 6;
/// ح/ه
const HAH: u16 = 1 << 7;
/// س/ش
const SHIN: u16 = 1 << 8;
/// ع/ء
const AIN: u16 = 1 << 9;
/// پ/ب
const PEH: u16 = 1 << 10;
/// ژ/ز/ج
const ZHEH: u16 = 1 << 11;
/// چ/ش/ج
const TCHEH: u16 = 1 << 12;
/// The transliteration classes together.
const CLASSES: u16 = THA | TAH | SAD | DAD | DHAL | HAH | SHIN | AIN | PEH | ZHEH | TCHEH | VEH;
/// ڤ/ف
const VEH: u16 = 1 << 13;

/// The classes of one folded character.
fn class_of(c: char) -> u16 {
    match c {
        'ا' | 'و' | 'ي' => VOWEL,
        'ء' => VOWEL | AIN,
        'ج' => G | ZHEH | TCHEH,
        'غ' | 'ك' | 'ق' | 'گ' => G,
        'ث' => THA,
        'س' => THA | SAD | SHIN,
        'ت' => THA | TAH,
        'ط' => TAH,
        'ص' => SAD,
        'ض' | 'ظ' => DAD,
        'د' => DAD | DHAL,
        'ذ' => DHAL,
        'ز' => DHAL | ZHEH,
        'ح' | 'ه' => HAH,
        'ش' => SHIN | TCHEH,
        'ع' => AIN,
        'پ' | 'ب' => PEH,
        'ڤ' | 'ف' => VEH,
        'ژ' => ZHEH,
        'چ' => TCHEH,
        _ => 0,
    }
}

/// One character of a spelling with its classes.
#[derive(Clone, Copy, Debug)]
struct Sym {
    c: char,
    class: u16,
}

/// "Too expensive": larger than any limit, and safe to add a few costs to.
const INF: u32 = u32::MAX / 4;

/// Computes [`Weights`]-priced edit costs, reusing its buffers between calls.
///
/// A `Scorer` is cheap to clone; keep one per thread.
#[derive(Clone, Debug)]
pub struct Scorer {
    w: Weights,
    min_step: u32,
    a: Vec<Sym>,
    b: Vec<Sym>,
    /// Rows i-2, i-1 and i of the dynamic programme, each `b.len() + 1` long.
    rows: [Vec<u32>; 3],
    /// Per character of `b`: the cost of inserting it, and (at `j`) whether `b[j-2..j]` is a
    /// digraph's two letters; computed once per candidate instead of once per cell.
    ins: Vec<u32>,
    b_pairs: Vec<bool>,
}

impl Scorer {
    /// A scorer with these weights.
    pub fn new(w: Weights) -> Scorer {
        Scorer {
            w,
            min_step: w.min_step(),
            a: Vec::new(),
            b: Vec::new(),
            rows: [Vec::new(), Vec::new(), Vec::new()],
            ins: Vec::new(),
            b_pairs: Vec::new(),
        }
    }

    /// The weights in use.
    pub fn weights(&self) -> &Weights {
        &self.w
    }

    /// The threshold for a query: `limit_base + limit_per_letter × letters`, letters counted
    /// without spaces.
    pub fn limit(&self, query: &str) -> u32 {
        let letters = query.chars().filter(|c| *c != ' ').count() as u32;
        self.w
            .limit_base
            .saturating_add(self.w.limit_per_letter.saturating_mul(letters))
            .min(INF - 1)
    }

    /// The cost of turning folded `a` into folded `b`, or `None` when it is above `limit`.
    pub fn cost(&mut self, a: &str, b: &str, limit: u32) -> Option<u32> {
        encode(a, &mut self.a);
        encode(b, &mut self.b);
        self.run(limit.min(INF - 1))
    }

    /// The nearest tier of `candidates` for folded `query`: into `out` (cleared first), the
    /// index and cost of every candidate whose cost is at most `limit` and at most
    /// [`Weights::tier`] above the best, sorted by cost, then index.
    pub fn nearest<'c, I>(
        &mut self,
        query: &str,
        candidates: I,
        limit: u32,
        out: &mut Vec<(usize, u32)>,
    ) where
        I: IntoIterator<Item = &'c str>,
    {
        out.clear();
        encode(query, &mut self.a);
        let limit = limit.min(INF - 1);
        let mut best = INF;
        for (i, cand) in candidates.into_iter().enumerate() {
            let bound = limit.min(best.saturating_add(self.w.tier));
            encode(cand, &mut self.b);
            if let Some(c) = self.run(bound) {
                if c < best {
                    best = c;
                    let keep = best.saturating_add(self.w.tier);
                    out.retain(|&(_, k)| k <= keep);
                }
                out.push((i, c));
            }
        }
        out.sort_by_key(|&(i, c)| (c, i));
    }

    /// Like [`Scorer::nearest`], over a prepared [`CandidateSet`], skipping the candidates
    /// for which `keep` is false. Candidates are visited from the query's length outwards and
    /// lengths that cannot stay under the bound are never read, so this is the fast path for
    /// a large set; the result is the same as [`Scorer::nearest`] over the kept candidates.
    pub fn nearest_in(
        &mut self,
        query: &str,
        set: &CandidateSet,
        limit: u32,
        keep: impl FnMut(usize) -> bool,
        out: &mut Vec<(usize, u32)>,
    ) {
        self.scan(query, set, limit, keep, out, None);
    }

    /// The `k` cheapest candidates of `set` under `limit` (fewer when fewer are under it),
    /// sorted by cost, then index, whatever the tier: for ranked suggestions.
    pub fn k_nearest_in(
        &mut self,
        query: &str,
        set: &CandidateSet,
        k: usize,
        limit: u32,
        keep: impl FnMut(usize) -> bool,
        out: &mut Vec<(usize, u32)>,
    ) {
        self.scan(query, set, limit, keep, out, Some(k));
    }

    /// The nearest tier (`k` is `None`) or the `k` nearest of `set`.
    fn scan(
        &mut self,
        query: &str,
        set: &CandidateSet,
        limit: u32,
        mut keep: impl FnMut(usize) -> bool,
        out: &mut Vec<(usize, u32)>,
        k: Option<usize>,
    ) {
        out.clear();
        if k == Some(0) {
            return;
        }
        encode(query, &mut self.a);
        let n = self.a.len();
        let limit = limit.min(INF - 1);
        let tier = self.w.tier;
        let letters = Letters::of(&self.a);
        // the nearest tier: up to `tier` above the best; the k nearest: up to the k-th best
        let bound_of = |out: &[(usize, u32)], best: u32| match k {
            None => limit.min(best.saturating_add(tier)),
            Some(k) if out.len() >= k => limit.min(out[k - 1].1),
            Some(_) => limit,
        };
        let mut best = INF;
        let max_len = set.by_len.len().saturating_sub(1);
        // lengths n, n-1, n+1, n-2, n+2, …
        for d in 0..=n.max(max_len) {
            if (d as u32).saturating_mul(self.min_step) > bound_of(out, best) {
                break;
            }
            let lens = [n.checked_sub(d), (d > 0).then_some(n + d)];
            for len in lens.into_iter().flatten() {
                let Some(ids) = set.by_len.get(len) else {
                    continue;
                };
                for &i in ids {
                    let i = i as usize;
                    if !keep(i) {
                        continue;
                    }
                    let bound = bound_of(out, best);
                    if letters
                        .unrelated(&set.letters[i])
                        .saturating_mul(self.w.edit)
                        > bound
                    {
                        continue;
                    }
                    let (s, e) = set.spans[i];
                    self.b.clear();
                    self.b.extend_from_slice(&set.syms[s as usize..e as usize]);
                    let Some(c) = self.run(bound) else {
                        continue;
                    };
                    match k {
                        None => {
                            if c < best {
                                best = c;
                                let keep = best.saturating_add(tier);
                                out.retain(|&(_, x)| x <= keep);
                            }
                            out.push((i, c));
                        }
                        Some(k) => {
                            // kept sorted; ties by index, as in the final order
                            let at = out.partition_point(|&(j, x)| (x, j) < (c, i));
                            out.insert(at, (i, c));
                            out.truncate(k);
                        }
                    }
                }
            }
        }
        out.sort_by_key(|&(i, c)| (c, i));
    }

    /// The dynamic programme over the encoded `self.a` and `self.b`.
    fn run(&mut self, limit: u32) -> Option<u32> {
        let (n, m) = (self.a.len(), self.b.len());
        if (n.abs_diff(m) as u32).saturating_mul(self.min_step) > limit {
            return None;
        }
        let w = self.w;
        let (a, b) = (&self.a[..], &self.b[..]);
        let band = (limit / self.min_step) as usize + 1;
        for r in &mut self.rows {
            r.clear();
            r.resize(m + 1, INF);
        }
        self.ins.clear();
        self.ins.extend((0..m).map(|j| indel(&w, b, j)));
        self.b_pairs.clear();
        self.b_pairs
            .extend((0..=m).map(|j| j >= 2 && is_digraph_pair(b[j - 2].c, b[j - 1].c)));
        let (ins, b_pairs) = (&self.ins[..], &self.b_pairs[..]);
        let [r2, r1, r0] = &mut self.rows;
        // what is left after cell (i, j) changes the length by |(n - i) - (m - j)| and so
        // costs at least that many `min_step`s: a cell that cannot finish under the limit
        // takes part in no path that does, and is left too expensive (exact: the cost of
        // every path under the limit is unchanged)
        let min_step = self.min_step;
        let finishes = |v: u32, i: usize, j: usize| {
            let left = ((n - i) as isize - (m - j) as isize).unsigned_abs() as u32;
            v.saturating_add(left.saturating_mul(min_step)) <= limit
        };
        // row 0: inserting b[..j]
        r0[0] = 0;
        for j in 1..=m.min(band) {
            let mut v = r0[j - 1].saturating_add(ins[j - 1]);
            if j == 2 && is_article(b) {
                v = v.min(w.article);
            }
            r0[j] = if finishes(v, 0, j) { v } else { INF };
        }
        // the first and last cells under INF of rows i-1 and i-2 (`None`: none; a cell under
        // INF is under the limit, as `finishes` leaves no other): a cell of row i is reached
        // only from those rows' cells at most two columns to its left, or from its left
        // neighbour, so the cells before the first such column and after the last that come
        // out too expensive need no computing (exact)
        let finite = |r: &[u32]| {
            let first = r.iter().position(|&v| v < INF)?;
            let last = r.iter().rposition(|&v| v < INF)?;
            Some((first, last))
        };
        let (mut f1, mut f2) = (finite(r0), None::<(usize, usize)>);
        for i in 1..=n {
            std::mem::swap(r2, r1);
            std::mem::swap(r1, r0);
            // cells outside the band stay too expensive
            r0.fill(INF);
            let article_here = i == 2 && is_article(a);
            let from = match (f1, f2) {
                _ if article_here => Some(0),
                (Some((x, _)), Some((y, _))) => Some(x.min(y + 1)),
                (Some((x, _)), None) => Some(x),
                (None, Some((y, _))) => Some(y + 1),
                (None, None) => None,
            };
            let reach = f1
                .map_or(0, |(_, l)| l + 2)
                .max(f2.map_or(0, |(_, l)| l + 1));
            let Some(from) = from else {
                // nothing under the limit in the two rows before (a digraph reaches back two):
                // nothing can be any more
                return None;
            };
            let lo = i.saturating_sub(band).max(from);
            let hi = (i + band).min(m);
            let del = indel(&w, a, i - 1);
            let a_pair = i >= 2 && is_digraph_pair(a[i - 2].c, a[i - 1].c);
            let mut row: Option<(usize, usize)> = None;
            for j in lo..=hi {
                let mut v = r1[j].saturating_add(del);
                if j == 0 {
                    if i == 2 && is_article(a) {
                        v = v.min(w.article);
                    }
                } else {
                    v = v
                        .min(r0[j - 1].saturating_add(ins[j - 1]))
                        .min(r1[j - 1].saturating_add(sub(&w, a, i - 1, b, j - 1)));
                    if a_pair && is_digraph_of(a[i - 2].c, a[i - 1].c, b[j - 1].c) {
                        v = v.min(r2[j - 1].saturating_add(w.digraph));
                    }
                    if b_pairs[j] && is_digraph_of(b[j - 2].c, b[j - 1].c, a[i - 1].c) {
                        v = v.min(r1[j - 2].saturating_add(w.digraph));
                    }
                }
                let v = if finishes(v, i, j) { v } else { INF };
                r0[j] = v;
                if v < INF {
                    row = Some((row.map_or(j, |(f, _)| f), j));
                } else if j >= reach {
                    // only the left neighbour could reach further, and it is too expensive
                    break;
                }
            }
            (f2, f1) = (f1, row);
        }
        let d = r0[m];
        (d <= limit).then_some(d)
    }
}

/// A candidate set prepared for [`Scorer::nearest_in`]: each spelling encoded once and
/// grouped by length. Candidates keep the index they had in the input.
#[derive(Clone, Debug, Default)]
pub struct CandidateSet {
    syms: Vec<Sym>,
    spans: Vec<(u32, u32)>,
    /// Per candidate: its consonants and the consonants related to them (see [`Letters`]).
    letters: Vec<Letters>,
    /// Candidate indices by length in characters.
    by_len: Vec<Vec<u32>>,
}

impl CandidateSet {
    /// Prepares folded `spellings`.
    ///
    /// # Panics
    /// With 4 Gi candidates or characters or more.
    pub fn new<'c>(spellings: impl IntoIterator<Item = &'c str>) -> CandidateSet {
        let mut set = CandidateSet::default();
        let mut buf = Vec::new();
        for (i, s) in spellings.into_iter().enumerate() {
            encode(s, &mut buf);
            let start = u32::try_from(set.syms.len()).expect("under 4 Gi characters");
            set.syms.extend_from_slice(&buf);
            let end = u32::try_from(set.syms.len()).expect("under 4 Gi characters");
            set.spans.push((start, end));
            set.letters.push(Letters::of(&buf));
            if set.by_len.len() <= buf.len() {
                set.by_len.resize(buf.len() + 1, Vec::new());
            }
            set.by_len[buf.len()].push(u32::try_from(i).expect("under 4 Gi candidates"));
        }
        set
    }

    /// How many candidates the set holds.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// Is the set empty?
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }
}

/// The consonants of a spelling, as bits, for a cheap lower bound on its cost to another:
/// a consonant of one that is unrelated to every letter of the other (not the same letter, no
/// class or digraph in common) can only be inserted, deleted or substituted at the price of
/// an ordinary edit, and one substitution deals with one such letter on each side. The long
/// vowels and hamza, ه, ع, ل (the article) and spaces have cheaper ways out and are not
/// counted; nor is any letter outside the Arabic consonants.
#[derive(Clone, Copy, Debug, Default)]
struct Letters {
    /// The consonants present.
    has: u64,
    /// The consonants related to one present.
    related: u64,
}

/// The consonants that [`Letters`] counts, each a bit.
const CONSONANTS: [char; 27] = [
    'ب', 'ت', 'ث', 'ج', 'ح', 'خ', 'د', 'ذ', 'ر', 'ز', 'س', 'ش', 'ص', 'ض', 'ط', 'ظ', 'غ', 'ف', 'ق',
    'ك', 'م', 'ن', 'پ', 'چ', 'ژ', 'ڤ', 'گ',
];

/// The bit of a counted consonant.
fn consonant_bit(c: char) -> u64 {
    CONSONANTS
        .iter()
        .position(|&k| k == c)
        .map_or(0, |i| 1 << i)
}

/// The consonants related to `c`: itself, those sharing a class with it, and those of a
/// digraph it is in (تش ↔ ك ش چ, دج ↔ ج). Computed once.
fn related_to(c: char) -> u64 {
    static TABLE: std::sync::OnceLock<Vec<(char, u64)>> = std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let digraph = |x: char, y: char| {
            let pair = |p: char, q: char| {
                matches!((p, q), ('ت' | 'ش', 'ك' | 'ش' | 'چ') | ('د' | 'ج', 'ج'))
            };
            pair(x, y) || pair(y, x)
        };
        CONSONANTS
            .iter()
            .map(|&c| {
                let mut m = 0;
                for &d in &CONSONANTS {
                    if c == d || class_of(c) & class_of(d) != 0 || digraph(c, d) {
                        m |= consonant_bit(d);
                    }
                }
                (c, m)
            })
            .collect()
    });
    table.iter().find(|&&(k, _)| k == c).map_or(0, |&(_, m)| m)
}

impl Letters {
    fn of(s: &[Sym]) -> Letters {
        let mut l = Letters::default();
        for x in s {
            let bit = consonant_bit(x.c);
            if bit != 0 && l.has & bit == 0 {
                l.has |= bit;
                l.related |= related_to(x.c);
            }
        }
        l
    }

    /// How many ordinary edits turning one spelling into the other needs at least.
    #[inline]
    fn unrelated(&self, other: &Letters) -> u32 {
        let a = (self.has & !other.related).count_ones();
        let b = (other.has & !self.related).count_ones();
        a.max(b)
    }
}

/// Fills `out` with the characters of `s` and their classes.
fn encode(s: &str, out: &mut Vec<Sym>) {
    out.clear();
    out.extend(s.chars().map(|c| Sym {
        c,
        class: class_of(c),
    }));
}

/// Does the spelling start with the article ال (and go on after it)?
fn is_article(s: &[Sym]) -> bool {
    s.len() > 2 && s[0].c == 'ا' && s[1].c == 'ل'
}

/// Is the pair `x y` a two-letter spelling of some single letter ([`is_digraph_of`])?
fn is_digraph_pair(x: char, y: char) -> bool {
    matches!((x, y), ('ت', 'ش') | ('د', 'ج'))
}

/// Is the pair `x y` a two-letter spelling of the single letter `z`?
fn is_digraph_of(x: char, y: char, z: char) -> bool {
    matches!((x, y, z), ('ت', 'ش', 'ك' | 'ش' | 'چ') | ('د', 'ج', 'ج'))
}

/// The cost of inserting or deleting `s[k]` (the same either way).
#[inline]
fn indel(w: &Weights, s: &[Sym], k: usize) -> u32 {
    let x = s[k];
    let mut v = w.edit;
    if x.class & VOWEL != 0 {
        v = v.min(w.vowel_indel);
    }
    if x.c == ' ' {
        v = v.min(w.space_indel);
    }
    if k > 0 && s[k - 1].c == x.c {
        v = v.min(w.gemination);
    }
    if x.c == 'ه' && k + 1 == s.len() {
        v = v.min(w.final_indel);
    }
    v
}

/// The cost of substituting `b[j]` for `a[i]`.
#[inline]
fn sub(w: &Weights, a: &[Sym], i: usize, b: &[Sym], j: usize) -> u32 {
    let (x, y) = (a[i], b[j]);
    if x.c == y.c {
        return 0;
    }
    let shared = x.class & y.class;
    let mut v = w.edit;
    if shared & VOWEL != 0 {
        v = v.min(w.vowel_sub);
    }
    if shared & G != 0 {
        v = v.min(w.g_sub);
    }
    if shared & CLASSES != 0 {
        v = v.min(w.class_sub);
    }
    let last = i + 1 == a.len() && j + 1 == b.len();
    if last && matches!((x.c, y.c), ('ه', 'ا') | ('ا', 'ه')) {
        v = v.min(w.final_sub);
    }
    if i == 0 && j == 0 && matches!((x.c, y.c), ('ع', 'ا') | ('ا', 'ع')) {
        v = v.min(w.initial_ain);
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Plain Levenshtein in hundredths, for comparison.
    fn levenshtein(a: &str, b: &str) -> u32 {
        let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
        let mut prev: Vec<u32> = (0..=b.len() as u32).collect();
        for i in 1..=a.len() {
            let mut cur = vec![i as u32; b.len() + 1];
            for j in 1..=b.len() {
                cur[j] = (prev[j] + 1)
                    .min(cur[j - 1] + 1)
                    .min(prev[j - 1] + u32::from(a[i - 1] != b[j - 1]));
            }
            prev = cur;
        }
        prev[b.len()] * 100
    }

    /// (what, a, b, cost with the default weights)
    const COSTS: &[(&str, &str, &str, u32)] = &[
        ("the same", "بوتين", "بوتين", 0),
        ("long vowel dropped", "بوتين", "بوتن", 40),
        ("two long vowels", "ديميتري", "دميتر", 80),
        ("hamza seat", "رييس", "ريس", 40),
        ("hamza letter against a seat", "مساءل", "مسايل", 60),
        ("/g/ class", "كيلوج", "كيلوغ", 20),
        ("/g/ class, qaf", "قرغيزستان", "كرغيزستان", 20),
        ("tha for sin", "ثيول", "سيول", 40),
        ("tah for teh", "طرابلس", "ترابلس", 40),
        ("sad for sin", "صربيا", "سربيا", 40),
        ("dad for dal", "ضمشق", "دمشق", 40),
        ("thal for zain", "ذيمبابوي", "زيمبابوي", 40),
        ("hah for heh", "حلسنكي", "هلسنكي", 40),
        ("shin for sin", "شيول", "سيول", 40),
        ("peh for beh", "پاريس", "باريس", 40),
        ("final heh for alef", "غزه", "غزا", 40),
        ("final heh dropped", "غزه", "غز", 80),
        ("heh inside is an ordinary edit", "بهرين", "برين", 100),
        ("ain for alef at the start", "عمان", "امان", 80),
        ("ain for alef inside is ordinary", "بعد", "باد", 100),
        ("tsh for kaf", "تشاد", "كاد", 40),
        ("tsh for shin", "تشيلي", "شيلي", 40),
        ("dj for jim", "دجيبوتي", "جيبوتي", 40),
        ("a space", "عبد الله", "عبدالله", 30),
        ("a doubled letter", "ماسا", "ماسسا", 50),
        ("the article", "الرياض", "رياض", 60),
        ("beh for feh is ordinary", "باس", "فاس", 100),
        ("an unrelated letter", "بوتين", "بوتيم", 100),
        ("two ordinary edits", "النار", "الناتو", 140),
    ];

    #[test]
    fn costs() {
        let mut s = Scorer::new(Weights::default());
        for &(what, a, b, want) in COSTS {
            assert_eq!(s.cost(a, b, INF), Some(want), "{what}: {a} → {b}");
            assert_eq!(
                s.cost(b, a, INF),
                Some(want),
                "{what} (reversed): {b} → {a}"
            );
        }
    }

    /// With `Weights::levenshtein` the cost is plain Levenshtein (no digraph or article can
    /// beat two ordinary edits).
    #[test]
    fn levenshtein_weights_give_levenshtein() {
        let mut s = Scorer::new(Weights::levenshtein());
        let words = [
            "",
            "ا",
            "بوتين",
            "بوتن",
            "الرياض",
            "رياض",
            "تشاد",
            "كاد",
            "عبد الله",
            "abc",
            "النار",
            "الناتو",
            "ماسسا",
        ];
        for a in words {
            for b in words {
                assert_eq!(s.cost(a, b, INF), Some(levenshtein(a, b)), "{a} → {b}");
            }
        }
    }

    /// (what, a, b, limit, expected)
    const LIMITS: &[(&str, &str, &str, u32, Option<u32>)] = &[
        ("at the limit", "بوتين", "بوتن", 40, Some(40)),
        ("just over", "بوتين", "بوتن", 39, None),
        ("length alone is too far", "ب", "بوتينبوتين", 100, None),
        ("far in the middle", "ابجدهوز", "ابخشذهوز", 150, None),
        ("zero limit, equal", "باكو", "باكو", 0, Some(0)),
    ];

    #[test]
    fn limits() {
        let mut s = Scorer::new(Weights::default());
        for &(what, a, b, limit, want) in LIMITS {
            assert_eq!(s.cost(a, b, limit), want, "{what}");
        }
    }

    /// The limit never changes a cost that is under it (banding and early exit are exact).
    #[test]
    fn a_limit_only_cuts() {
        let words = [
            "بوتين",
            "بوتن",
            "الرياض",
            "رياض",
            "تشاد",
            "كاد",
            "عبد الله",
            "عبدالله",
            "غزه",
            "غزا",
            "طهران",
            "الطيران",
            "تراقب",
            "ترامب",
            "الشيشان",
            "الشيطان",
            "ب",
            "",
        ];
        let mut s = Scorer::new(Weights::default());
        for a in words {
            for b in words {
                let full = s.cost(a, b, INF).expect("no limit");
                for limit in [0, 30, 50, 99, 100, 150, 200, 400] {
                    let want = (full <= limit).then_some(full);
                    assert_eq!(s.cost(a, b, limit), want, "{a} → {b} under {limit}");
                }
            }
        }
    }

    /// The same on many generated spellings (digraph letters, the article, spaces, vowels,
    /// doubled and final letters): the band, the cells that cannot finish and the cells
    /// skipped past the last reachable one never change a cost under the limit.
    #[test]
    fn a_limit_only_cuts_generated_spellings() {
        let alphabet: Vec<char> = "تشدجكاويهلبسصعن ".chars().collect();
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let mut words: Vec<String> = Vec::new();
        for _ in 0..150 {
            let len = 1 + next(9);
            let mut w: String = (0..len).map(|_| alphabet[next(alphabet.len())]).collect();
            if next(4) == 0 {
                w.insert_str(0, "ال");
            }
            words.push(w.trim().to_owned());
        }
        let mut s = Scorer::new(Weights::default());
        for a in &words {
            for b in &words {
                let full = s.cost(a, b, INF).expect("no limit");
                for limit in [0, 40, 100, 160, 250, 400] {
                    let want = (full <= limit).then_some(full);
                    assert_eq!(s.cost(a, b, limit), want, "{a} → {b} under {limit}");
                }
            }
        }
    }

    /// (what, query, candidates, expected indices of the nearest tier)
    const NEAREST: &[(&str, &str, &[&str], &[usize])] = &[
        (
            "the drift beats the unrelated word",
            "بوتين",
            &["موسكو", "بوتن", "بوتان"],
            &[1],
        ),
        (
            "ties are all kept",
            "بوتين",
            &["بوتن", "بتين", "x"],
            &[0, 1],
        ),
        (
            "nothing under the limit",
            "طهران",
            &["الطيران", "تراقب"],
            &[],
        ),
        ("the exact one alone", "باكو", &["باكو", "باكوو"], &[0]),
        ("no candidates", "باكو", &[], &[]),
    ];

    #[test]
    fn nearest() {
        let mut s = Scorer::new(Weights::default());
        let mut out = Vec::new();
        for &(what, q, cands, want) in NEAREST {
            let limit = s.limit(q);
            s.nearest(q, cands.iter().copied(), limit, &mut out);
            let got: Vec<usize> = out.iter().map(|&(i, _)| i).collect();
            assert_eq!(got, want, "{what}");
        }
    }

    /// Near and far spellings, a one-letter word and an empty one: the candidate lists of the
    /// set tests.
    const WORDS: [&str; 18] = [
        "بوتين",
        "بوتن",
        "بتين",
        "الرياض",
        "رياض",
        "تشاد",
        "كاد",
        "عبد الله",
        "عبدالله",
        "غزه",
        "غزا",
        "طهران",
        "الطيران",
        "تراقب",
        "ترامب",
        "ب",
        "",
        "بوتينن",
    ];

    /// The prepared set gives what the plain candidate list gives, with and without a filter.
    #[test]
    fn nearest_in_agrees_with_nearest() {
        let words = WORDS;
        let set = CandidateSet::new(words);
        assert_eq!(set.len(), words.len());
        let mut s = Scorer::new(Weights::default());
        let (mut a, mut b) = (Vec::new(), Vec::new());
        for q in words {
            for limit in [0, 50, 100, s.limit(q), INF] {
                s.nearest(q, words, limit, &mut a);
                s.nearest_in(q, &set, limit, |_| true, &mut b);
                assert_eq!(a, b, "{q} under {limit}");
                // skipping the query itself
                let me = words.iter().position(|w| *w == q).unwrap();
                let others = words.iter().enumerate().filter(|(i, _)| *i != me);
                s.nearest(q, others.clone().map(|(_, w)| *w), limit, &mut a);
                let index: Vec<usize> = others.map(|(i, _)| i).collect();
                let a: Vec<(usize, u32)> = a.iter().map(|&(i, c)| (index[i], c)).collect();
                s.nearest_in(q, &set, limit, |i| i != me, &mut b);
                assert_eq!(a, b, "{q} under {limit}, itself skipped");
            }
        }
    }

    /// The k nearest are the first k of all candidates sorted by (cost, index).
    #[test]
    fn k_nearest_are_the_first_k_by_cost() {
        let words = WORDS;
        let set = CandidateSet::new(words);
        let mut s = Scorer::new(Weights::default());
        let mut out = Vec::new();
        for q in words {
            let mut all: Vec<(usize, u32)> = words
                .iter()
                .enumerate()
                .filter_map(|(i, w)| s.cost(q, w, 300).map(|c| (i, c)))
                .collect();
            all.sort_by_key(|&(i, c)| (c, i));
            for k in [0, 1, 2, 3, 5, 40] {
                s.k_nearest_in(q, &set, k, 300, |_| true, &mut out);
                assert_eq!(out, all[..k.min(all.len())], "{q}, k = {k}");
            }
        }
    }

    /// The letter bound never exceeds the cost, whatever the weights.
    #[test]
    fn the_letter_bound_is_a_lower_bound() {
        let words = [
            "بوتين",
            "نمر",
            "الرياض",
            "رياض",
            "تشاد",
            "كاد",
            "عبد الله",
            "عبدالله",
            "غزه",
            "غزا",
            "طهران",
            "الطيران",
            "تراقب",
            "ترامب",
            "ب",
            "",
            "بببب",
            "دجيبوتي",
            "جيبوتي",
            "پاريس",
            "فاس",
            "ڤيينا",
            "خضر",
            "abc",
            "ظظ",
            "مم",
        ];
        for w in [Weights::default(), Weights::levenshtein()] {
            let mut s = Scorer::new(w);
            let (mut ea, mut eb) = (Vec::new(), Vec::new());
            for a in words {
                for b in words {
                    encode(a, &mut ea);
                    encode(b, &mut eb);
                    let bound = Letters::of(&ea).unrelated(&Letters::of(&eb)) * w.edit;
                    let cost = s.cost(a, b, INF).expect("no limit");
                    assert!(bound <= cost, "{a} → {b}: bound {bound}, cost {cost}");
                }
            }
        }
    }

    #[test]
    fn the_limit_grows_with_length() {
        let s = Scorer::new(Weights::default());
        assert!(s.limit("باكو") < s.limit("اذربيجان"));
        assert_eq!(s.limit("عبد الله"), s.limit("عبدالله"));
        let plain = Scorer::new(Weights::levenshtein());
        assert!(plain.limit("x") >= INF / 2);
    }
}
