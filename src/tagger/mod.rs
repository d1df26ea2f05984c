//! Finds gazetteer names in text.
//!
//! The tagger folds the text once ([`crate::normalize`]), splits it into words
//! ([`crate::segment`]), and at each word start walks the gazetteer fst node by node: a prefix
//! that no key has stops the walk at once. The walk
//!
//! * crosses from one word to the next only over a joinable gap (spaces, one dash, one line
//!   feed), feeding the fst a single space;
//! * may also take the fst's space transition *inside* a word, so that a two-word name written
//!   without its space (`ناغورنوكاراباخ`, `عبدالله`) is found (each part at least two letters);
//! * may end inside a word when the rest of the word is glued on by the source: the article
//!   (`أذربيجانالمصدر`) or a preposition (`في من عن على إلى مع`); the name must then have at
//!   least four letters, its last part at least three;
//! * is tried for the whole word and for every proclitic reading ([`crate::segment::clitics`]).
//!
//! The stages, each once per document: analysis (the text folded once, its words and their
//! proclitic readings), the lattice (`lattice.rs`: every hit at every word start, walked once;
//! what the walks find inside a word is remembered per folded text, per thread: `memo.rs`),
//! the [`rules`] (composed names and aliases, which read the lattice), and the
//! decoder (`decode.rs`). Selection, at each word start, left to right:
//!
//! 1. a hit survives only if each of its variants is allowed: an exact-only variant, or a
//!    surface that is a common word (`gazetteer/common-words.txt`), needs the text to spell the
//!    variant exactly (diacritics and tatweel aside);
//! 2. the decoder's policy ranks the hits ([`Decode`]; by default, a reading of the whole word
//!    beats any proclitic reading (باكو is never ب + اكو), then the longest hit wins
//!    (leftmost-longest), then the shorter proclitic);
//! 3. a one-word gazetteer person is replaced by a longer person name the name rules compose
//!    from the same word (a given name that is also a one-word person, then a surname);
//! 4. the next search starts after the chosen mention, so mentions never overlap.
//!
//! All entities that the chosen key names, in every gazetteer layer, are reported, ranked by
//! layer, then by prior weight, each with a score (`score.rs`,
//! [`Mention::score`]).
//!
//! # Fuzzy matching (opt in: [`TaggerBuilder::fuzzy`])
//!
//! Where no key matches at a word start, the same walk runs over the text's consonant
//! skeleton ([`crate::normalize::skeleton_char`]: the /g/ letters ج غ ك ق گ as one, ڤ/ف, پ/ب,
//! ژ/ز, the long vowels ا و ي written or left out) against a second fst of key skeletons, and
//! a single word may also be one ordinary edit from a key's skeleton (a direct walk of that
//! fst, cached per tagger). The keys reached are ranked by the weighted Arabic-aware edit cost
//! of [`crate::distance`] and only the nearest tier is kept, at a cost of at most 60 (and 20 per
//! letter), for text of six letters or more. A fuzzy reading is refused for a common word
//! (with or without a one-letter proclitic), a spelling a layer knows exactly, a proclitic +
//! article shape (بالنسبة), a nisba adjective (أمريكي, سويسرية, فرنسيا); the first and last letter
//! classes must agree, the article be on both or neither (and never stripped as a clitic:
//! الهاربين is not ال + هاربن), one text word stand for one key word, a pronoun suffix the key
//! lacks (موارده) refuse the reading; in a longer name a differing word needs four letters,
//! must not be a given name or name part, nor start with a conjunction the key's word lacks
//! (سالم وعبد الله); a person needs evidence: named earlier in the document, a title just
//! before, or a full name the gazetteer knows under several spellings (most bulk people have
//! one). A fuzzy name never cuts an exact one that starts inside it and ends after it. An
//! exact reading of the rest of a word behind a one-letter proclitic (ك + اتمندو), when that
//! rest is not a common word, gives way to a fuzzy reading of the whole word (كاتمندو) that
//! names another entity. Fuzzy mentions say `"match": "fuzzy"` and carry a `cost`: the
//! weighted cost, in hundredths of an edit.
//!
//! The work is kept small: the shapes refused whatever the key (a proclitic + article, a
//! short, common or nisba word for single-word readings) are tested once per word start
//! before any walk; the one-edit walk takes only the edits that can stay under the cost
//! ceiling (a hamza, a doubled letter, a final ه, the digraphs تش/دج, a class substitution),
//! keeps the first and last letters the cost requires, and is cached per skeleton.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use crate::annotation::{Candidate, Document, MatchKind, Mention, MentionKind, Score};
use crate::distance::{Scorer, Weights};
use crate::gazetteer::{Gazetteer, VariantRef, key_of, light_form};
use crate::normalize::{self, Normalized};
use crate::segment::{self, Clitic, Word};
use crate::starts::{Start, Starts};
use rules::names::{ExactAt, Names};

mod decode;
mod lattice;
mod lines;
mod memo;
pub mod rules;
pub(crate) mod score;

pub use decode::Decode;
use fst::raw::{Fst, Node, Output};
use lattice::Lattice;

/// Tags text against one or more gazetteers.
///
/// `Tagger` is `Send + Sync`: share one across threads.
///
/// # Example
/// ```
/// use gaztag::{Gazetteer, Tagger};
/// let tagger = Tagger::new(Gazetteer::embedded());
/// let text = "وقال المتحدث باسم الكرملين إن بوتن التقى علييف بكاراباخ.";
/// let mentions = tagger.tag(text);
/// let found: Vec<(&str, &str, &str)> = mentions
///     .iter()
///     .map(|m| (&text[m.byte_start..m.byte_end], m.entity.as_str(), m.prefix.as_str()))
///     .collect();
/// assert_eq!(found, [
///     ("الكرملين", "kremlin", ""),
///     ("بوتن", "vladimir-putin", ""),
///     ("علييف", "ilham-aliyev", ""),
///     ("كاراباخ", "nagorno-karabakh", "ب"),
/// ]);
/// ```
#[derive(Clone, Debug)]
pub struct Tagger {
    layers: Vec<Gazetteer>,
    /// The first letters of each layer's names fst (see [`crate::starts`]).
    starts: Vec<Starts>,
    /// The same for each layer's name-word lists (titles, given names, name parts).
    word_starts: Vec<Starts>,
    /// Each layer's first words of titles (`rules::names::title_firsts`).
    title_firsts: std::sync::Arc<[rules::names::TitleFirsts]>,
    /// The same for each layer's skeleton fst, with fuzzy on (else empty).
    skeleton_starts: Vec<Starts>,
    demonyms: bool,
    fuzzy: bool,
    aliases: bool,
    compose: bool,
    compose_rules: rules::names::ComposeRules,
    min_score: Score,
    decode: Decode,
    /// The one-edit skeleton neighbours found so far, shared by the documents (bounded).
    edits: std::sync::Arc<Vec<std::sync::Mutex<EditCache>>>,
    /// With fuzzy on: per layer, per entity, how many spellings it has (at most 255).
    spellings: std::sync::Arc<Vec<Vec<u8>>>,
    /// Which tagger this is, for the per-thread memory of its walks (`memo.rs`); a clone has
    /// the same layers, so the same id.
    id: u64,
    /// With fuzzy on: the names prepared for name lines (`lines.rs`), made when first needed.
    line_indexes: lines::LineIndexes,
}

/// Word skeleton → the values of the skeleton keys one edit from it (one per layer).
/// One map per pair of [`pins`] (first, last): the same skeleton query gives other keys when
/// the word's ends pin other letters, so the pins are part of what a result is remembered by.
type EditCache = [HashMap<String, std::sync::Arc<Vec<u64>>>; 4];

/// How many word skeletons the edit cache holds before it starts again.
const EDIT_CACHE_MAX: usize = 200_000;

/// Builds a [`Tagger`] from gazetteer layers.
#[derive(Clone, Debug)]
pub struct TaggerBuilder {
    layers: Vec<Gazetteer>,
    demonyms: bool,
    fuzzy: bool,
    aliases: bool,
    compose: bool,
    compose_rules: rules::names::ComposeRules,
    min_score: Score,
    decode: Decode,
}

impl Default for TaggerBuilder {
    fn default() -> TaggerBuilder {
        TaggerBuilder {
            layers: Vec::new(),
            demonyms: false,
            fuzzy: false,
            aliases: true,
            compose: true,
            compose_rules: Default::default(),
            min_score: Score::default(),
            decode: Decode::default(),
        }
    }
}

impl TaggerBuilder {
    /// A builder with no gazetteer (aliases and composition on, demonyms and fuzzy off).
    pub fn new() -> TaggerBuilder {
        TaggerBuilder::default()
    }

    /// Document-level aliases: after a person's full name, its surname (and first + last
    /// name) name the same person, and a gazetteer entity's declared short forms name it
    /// (`"match": "alias"`; see [`rules::names`]). Default: on.
    pub fn aliases(&mut self, yes: bool) -> &mut TaggerBuilder {
        self.aliases = yes;
        self
    }

    /// Person-name composition: a given name or a title followed by name-like words, or a run
    /// of known name parts, is a person (`"match": "composed"`; see [`rules::names`]).
    /// Default: on, with the rules of [`rules::names::ComposeRules::default`] (`titles` and
    /// `given`);
    /// `compose(false)` turns every rule off whatever was chosen.
    pub fn compose(&mut self, yes: bool) -> &mut TaggerBuilder {
        self.compose = yes;
        self
    }

    /// Which of the composition rules run when [`TaggerBuilder::compose`] is on (see
    /// [`rules::names`]). Default: `titles` and `given`
    /// ([`rules::names::ComposeRules::default`]); `parts` is opt-in.
    pub fn compose_rules(&mut self, r: rules::names::ComposeRules) -> &mut TaggerBuilder {
        self.compose_rules = r;
        self
    }

    /// Adds a gazetteer layer. Layers added first take precedence: when several layers name
    /// an entity with the same id, the first one's entry is reported.
    pub fn gazetteer(&mut self, gazetteer: Gazetteer) -> &mut TaggerBuilder {
        self.layers.push(gazetteer);
        self
    }

    /// Also report adjective forms (nisba) of place names (`الأذربيجانية` → Azerbaijan) as
    /// mentions of kind `demonym`. Default: off.
    pub fn demonyms(&mut self, yes: bool) -> &mut TaggerBuilder {
        self.demonyms = yes;
        self
    }

    /// Also report names that differ from a key only in the ways Arabic spellings of foreign
    /// names drift, as mentions with `"match": "fuzzy"` and a cost (see the module docs).
    /// Default: off.
    pub fn fuzzy(&mut self, yes: bool) -> &mut TaggerBuilder {
        self.fuzzy = yes;
        self
    }

    /// Leaves out the mentions whose score ([`Mention::score`]) is below `score` (in
    /// [0, 1]). The mentions are chosen as without it, then the weak ones dropped: a
    /// dropped mention's text is not searched again for a shorter name. Default: 0 (all).
    pub fn min_score(&mut self, score: f64) -> &mut TaggerBuilder {
        self.min_score = Score::new(score);
        self
    }

    /// How the hits that start at one place are ranked ([`Decode`]). Default:
    /// [`Decode::LeftmostLongest`].
    pub fn decode(&mut self, decode: Decode) -> &mut TaggerBuilder {
        self.decode = decode;
        self
    }

    /// The tagger.
    pub fn build(&self) -> Tagger {
        Tagger {
            layers: self.layers.clone(),
            starts: self
                .layers
                .iter()
                .map(|g| Starts::new(g.names().as_fst()))
                .collect(),
            word_starts: self
                .layers
                .iter()
                .map(|g| Starts::new(g.name_words().as_fst()))
                .collect(),
            title_firsts: self.layers.iter().map(rules::names::title_firsts).collect(),
            skeleton_starts: if self.fuzzy {
                self.layers
                    .iter()
                    .map(|g| Starts::new(g.skeletons().as_fst()))
                    .collect()
            } else {
                Vec::new()
            },
            demonyms: self.demonyms,
            fuzzy: self.fuzzy,
            aliases: self.aliases,
            // with no rule chosen, composition finds nothing: skip its work at every word start
            compose: self.compose
                && (self.compose_rules.titles
                    || self.compose_rules.given
                    || self.compose_rules.parts),
            compose_rules: self.compose_rules,
            min_score: self.min_score,
            decode: self.decode,
            edits: std::sync::Arc::new(self.layers.iter().map(|_| Default::default()).collect()),
            spellings: std::sync::Arc::new(if self.fuzzy {
                self.layers.iter().map(spelling_counts).collect()
            } else {
                Vec::new()
            }),
            id: {
                static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
                NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            },
            line_indexes: Default::default(),
        }
    }
}

/// How many spellings each entity of `g` has (variants and short forms, at most 255).
fn spelling_counts(g: &Gazetteer) -> Vec<u8> {
    let mut counts = vec![0u8; g.len()];
    for v in (0..g.variant_count() as u32).filter_map(|i| g.variant(i)) {
        if let Some(c) = counts.get_mut(v.entity as usize) {
            *c = c.saturating_add(1);
        }
    }
    counts
}

/// What a fuzzy reading may take as evidence that a person is named: the entities named
/// earlier in the document, and whether a title comes just before.
struct FuzzyContext<'a> {
    seen: &'a HashSet<String>,
    /// Whether a title comes just before (asked of `after_title` once, when needed).
    titled: std::cell::OnceCell<bool>,
    after_title: &'a dyn Fn() -> bool,
    /// Whether a given name comes just before (asked of `after_given` once, when needed).
    given: std::cell::OnceCell<bool>,
    after_given: &'a dyn Fn() -> bool,
}

impl FuzzyContext<'_> {
    fn titled(&self) -> bool {
        *self.titled.get_or_init(self.after_title)
    }

    fn after_given_name(&self) -> bool {
        *self.given.get_or_init(self.after_given)
    }
}

/// A variant a fuzzy hit may be read as whatever the words around it
/// ([`Tagger::fuzzy_reads`]).
#[derive(Clone, Copy, Debug)]
pub(crate) struct FuzzyRead {
    /// Its place among the postings of the hit's key.
    posting: u32,
    /// The weighted cost of the reading.
    cost: u32,
    /// What the words around the hit must show.
    needs: Needs,
}

/// What the words around a fuzzy hit must show for a [`FuzzyRead`] to stand.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Needs {
    /// Nothing.
    Nothing,
    /// No given name just before (a place or a body glued to a given name is a surname).
    NoGivenNameBefore,
    /// Evidence for a person: named earlier in the document, or a title just before.
    Evidence,
}

/// A fuzzy hit and its allowed variants, each with its cost.
type FuzzyHit<'g> = (Hit, Vec<(usize, VariantRef<'g>, u32)>);

/// A place where a walk reached a key.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Hit {
    layer: usize,
    clitic: Option<&'static Clitic>,
    /// Folded byte where the name starts (after the clitic).
    start: usize,
    /// Folded byte where it ends.
    end: usize,
    /// Index of the word the end lies in.
    end_word: usize,
    value: u64,
    how: Via,
}

/// How a hit was reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Via {
    /// The names fst: the text folds to a key.
    Key,
    /// The skeleton fst: the text's skeleton is a key's skeleton.
    Skeleton,
    /// The skeleton fst, with one more edit (single words of 5+ letters).
    SkeletonEdit,
}

/// Skeleton of folded text (see [`normalize::skeleton_char`]), word for word: word `i` of the
/// view is the skeleton of folded word `i`.
struct SkeletonView {
    text: String,
    words: Vec<Word>,
    /// Folded byte (at a character start inside a word) → skeleton byte.
    of_folded: Vec<u32>,
}

impl SkeletonView {
    fn new(t: &str, words: &[Word]) -> SkeletonView {
        let mut view = SkeletonView {
            text: String::with_capacity(t.len()),
            words: Vec::with_capacity(words.len()),
            of_folded: vec![0; t.len() + 1],
        };
        for w in words {
            if !view.text.is_empty() {
                view.text.push(' ');
            }
            let start = view.text.len();
            for (i, c) in t[w.start..w.end].char_indices() {
                view.of_folded[w.start + i] = view.text.len() as u32;
                if let Some(sk) = normalize::skeleton_char(c) {
                    view.text.push(sk);
                }
            }
            if view.text.len() == start {
                // a word of long vowels only keeps its first letter (as `skeleton_word` does)
                view.text.extend(t[w.start..w.end].chars().take(1));
            }
            view.of_folded[w.end] = view.text.len() as u32;
            view.words.push(Word {
                start,
                end: view.text.len(),
                joins_next: w.joins_next,
            });
        }
        view
    }
}

/// Words the source may glue after a name (folded).
const GLUED_WORDS: &[&str] = &["في", "من", "عن", "علي", "الي", "مع"];

fn glued_rest(rest: &str) -> bool {
    GLUED_WORDS.contains(&rest)
        || rest
            .strip_prefix("ال")
            .is_some_and(|r| r.chars().nth(1).is_some())
}

#[derive(Clone, Copy)]
struct Walk {
    node_addr: usize,
    out: Output,
    pos: usize,
    word: usize,
    /// letters since the last word boundary (real or glued)
    part: usize,
    /// letters since the start of the name
    total: usize,
}

impl Walk {
    /// The walk remembered as `state`, at folded byte `pos`, the end of word `word`.
    fn resumed(state: memo::State, pos: usize, word: usize) -> Walk {
        Walk {
            node_addr: state.node,
            out: Output::new(state.out),
            pos,
            word,
            part: state.part as usize,
            total: state.total as usize,
        }
    }

    /// What this walk, stopped at the end of its word `len` bytes after the place the walks
    /// started, leaves to remember: its state when a space may follow its node (a key that
    /// goes on into the next word), else the key that ends with the word, if one does.
    fn at_word_end(&self, fst: &Fst<crate::gazetteer::Bytes>, len: usize) -> Option<memo::What> {
        let node = fst.node(self.node_addr);
        if node.find_input(b' ').is_some() {
            Some(memo::What::End(memo::State {
                node: self.node_addr,
                out: self.out.value(),
                part: self.part as u32,
                total: self.total as u32,
            }))
        } else if node.is_final() {
            // nothing can follow: the key ends with the word
            Some(memo::What::Hit {
                end: len as u32,
                value: self.out.cat(node.final_output()).value(),
            })
        } else {
            None
        }
    }
}

impl Tagger {
    /// A tagger over one gazetteer, with the default options (see [`TaggerBuilder`]).
    pub fn new(gazetteer: Gazetteer) -> Tagger {
        TaggerBuilder::new().gazetteer(gazetteer).build()
    }

    /// A builder, for several gazetteer layers.
    pub fn builder() -> TaggerBuilder {
        TaggerBuilder::new()
    }

    /// The gazetteer layers, first has precedence.
    pub fn layers(&self) -> &[Gazetteer] {
        &self.layers
    }

    /// Tags `text` and wraps the mentions as the annotations of document `name`.
    pub fn annotate(&self, name: &str, text: &str) -> Document {
        Document {
            document: name.to_owned(),
            chars: text.chars().count(),
            encoding: None,
            mentions: self.tag(text),
        }
    }

    /// Finds every mention in `text`, sorted by position, never overlapping.
    pub fn tag(&self, text: &str) -> Vec<Mention> {
        // analysis: the text folded once, its words
        let norm = normalize::normalize(text);
        let t = norm.as_str();
        let words = segment::words(t);
        let mut mentions = Vec::new();
        let (mut k, mut from) = (0, 0);
        let mut hits = Vec::new();
        let skeleton = self.fuzzy.then(|| SkeletonView::new(t, &words));
        // the lattice: the gazetteer hits of each word start, walked once
        let lattice = RefCell::new(Lattice::new(words.len()));
        // entities named so far (their short forms are valid from then on)
        let mut seen: HashSet<String> = HashSet::new();
        let mut names = (self.aliases || self.compose).then(|| {
            let mut n = Names::new(
                self.id,
                &self.layers,
                &self.word_starts,
                text,
                &norm,
                &words,
            );
            n.rules = self.compose_rules;
            n.title_firsts = &self.title_firsts;
            n
        });
        // what the rules ask of the lattice: the gazetteer name that would start at word j
        let exact_info = |j: usize, seen: &HashSet<String>| {
            let (hit, variants) = self.exact_at(text, &norm, &words, &lattice, j, seen)?;
            let first = variants.first()?;
            let entity = self.layers[first.0].entity(first.1.entity)?;
            Some(ExactAt {
                kind: entity.kind,
                entity,
                end_word: hit.end_word,
            })
        };
        // the decoder, left to right
        while k < words.len() {
            let start = from.max(words[k].start);
            let at_word = start == words[k].start;
            let mut chosen = if at_word {
                self.exact_at(text, &norm, &words, &lattice, k, &seen)
            } else {
                // the rest of a word after a name glued to it: not a word start
                hits.clear();
                self.collect(t, &words, None, k, start, &mut hits);
                self.choose(text, &norm, &hits, &seen)
            };
            // an exact reading of a whole word behind a one-letter proclitic (ل + ايدين) gives
            // way to a fuzzy reading of the whole word (لايدين, Leiden) when the stripped form
            // is not a common word
            let behind_proclitic = skeleton.is_some()
                && chosen
                    .as_ref()
                    .is_some_and(|(h, _)| self.weak_proclitic_reading(text, &norm, &words, k, h));
            let prospects = skeleton
                .as_ref()
                .filter(|_| chosen.is_none() || behind_proclitic)
                .and_then(|sk| Some((sk, self.fuzzy_prospects(text, &norm, &words, k, start)?)));
            if let Some((sk, single)) = prospects {
                hits.clear();
                self.collect(t, &words, Some((sk, single)), k, start, &mut hits);
                if behind_proclitic {
                    hits.retain(|h| h.clitic.is_none() && h.end_word == k);
                }
                // a fuzzy name never cuts an exact one that starts inside it and ends after it
                let context = FuzzyContext {
                    seen: &seen,
                    titled: std::cell::OnceCell::new(),
                    after_title: &|| self.after_title(t, &words, k),
                    given: std::cell::OnceCell::new(),
                    after_given: &|| self.after_given_name(t, &words, k),
                };
                let fuzzy = self
                    .choose_fuzzy(text, &norm, &hits, &context)
                    .filter(|(h, _)| {
                        !(k + 1..=h.end_word).any(|j| {
                            self.exact_at(text, &norm, &words, &lattice, j, &seen)
                                .is_some_and(|(e, _)| e.end > h.end)
                        })
                    });
                // ... unless it names what the proclitic reading names (ببغداد is ب + بغداد)
                let same =
                    |(_, a): &(Hit, Vec<(usize, VariantRef<'_>)>),
                     (_, b): &(Hit, Vec<(usize, VariantRef<'_>)>)| {
                        a.iter().any(|(l, v)| {
                            b.iter().any(|(m, w)| {
                                self.layers[*l].entity(v.entity).map(|e| e.id)
                                    == self.layers[*m].entity(w.entity).map(|e| e.id)
                            })
                        })
                    };
                match (&chosen, fuzzy) {
                    (Some(c), Some(f)) if behind_proclitic && same(c, &f) => {}
                    (_, f) if f.is_some() || !behind_proclitic => chosen = f,
                    _ => {}
                }
            }
            let found = match chosen {
                Some((hit, variants)) => {
                    let m = self.mention(text, &norm, start, &hit, &variants);
                    // a one-word gazetteer person never pre-empts a longer composed name (a
                    // given name that is also a person, then a surname)
                    let composed = match &mut names {
                        Some(n)
                            if self.compose
                                && at_word
                                && hit.end_word == k
                                && m.kind == crate::EntityType::Per =>
                        {
                            n.compose(k, &|j| exact_info(j, &seen))
                                .filter(|f| f.end_word > hit.end_word)
                        }
                        _ => None,
                    };
                    match composed {
                        Some(f) => Some((f.mention, f.end_word + 1, 0)),
                        None if hit.end == words[hit.end_word].end => {
                            Some((m, hit.end_word + 1, 0))
                        }
                        None => Some((m, hit.end_word, hit.end)),
                    }
                }
                None => match &mut names {
                    Some(n) if at_word => {
                        let alias = if self.aliases { n.alias(k) } else { None };
                        alias
                            .or_else(|| {
                                if !self.compose {
                                    return None;
                                }
                                n.compose(k, &|j| exact_info(j, &seen))
                            })
                            .map(|f| (f.mention, f.end_word + 1, 0))
                    }
                    _ => None,
                },
            };
            match found {
                // an adjective agreeing with the noun before it (الدول العربية) names nothing
                Some((m, next, next_from)) if rules::agreement::is_adjective(text, &m) => {
                    (k, from) = (next, next_from);
                }
                Some((mut m, next, next_from)) => {
                    self.drop_title(text, &mut m);
                    if self.aliases
                        && let Some(n) = &mut names
                    {
                        n.learn(&m);
                    }
                    seen.insert(m.entity.clone());
                    mentions.push(m);
                    (k, from) = (next, next_from);
                }
                None => (k, from) = (k + 1, 0),
            }
        }
        if self.fuzzy {
            self.name_lines(text, &mut mentions);
        }
        if self.min_score > Score::default() {
            mentions.retain(|m| m.score >= self.min_score);
        }
        set_char_offsets(text, &mut mentions);
        mentions
    }

    /// A person's gazetteer spelling that starts with a one-word title (الملك عبد الله الثاني,
    /// الشيخ زايد): the title is matched, so that the name it makes unambiguous is found, but
    /// it stays outside the span, as every title does (the name starts at the next word; the
    /// proclitic, which belonged to the title, is dropped).
    fn drop_title(&self, text: &str, m: &mut Mention) {
        if m.kind != crate::EntityType::Per {
            return;
        }
        let Some(space) = m.text.find(char::is_whitespace) else {
            return;
        };
        let title = key_of(&m.text[..space]);
        if !self.layers.iter().any(|g| g.name_word(&title).title) {
            return;
        }
        let rest = m.text[space..].trim_start();
        let bs = m.byte_end - rest.len();
        m.byte_start = bs;
        m.text = text[bs..m.byte_end].to_owned();
        m.prefix.clear();
    }

    /// Every hit starting at folded byte `start` of word `k`, for every proclitic reading and
    /// layer: through the names fst, or, given a skeleton view, through the skeleton fst.
    fn collect(
        &self,
        t: &str,
        words: &[Word],
        skeleton: Option<(&SkeletonView, bool)>,
        k: usize,
        start: usize,
        hits: &mut Vec<Hit>,
    ) {
        match skeleton {
            None => self.collect_exact(t, words, k, start, hits),
            Some((sk, single)) => self.collect_skeleton(t, words, sk, single, k, start, hits),
        }
    }

    /// [`Tagger::collect`] through the skeleton fsts (fuzzy matching), with the one-edit keys
    /// when `single`. Fuzzy names end with a word: a skeleton key counts only where a word
    /// ends, and nothing is glued after it. The hits come per proclitic reading (none after a
    /// stripped article), per layer: the walk's, then the one-edit keys.
    ///
    /// What the walks find inside the word from its start depends only on the folded word (its
    /// skeleton, its proclitic readings, its one-edit keys): it is remembered per word as
    /// [`Tagger::collect_exact`]'s walks are, and only the walks that reach the end of the word
    /// on a node a space may follow go on into the next words, each time. From inside a word
    /// (after a name glued to its start) nothing is remembered: a word of long vowels alone has
    /// a skeleton that is not a function of the text after its start.
    #[allow(clippy::too_many_arguments)]
    fn collect_skeleton(
        &self,
        t: &str,
        words: &[Word],
        sk: &SkeletonView,
        single: bool,
        k: usize,
        start: usize,
        hits: &mut Vec<Hit>,
    ) {
        let end = words[k].end;
        let text = &t[start..end];
        let replay = |events: &[memo::Event], hits: &mut Vec<Hit>| {
            for e in events {
                let layer = e.layer as usize;
                let mut push = |end, end_word, value, how| {
                    hits.push(Hit {
                        layer,
                        clitic: e.clitic,
                        start: start + e.start as usize,
                        end,
                        end_word,
                        value,
                        how,
                    })
                };
                match e.what {
                    memo::What::Hit { value, .. } => push(end, k, value, Via::Skeleton),
                    memo::What::Edit { value } => push(end, k, value, Via::SkeletonEdit),
                    memo::What::End(state) => {
                        let w = Walk::resumed(state, sk.words[k].end, k);
                        let fst = self.layers[layer].skeletons().as_fst();
                        walk_from(fst, &sk.text, &sk.words, w, false, &mut |ev| {
                            if let Ev::Hit(e, w, v) = ev
                                && e == sk.words[w].end
                            {
                                push(words[w].end, w, v, Via::Skeleton)
                            }
                        });
                    }
                }
            }
        };
        let walked = || {
            let mut events = Vec::new();
            for clitic in std::iter::once(None).chain(segment::clitics_of(text).map(Some)) {
                // a fuzzy reading never starts after a stripped article ([`Tagger::allowed_fuzzy`])
                if clitic.is_some_and(|c| c.strips_article()) {
                    continue;
                }
                let strip = clitic.map_or(0, |c| c.strip.len());
                let s = start + strip;
                for (layer, g) in self.layers.iter().enumerate() {
                    let fst = g.skeletons().as_fst();
                    let event = |what| memo::Event {
                        layer: layer as u32,
                        clitic,
                        start: strip as u32,
                        what,
                    };
                    walk_events(
                        fst,
                        self.skeleton_starts.get(layer),
                        &sk.text,
                        &sk.words,
                        k,
                        sk.of_folded[s] as usize,
                        "",
                        true,
                        &mut |ev| {
                            // a key that ends inside the word counts for nothing here
                            if let Ev::End(w) = ev {
                                events.extend(w.at_word_end(fst, end - start).map(event));
                            }
                        },
                    );
                    if single {
                        let edits = one_edit_values(g, t, words, sk, k, s, &self.edits[layer]);
                        for &value in edits.iter().flat_map(|v| v.iter()) {
                            events.push(event(memo::What::Edit { value }));
                        }
                    }
                }
            }
            events
        };
        if start != words[k].start {
            return replay(&walked(), hits);
        }
        memo::with_skeleton(self.id, single, text, |known| {
            if let Some(events) = known {
                replay(events, hits);
                return ((), None);
            }
            let events = walked();
            replay(&events, hits);
            ((), Some(events.into_boxed_slice()))
        });
    }

    /// [`Tagger::collect`] through the names fsts. What the walks from `start` find inside
    /// word `k` depends only on the text from there to the end of the word: it is remembered
    /// per text (`memo.rs`), with the walks that reach the end of the word on a node a space
    /// may follow kept as their state there, and only those go on into the next words, each
    /// time. The hits come in the order the walks find them: per proclitic reading, per layer,
    /// in walk order (a walk that goes on into the next words finishes before the next one
    /// inside the word starts, as in [`walk_from`]).
    fn collect_exact(&self, t: &str, words: &[Word], k: usize, start: usize, hits: &mut Vec<Hit>) {
        let text = &t[start..words[k].end];
        let end = words[k].end;
        let replay = |events: &[memo::Event], hits: &mut Vec<Hit>| {
            for e in events {
                let (layer, s) = (e.layer as usize, start + e.start as usize);
                let mut push = |end, end_word, value| {
                    hits.push(Hit {
                        layer,
                        clitic: e.clitic,
                        start: s,
                        end,
                        end_word,
                        value,
                        how: Via::Key,
                    })
                };
                match e.what {
                    memo::What::Hit { end, value } => push(start + end as usize, k, value),
                    // only the skeleton walks record one-edit keys
                    memo::What::Edit { .. } => {}
                    memo::What::End(state) => {
                        let w = Walk::resumed(state, end, k);
                        walk_from(
                            self.layers[layer].names().as_fst(),
                            t,
                            words,
                            w,
                            false,
                            &mut |ev| {
                                if let Ev::Hit(e, w, v) = ev {
                                    push(e, w, v)
                                }
                            },
                        );
                    }
                }
            }
        };
        memo::with(self.id, text, |known| {
            if let Some(events) = known {
                replay(events, hits);
                return ((), None);
            }
            let mut events = Vec::new();
            for clitic in std::iter::once(None).chain(segment::clitics_of(text).map(Some)) {
                let strip = clitic.map_or(0, |c| c.strip.len());
                let restore = clitic.map_or("", |c| c.restore);
                for (layer, g) in self.layers.iter().enumerate() {
                    let fst = g.names().as_fst();
                    let event = |what| memo::Event {
                        layer: layer as u32,
                        clitic,
                        start: strip as u32,
                        what,
                    };
                    let mut record = |ev| match ev {
                        Ev::Hit(e, _, value) => events.push(event(memo::What::Hit {
                            end: (e - start) as u32,
                            value,
                        })),
                        Ev::End(w) => events.extend(w.at_word_end(fst, end - start).map(event)),
                    };
                    walk_events(
                        fst,
                        Some(&self.starts[layer]),
                        t,
                        words,
                        k,
                        start + strip,
                        restore,
                        true,
                        &mut record,
                    );
                }
            }
            replay(&events, hits);
            ((), Some(events.into_boxed_slice()))
        })
    }

    /// The exact hit the decoder would choose at the start of word `k`, and its allowed
    /// variants, read from the lattice (walked there the first time).
    fn exact_at<'g>(
        &'g self,
        text: &str,
        norm: &Normalized,
        words: &[Word],
        lattice: &RefCell<Lattice>,
        k: usize,
        seen: &HashSet<String>,
    ) -> Option<(Hit, Vec<(usize, VariantRef<'g>)>)> {
        let mut lattice = lattice.borrow_mut();
        let hits = lattice.at(k, |out| {
            self.collect(norm.as_str(), words, None, k, words[k].start, out)
        });
        self.choose(text, norm, hits, seen)
    }

    /// Applies the selection rules of the module docs; returns the hit and its allowed
    /// variants, from every layer that has the same key at the same span.
    fn choose<'g>(
        &'g self,
        text: &str,
        norm: &Normalized,
        hits: &[Hit],
        seen: &HashSet<String>,
    ) -> Option<(Hit, Vec<(usize, VariantRef<'g>)>)> {
        // the decoder's policy (whole word first, then longest, … by default)
        let rank = |h: &Hit| self.decode.rank(h);
        let mut best: Option<(Hit, Vec<(usize, VariantRef<'g>)>)> = None;
        for hit in hits {
            let allowed = self.allowed(text, norm, hit, seen);
            if allowed.is_empty() {
                continue;
            }
            match &mut best {
                // the same span in another layer: more candidates
                Some((b, vs)) if rank(b) == rank(hit) => vs.extend(allowed),
                Some((b, _)) if rank(b) > rank(hit) => {}
                _ => best = Some((*hit, allowed)),
            }
        }
        best
    }

    /// The variants of `hit` that the exactness rules allow.
    fn allowed(
        &self,
        text: &str,
        norm: &Normalized,
        hit: &Hit,
        seen: &HashSet<String>,
    ) -> Vec<(usize, VariantRef<'_>)> {
        let (bs, be) = (norm.origin(hit.start), original_end(text, norm, hit.end));
        let surface = light(&text[bs..be]);
        let common = memo::is_common(self.id, &surface, || {
            self.layers.iter().any(|g| g.is_common(&surface))
        });
        // what the text spells, with the letters a clitic hid restored (لل → ل + ال)
        let restore = hit.clitic.map_or("", |c| c.restore);
        let spelled = if restore.is_empty() {
            surface
        } else {
            std::borrow::Cow::Owned(light(&format!("{restore}{}", &text[bs..be])).into_owned())
        };
        if hit.how != Via::Key {
            return Vec::new();
        }
        let allowed: Vec<(usize, VariantRef<'_>)> = self.layers[hit.layer]
            .postings(hit.value)
            .filter(|v| self.demonyms || !v.demonym)
            .filter(|v| {
                // a short form names its entity only after the full name, in this document
                !v.short
                    || (self.aliases
                        && self.layers[hit.layer]
                            .entity(v.entity)
                            .is_some_and(|e| seen.contains(e.id)))
            })
            .filter(|v| !(v.exact || common) || light(v.text) == spelled)
            .map(|v| (hit.layer, v))
            .collect();
        allowed
    }

    /// Is the text of a fuzzy hit a word that must never be read fuzzily: a common word (with
    /// or without a one-letter proclitic: لبيان), or a spelling the gazetteer already knows
    /// (exactly, under any reading)? `spelled` is the hit's text, lightly normalized, with the
    /// letters its clitic hid restored; `whole` the whole text word(s) the hit lies in.
    fn refuses_fuzzy(&self, spelled: &str, whole: &str) -> bool {
        let known = |w: &str| self.knows_exactly(&key_of(w));
        let same = spelled == whole;
        self.common_word(spelled)
            || (!same && self.common_word(whole))
            || known(spelled)
            || (!same && known(whole))
    }

    /// Is the lightly normalized word `w` a common word of a layer, with or without a
    /// one-letter proclitic (بيان, لبيان)?
    fn common_word(&self, w: &str) -> bool {
        let common = |w: &str| self.layers.iter().any(|g| g.is_common(w));
        common(w)
            || segment::LETTER_PROCLITICS
                .iter()
                .any(|c| w.strip_prefix(c).is_some_and(common))
    }

    /// Can a fuzzy reading start at folded byte `start` of word `k` at all, and can it be a
    /// single word? The cheapest refusals of [`Tagger::allowed_fuzzy`] that depend on the word
    /// alone, tested once before any walk: `None` when every reading would be refused (a
    /// proclitic + article shape), `Some(false)` when only a longer name may start there (the
    /// word is short, a common word, or a nisba shape).
    fn fuzzy_prospects(
        &self,
        text: &str,
        norm: &Normalized,
        words: &[Word],
        k: usize,
        start: usize,
    ) -> Option<bool> {
        // the tests of the word's own shape depend on its original text alone: remembered
        let original = &text[norm.origin(start)..original_end(text, norm, words[k].end)];
        let single = memo::fuzzy_shape(self.id, original, || {
            let whole = light(original);
            if article_shape(&whole) {
                return None;
            }
            Some(!nisba_shape(&whole) && !self.layers.iter().any(|g| g.is_common(&whole)))
        })?;
        // a single word needs FUZZY_MIN_LETTERS letters (see `one_edit_values`)
        let rest = &norm.as_str()[start..words[k].end];
        let letters = rest.strip_prefix("ال").unwrap_or(rest).chars().count();
        // only the cheap tests: `allowed_fuzzy` makes the others on what the walks find
        Some(single && letters >= FUZZY_EDIT_MIN_LETTERS.max(FUZZY_MIN_LETTERS))
    }

    /// The variants of fuzzy `hit` that may be read there, each with its weighted cost
    /// ([`crate::distance::Scorer`]) under the length threshold: [`Tagger::fuzzy_reads`]
    /// (remembered), then the tests that depend on the words around it.
    fn allowed_fuzzy(
        &self,
        text: &str,
        norm: &Normalized,
        hit: &Hit,
        context: &FuzzyContext<'_>,
    ) -> Vec<(usize, VariantRef<'_>, u32)> {
        let reads = self.fuzzy_reads(text, norm, hit);
        if reads.is_empty() {
            return Vec::new();
        }
        let g = &self.layers[hit.layer];
        let mut reads = reads.iter().peekable();
        let mut allowed = Vec::new();
        for (i, v) in g.postings(hit.value).enumerate() {
            let Some(r) = reads.next_if(|r| r.posting as usize == i) else {
                continue;
            };
            let ok = match r.needs {
                Needs::Nothing => true,
                // a place or a body read fuzzily right after a given name, the word glued to
                // it, is that person's surname (ميلاني هاملتون, كلود مانديل)
                Needs::NoGivenNameBefore => !context.after_given_name(),
                // a person: with evidence only, named earlier in the document or a title just
                // before (a full name known under several spellings needs none: `fuzzy_reads`)
                Needs::Evidence => g
                    .entity(v.entity)
                    .is_some_and(|e| context.seen.contains(e.id) || context.titled()),
            };
            if ok {
                allowed.push((hit.layer, v, r.cost));
            }
        }
        allowed
    }

    /// What of fuzzy `hit` may be read there whatever the words around it: the variants
    /// (by their place among the key's postings) with their cost and what the context must
    /// show. It depends on the hit's original text, proclitic, key and way alone, and is
    /// remembered per thread as the walks are ([`memo::fuzzy_reads`]).
    fn fuzzy_reads(&self, text: &str, norm: &Normalized, hit: &Hit) -> std::rc::Rc<[FuzzyRead]> {
        // the article is part of a name: a fuzzy reading never starts after a stripped one
        // (الهاربين is not ال + هاربن)
        if hit.clitic.is_some_and(|c| c.strips_article()) {
            return std::rc::Rc::from([]);
        }
        let (bs, be) = (norm.origin(hit.start), original_end(text, norm, hit.end));
        let whole_start = norm.origin(hit.start - hit.clitic.map_or(0, |c| c.strip.len()));
        let mut key = String::with_capacity(be - whole_start + 32);
        key.push_str(&text[whole_start..be]);
        for n in [
            (bs - whole_start) as u64,
            hit.clitic.map_or(0, |c| std::ptr::from_ref(c) as u64),
            hit.layer as u64,
            hit.value,
            hit.how as u64,
        ] {
            key.push('\0');
            key.push_str(&n.to_string());
        }
        memo::fuzzy_reads(self.id, &key, || {
            self.find_fuzzy_reads(&text[whole_start..be], bs - whole_start, hit)
                .into()
        })
    }

    /// [`Tagger::fuzzy_reads`] of `hit`, whose original text (its proclitic included) is
    /// `original`, the proclitic its first `split` bytes.
    fn find_fuzzy_reads(&self, original: &str, split: usize, hit: &Hit) -> Vec<FuzzyRead> {
        // (`light`: most words are their own light form, and are not copied)
        let restore = hit.clitic.map_or("", |c| c.restore);
        let spelled = if restore.is_empty() {
            light(&original[split..])
        } else {
            std::borrow::Cow::Owned(light_form(&format!("{restore}{}", &original[split..])))
        };
        let whole = light(original);
        if self.refuses_fuzzy(&spelled, &whole) {
            return Vec::new();
        }
        let folded = key_of(&spelled);
        // a word that starts with a proclitic and the article (بالنسبة, والمنظمة) or ends as an
        // adjective or its feminine (ي, ية: سويسرية for سويسرا) is a common word's shape
        let last = whole.split(' ').next_back().unwrap_or("");
        if article_shape(&whole) || nisba_shape(last) {
            return Vec::new();
        }
        // a word of a longer name that is itself a given name or a name part is another
        // person's (حسن is not حسين, محمد not محمود): it must be spelled as in the key
        let name_word = |w: &str| {
            self.layers.iter().any(|g| {
                let n = g.name_word(w);
                n.given || n.part
            })
        };
        // a pronoun suffix (موارده, مواردها): a common noun's shape, unless the key ends so
        let pronoun = ["ها", "هم", "هما", "كم", "نا"]
            .iter()
            .find(|p| last.ends_with(*p))
            .copied()
            .or_else(|| last.ends_with('ه').then_some("ه"));
        let g = &self.layers[hit.layer];
        g.postings(hit.value)
            .enumerate()
            // an exact-only variant or a short form is never read fuzzily
            .filter(|(_, v)| (self.demonyms || !v.demonym) && !v.short && !v.exact)
            .filter_map(|(i, v)| {
                let key = key_of(v.text);
                // one word of text for one word of the key (ريدينج is not ريد وينغ)
                if folded.split(' ').count() != key.split(' ').count() {
                    return None;
                }
                // in a longer name, a word that differs from the key's must have four letters
                // (عبد is not عبيد), not be another person's name, and not start with a
                // conjunction the key's word lacks (سالم وعبد الله is two people); a
                // preposition (على) is never part of it
                if folded.contains(' ')
                    && (whole.split(' ').any(|w| w == "على")
                        || folded.split(' ').zip(key.split(' ')).any(|(a, b)| {
                            a != b
                                && (name_word(a)
                                    || a.chars().count() < 4
                                    || ["و", "ف"]
                                        .iter()
                                        .any(|c| a.starts_with(c) && !b.starts_with(c)))
                        }))
                {
                    return None;
                }
                if pronoun.is_some_and(|p| !v.text.ends_with(p)) {
                    return None;
                }
                let entity = g.entity(v.entity)?;
                // a place or a body whose name the text spells exactly, with only the words
                // around it differing from the key's (أقاليم دارفور for إقليم دارفور, جبال لبنان
                // for جبل لبنان): those words are other words, a plural or an adjective, and
                // the exact name is the mention
                if entity.kind != crate::EntityType::Per
                    && folded.contains(' ')
                    && self.exact_name_inside(&folded, &key)
                {
                    return None;
                }
                // a person needs evidence ([`Needs::Evidence`]) unless the name is a full name
                // the gazetteer knows under several spellings, not one of the bulk names with
                // a single one
                let several = || {
                    self.spellings
                        .get(hit.layer)
                        .and_then(|c| c.get(v.entity as usize))
                        .is_some_and(|&n| n > 1)
                };
                let needs = if entity.kind != crate::EntityType::Per {
                    if hit.clitic.is_none() {
                        Needs::NoGivenNameBefore
                    } else {
                        Needs::Nothing
                    }
                } else if key.contains(' ') && several() {
                    Needs::Nothing
                } else {
                    Needs::Evidence
                };
                // an adjective in the accusative (فرنسيا, أمريكيا) is not the place (فرنسا)
                if last.ends_with("يا") && key.ends_with('ا') && !key.ends_with("يا") {
                    return None;
                }
                let cost = fuzzy_cost(&folded, &key, hit.how)?;
                Some(FuzzyRead {
                    posting: u32::try_from(i).ok()?,
                    cost,
                    needs,
                })
            })
            .collect()
    }

    /// Of the words of fuzzy text `folded` (folded, one word for one of `key`), do those
    /// spelled as in `key` make one unbroken run that every other word lies outside of, and
    /// is that run a name some layer knows exactly?
    fn exact_name_inside(&self, folded: &str, key: &str) -> bool {
        let words: Vec<&str> = folded.split(' ').collect();
        let same: Vec<bool> = words
            .iter()
            .zip(key.split(' '))
            .map(|(a, b)| *a == b)
            .collect();
        let (Some(first), Some(last)) =
            (same.iter().position(|&s| s), same.iter().rposition(|&s| s))
        else {
            return false;
        };
        same[first..=last].iter().all(|&s| s) && self.knows_exactly(&words[first..=last].join(" "))
    }

    /// Is `key` (a folded name key) a name some layer knows exactly?
    fn knows_exactly(&self, key: &str) -> bool {
        self.layers.iter().any(|g| g.names().contains_key(key))
    }

    /// Is exact `hit` at word `k` the rest of the word behind a one-letter proclitic (ل + ايدين),
    /// a rest that is not a common word: a reading a fuzzy reading of the whole word may beat?
    fn weak_proclitic_reading(
        &self,
        text: &str,
        norm: &Normalized,
        words: &[Word],
        k: usize,
        hit: &Hit,
    ) -> bool {
        let Some(c) = hit.clitic else {
            return false;
        };
        if c.strips_article()
            || !c.restore.is_empty()
            || !segment::LETTER_PROCLITICS.contains(&c.strip)
            || hit.end_word != k
            || hit.end != words[k].end
        {
            return false;
        }
        let rest = light_form(&text[norm.origin(hit.start)..original_end(text, norm, hit.end)]);
        !self.layers.iter().any(|g| g.is_common(&rest))
    }

    /// Does a person title (`titles.txt`: one word or two) end just before word `k`?
    /// Is word `k` right after a given name (the word before, joined to it, is one)?
    fn after_given_name(&self, t: &str, words: &[Word], k: usize) -> bool {
        k > 0 && words[k - 1].joins_next && {
            let key = key_of(&t[words[k - 1].start..words[k - 1].end]);
            self.layers.iter().any(|g| g.name_word(&key).given)
        }
    }

    fn after_title(&self, t: &str, words: &[Word], k: usize) -> bool {
        let title = |from: usize| {
            let key = key_of(&t[words[from].start..words[k - 1].end]);
            self.layers.iter().any(|g| g.name_word(&key).title)
        };
        k > 0
            && words[k - 1].joins_next
            && (title(k - 1) || (k > 1 && words[k - 2].joins_next && title(k - 2)))
    }

    /// The fuzzy reading at one place: of every hit's allowed variants, only the nearest tier
    /// (the lowest weighted cost) is kept; among the hits that reach it, the decoder's policy
    /// chooses (as for exact hits). The variants come nearest first.
    fn choose_fuzzy<'g>(
        &'g self,
        text: &str,
        norm: &Normalized,
        hits: &[Hit],
        context: &FuzzyContext<'_>,
    ) -> Option<(Hit, Vec<(usize, VariantRef<'g>)>)> {
        let mut all: Vec<FuzzyHit<'g>> = hits
            .iter()
            .map(|h| (*h, self.allowed_fuzzy(text, norm, h, context)))
            .filter(|(_, vs)| !vs.is_empty())
            .collect();
        let best = all
            .iter()
            .flat_map(|(_, vs)| vs.iter().map(|v| v.2))
            .min()?;
        let rank = |h: &Hit| self.decode.rank(h);
        let mut chosen: Option<(Hit, Vec<(usize, VariantRef<'g>)>)> = None;
        for (hit, vs) in &mut all {
            vs.retain(|v| v.2 == best);
            if vs.is_empty() {
                continue;
            }
            let vs = vs.iter().map(|&(l, v, _)| (l, v));
            match &mut chosen {
                Some((b, bvs)) if rank(b) == rank(hit) => {
                    for v in vs {
                        if !bvs
                            .iter()
                            .any(|(l, w)| *l == v.0 && w.text == v.1.text && w.entity == v.1.entity)
                        {
                            bvs.push(v);
                        }
                    }
                }
                Some((b, _)) if rank(b) > rank(hit) => {}
                _ => chosen = Some((*hit, vs.collect())),
            }
        }
        chosen
    }

    /// Builds the mention for a chosen hit; `variants` carry their layer index, the layers in
    /// order and, within a layer, the entities by prior weight (the postings' order).
    fn mention(
        &self,
        text: &str,
        norm: &Normalized,
        start: usize,
        hit: &Hit,
        variants: &[(usize, VariantRef<'_>)],
    ) -> Mention {
        let (bs, be) = (norm.origin(hit.start), original_end(text, norm, hit.end));
        // (layer, entity, the variant that named it), one per entity
        let mut ranked: Vec<(usize, crate::gazetteer::EntityRef<'_>, VariantRef<'_>)> =
            Vec::with_capacity(variants.len().min(4));
        for (layer, v) in variants {
            let Some(e) = self.layers[*layer].entity(v.entity) else {
                continue;
            };
            if ranked.iter().any(|(_, c, _)| c.id == e.id) {
                continue;
            }
            ranked.push((*layer, e, *v));
        }
        // several keys of one span (عبدالله, عبد الله) may bring entities of one layer: the
        // heavier first (a key's own postings are in that order already)
        if ranked.len() > 1 {
            ranked.sort_by_key(|(layer, e, _)| (*layer, std::cmp::Reverse(e.weight)));
        }
        let (variant, short, form) = match ranked.first() {
            Some((_, _, v)) if v.demonym => (v.text, v.short, MentionKind::Demonym),
            Some((_, _, v)) => (v.text, v.short, MentionKind::Name),
            None => ("", false, MentionKind::Name),
        };
        let how = match hit.how {
            Via::Key if short => MatchKind::Alias,
            Via::Key => MatchKind::Exact,
            _ => MatchKind::Fuzzy,
        };
        let cost = (hit.how != Via::Key).then(|| {
            let restore = hit.clitic.map_or("", |c| c.restore);
            fuzzy_cost(
                &key_of(&format!("{restore}{}", &text[bs..be])),
                &key_of(variant),
                hit.how,
            )
            .unwrap_or(crate::distance::Weights::default().edit)
        });
        let base = score::of_match(how, form, cost);
        let candidates = score::ranked(base, &ranked, |(l, e, _)| (*l, e.weight))
            .zip(&ranked)
            .map(|(score, (_, e, _))| candidate(e, score))
            .collect();
        let prefix = text[norm.origin(start)..bs].to_owned();
        mention_of(
            text,
            (bs, be),
            variant,
            prefix,
            (how, cost, form),
            candidates,
        )
    }
}

/// The candidate entity `e` at `score`.
pub(crate) fn candidate(e: &crate::gazetteer::EntityRef<'_>, score: Score) -> Candidate {
    Candidate {
        entity: e.id.to_owned(),
        kind: e.kind,
        name: e.name.to_owned(),
        score,
        wikidata: e.wikidata.map(str::to_owned),
        geonames: e.geonames.map(str::to_owned),
    }
}

/// The mention of `text[bs..be]`, found as `how` (with `cost`, as `form`) through `variant`
/// behind `prefix`: the first of `candidates` (best first) is its entity, and the list is kept
/// only when it holds several.
pub(crate) fn mention_of(
    text: &str,
    (bs, be): (usize, usize),
    variant: &str,
    prefix: String,
    (how, cost, form): (MatchKind, Option<u32>, MentionKind),
    mut candidates: Vec<Candidate>,
) -> Mention {
    let first = match candidates.len() {
        0 => Candidate {
            entity: String::new(),
            kind: crate::EntityType::Loc,
            name: String::new(),
            score: Score::default(),
            wikidata: None,
            geonames: None,
        },
        1 => candidates.pop().expect("one"),
        _ => candidates[0].clone(),
    };
    Mention {
        start: 0,
        end: 0,
        byte_start: bs,
        byte_end: be,
        text: text[bs..be].to_owned(),
        kind: first.kind,
        entity: first.entity,
        name: first.name,
        variant: variant.to_owned(),
        prefix,
        how,
        cost,
        score: first.score,
        form,
        wikidata: first.wikidata,
        geonames: first.geonames,
        candidates,
    }
}

/// Does the lightly normalized `whole` start with a proclitic and the article (بالنسبة,
/// والمنظمة, للتنمية): a common word's shape, never read fuzzily?
fn article_shape(whole: &str) -> bool {
    ["بال", "وال", "فال", "كال", "لل"]
        .iter()
        .any(|p| whole.starts_with(p))
}

/// Does the lightly normalized word end as an adjective (a nisba) or its feminine or plural
/// (ي + ة/ه, ين, ون: سويسرية for سويسرا)?
fn nisba_shape(word: &str) -> bool {
    ["يه", "ية", "يين", "يون"].iter().any(|e| word.ends_with(e))
}

/// Fewest letters a key needs to be reached with an ordinary edit on top of its skeleton.
const FUZZY_EDIT_MIN_LETTERS: usize = 5;

/// The highest weighted cost a fuzzy match may have, whatever the length threshold allows.
const FUZZY_MAX_COST: u32 = 60;
/// Fewest letters (the article not counted) the text of a fuzzy match needs.
const FUZZY_MIN_LETTERS: usize = 6;

thread_local! {
    /// The weighted edit cost of fuzzy matches, one scorer (and its buffers) per thread.
    static SCORER: RefCell<Scorer> = RefCell::new(Scorer::new(Weights::default()));
}

/// The cost of a fuzzy match of the folded text `folded` against the folded `key`, in
/// hundredths of an edit ([`crate::distance`]), or `None` when `key` is not a plausible
/// drift of it. The drift happens inside a name: the article is the same on both or on
/// neither; the first and the last letters are the same up to the skeleton classes (ج/غ/ك/ق,
/// …), final ه/ا and initial ع/ا aside, so a nisba adjective (أمريكي for أمريكا) never is drift;
/// and the weighted cost is under the threshold that grows with length (20 per letter: 100
/// for five letters). Reaching a key through one more edit on its skeleton needs five letters.
fn fuzzy_cost(folded: &str, key: &str, how: Via) -> Option<u32> {
    // (most names are one word: copied only when there is a space to take out)
    fn joined(s: &str) -> std::borrow::Cow<'_, str> {
        if s.contains(' ') {
            std::borrow::Cow::Owned(s.replace(' ', ""))
        } else {
            std::borrow::Cow::Borrowed(s)
        }
    }
    let (f, k) = (joined(folded), joined(key));
    let (f, k) = match (f.strip_prefix("ال"), k.strip_prefix("ال")) {
        (Some(f), Some(k)) => (f, k),
        (None, None) => (&*f, &*k),
        _ => return None,
    };
    let class = |c: Option<char>| c.map(|c| normalize::skeleton_char(c).unwrap_or(c));
    let first = |s: &str| s.chars().next().map(|c| if c == 'ع' { 'ا' } else { c });
    let n = k.chars().count();
    if f.chars().count() < FUZZY_MIN_LETTERS
        || class(first(f)) != class(first(k))
        || class(f.chars().last()) != class(k.chars().last())
        || (how == Via::SkeletonEdit && n < FUZZY_EDIT_MIN_LETTERS)
        || f.ends_with('ي') != k.ends_with('ي')
    {
        return None;
    }
    SCORER.with(|s| {
        let mut s = s.borrow_mut();
        let limit = s.limit(f).min(FUZZY_MAX_COST);
        s.cost(f, k, limit)
    })
}

/// The values of the one-word skeleton keys one edit from word `k` read from folded byte `s`
/// ([`one_edit_keys`], remembered in `cache`); `None` when the word is too short for them.
fn one_edit_values(
    g: &Gazetteer,
    t: &str,
    words: &[Word],
    sk: &SkeletonView,
    k: usize,
    s: usize,
    cache: &std::sync::Mutex<EditCache>,
) -> Option<std::sync::Arc<Vec<u64>>> {
    // a single word needs FUZZY_MIN_LETTERS letters, the article not counted ([`fuzzy_cost`])
    let rest = &t[s..words[k].end];
    let letters = rest.strip_prefix("ال").unwrap_or(rest).chars().count();
    if letters < FUZZY_EDIT_MIN_LETTERS.max(FUZZY_MIN_LETTERS) {
        return None;
    }
    let from = sk.of_folded[s] as usize;
    let query = &sk.text[from..sk.words[k].end];
    let pinned = pins(rest);
    let slot = usize::from(pinned.0) * 2 + usize::from(pinned.1);
    let found = cache.lock().ok().and_then(|c| c[slot].get(query).cloned());
    let values = match found {
        Some(v) => v,
        None => {
            let mut values = Vec::new();
            one_edit_keys(g.skeletons().as_fst(), query, pinned, &mut values);
            values.sort_unstable();
            values.dedup();
            let values = std::sync::Arc::new(values);
            if let Ok(mut c) = cache.lock() {
                if c[slot].len() >= EDIT_CACHE_MAX {
                    c[slot].clear();
                }
                c[slot].insert(query.to_owned(), values.clone());
            }
            values
        }
    };
    Some(values)
}

/// The values of the one-word keys of `fst` at most one edit (a letter inserted, deleted or
/// substituted) from `query`, into `out` (possibly repeated): a depth-first walk with an edit
/// budget of one, which reads only the nodes such keys pass through.
///
/// With `pins` = (first, last), only keys that start (end) with the query's first (last)
/// letter: the letters [`fuzzy_cost`] requires to agree, when the text's are consonants.
fn one_edit_keys(
    fst: &Fst<crate::gazetteer::Bytes>,
    query: &str,
    (pin_first, pin_last): (bool, bool),
    out: &mut Vec<u64>,
) {
    let q: Vec<char> = query.chars().collect();
    let q_last = q.last().copied();
    // (node, output so far, letters of the query read, the edit spent, the last letter taken)
    let mut stack = vec![(fst.root(), Output::zero(), 0usize, false, None)];
    let mut inserts: Vec<char> = Vec::with_capacity(5);
    while let Some((node, out_so_far, i, used, last)) = stack.pop() {
        if i == q.len() && node.is_final() && (!pin_last || last == q_last) {
            out.push(out_so_far.cat(node.final_output()).value());
        }
        // the letters tried here share a few lead bytes (the Arabic letters are D8 or D9 and
        // one more byte): the node after each lead byte is found once, not once per letter
        let mut leads: [Option<Option<(Node<'_>, Output)>>; 4] = [None; 4];
        let mut next = |letter: char| {
            let mut buf = [0; 4];
            let bytes = letter.encode_utf8(&mut buf).as_bytes();
            match bytes {
                &[lead @ 0xD8..=0xDB, b] => {
                    let slot = &mut leads[usize::from(lead - 0xD8)];
                    let (n, o) = (*slot.get_or_insert_with(|| step(fst, &node, lead)))?;
                    let (n, o2) = step(fst, &n, b)?;
                    Some((n, o.cat(o2)))
                }
                _ => steps(fst, &node, bytes),
            }
        };
        // the query's next letter, as written
        if let Some(&letter) = q.get(i)
            && let Some((n, o)) = next(letter)
        {
            stack.push((n, out_so_far.cat(o), i + 1, used, Some(letter)));
        }
        // a key that starts with the query's first letter: an edit before it, or of it, gives
        // a key that does not, or one the walk reaches after that letter anyway
        if used || (pin_first && i == 0) {
            continue;
        }
        if i < q.len() && cheap_indel(&q, i, q[i], last) {
            // a letter of the query deleted
            stack.push((node, out_so_far, i + 1, true, last));
        }
        // only the few letters an edit under the cost ceiling can bring: no need to list
        // every letter that follows the node
        let mut follow = |letter: char, i: usize, stack: &mut Vec<_>| {
            if let Some((n, o)) = next(letter) {
                stack.push((n, out_so_far.cat(o), i, true, Some(letter)));
            }
        };
        // a letter inserted
        inserts.clear();
        inserts.extend(['ء', 'ه', 'ت', 'د']);
        inserts.extend(last);
        inserts.sort_unstable();
        inserts.dedup();
        for &letter in &inserts {
            if cheap_indel(&q, i, letter, last) {
                follow(letter, i, &mut stack);
            }
        }
        // a letter substituted
        if let Some(&ql) = q.get(i) {
            for &letter in substitutes(ql) {
                follow(letter, i + 1, &mut stack);
            }
        }
    }
}

/// The folded letters that skeleton letter `c` stands for ([`normalize::skeleton_char`]).
fn skeleton_members(c: char) -> &'static [char] {
    match c {
        'ك' => &['ك', 'ج', 'غ', 'ق', 'گ'],
        'ف' => &['ف', 'ڤ'],
        'ب' => &['ب', 'پ'],
        'ز' => &['ز', 'ژ'],
        _ => &[],
    }
}

/// Can substituting skeleton letter `b` for `a` stay under [`FUZZY_MAX_COST`]: do some two
/// letters they stand for share a vowel, /g/ or transliteration class (ث/س, ض/د, …)? An
/// ordinary substitution alone costs more than a fuzzy match may.
fn cheap_substitution(a: char, b: char) -> bool {
    let w = Weights::default();
    let members = |c: char| {
        let m = skeleton_members(c);
        if m.is_empty() { vec![c] } else { m.to_vec() }
    };
    members(a).iter().any(|&x| {
        members(b)
            .iter()
            .any(|&y| w.substitution(x, y) <= FUZZY_MAX_COST)
    })
}

/// The skeleton letters other than `c` that may be substituted for it under the cost ceiling
/// ([`cheap_substitution`]), computed once.
fn substitutes(c: char) -> &'static [char] {
    static TABLE: std::sync::OnceLock<Vec<(char, Vec<char>)>> = std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| {
        // every skeleton letter of the Arabic block (and پ چ ژ ڤ گ)
        let letters: Vec<char> = ('\u{0621}'..='\u{064A}')
            .chain(['پ', 'چ', 'ژ', 'ڤ', 'گ'])
            .filter_map(normalize::skeleton_char)
            .filter(|c| c.is_alphabetic())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        letters
            .iter()
            .map(|&a| {
                let subs = letters
                    .iter()
                    .copied()
                    .filter(|&b| b != a && cheap_substitution(a, b))
                    .collect();
                (a, subs)
            })
            .collect()
    });
    table
        .iter()
        .find(|(k, _)| *k == c)
        .map_or(&[], |(_, v)| v.as_slice())
}

/// Can inserting or deleting skeleton letter `x` before query letter `i` stay under
/// [`FUZZY_MAX_COST`] ([`crate::distance`]): a hamza (a vowel seat), a letter doubled (`last`,
/// the letter before it, is the same: a shadda written out), a final ه (against a final ا),
/// or ت before ش and د before ج (the digraphs تش, دج for one letter)? `q` is the query
/// skeleton; for a deletion `x` is `q[i]`.
fn cheap_indel(q: &[char], i: usize, x: char, last: Option<char>) -> bool {
    let w = Weights::default();
    let deleting = q.get(i) == Some(&x);
    let next = if deleting { q.get(i + 1) } else { q.get(i) };
    (x == 'ء' && w.vowel_indel <= FUZZY_MAX_COST)
        || (last == Some(x) && w.gemination <= FUZZY_MAX_COST)
        || (x == 'ه' && next.is_none() && w.final_sub <= FUZZY_MAX_COST)
        || (w.digraph <= FUZZY_MAX_COST
            && ((x == 'ت' && next == Some(&'ش')) || (x == 'د' && next == Some(&'ك'))))
}

/// Which ends of the skeleton of the folded word `rest` a one-edit key must share with it
/// (see [`one_edit_keys`]): [`fuzzy_cost`] wants the first and last letters of text and key in
/// one skeleton class, so where the text's letter is a consonant (not ع, which may stand for
/// ا, and not the article's ا) the key's skeleton has the same letter there.
fn pins(rest: &str) -> (bool, bool) {
    let consonant =
        |c: Option<char>| c.is_some_and(|c| c != 'ع' && normalize::skeleton_char(c).is_some());
    (
        consonant(rest.chars().next()),
        consonant(rest.chars().next_back()),
    )
}

/// Follows `bytes` from `node`.
fn steps<'f>(
    fst: &'f Fst<crate::gazetteer::Bytes>,
    node: &Node<'f>,
    bytes: &[u8],
) -> Option<(Node<'f>, Output)> {
    let (mut n, mut out) = (*node, Output::zero());
    for &b in bytes {
        let (next, o) = step(fst, &n, b)?;
        n = next;
        out = out.cat(o);
    }
    Some((n, out))
}

/// Walks `fst` from folded byte `pos` of word `k` (after feeding `restore`), calling
/// `emit(end, end_word, value)` for every key that ends at an allowed place. `starts`, the
/// table of `fst`'s first letters, lets the walk skip the top of the fst and refuse most starts
/// before decoding any node. The tagger walks through the memory of `memo.rs`
/// ([`walk_events`] with `stop`); this plain walk is the tests' reference for it.
#[cfg(test)]
#[allow(clippy::too_many_arguments)]
fn walk(
    fst: &Fst<crate::gazetteer::Bytes>,
    starts: Option<&Starts>,
    t: &str,
    words: &[Word],
    k: usize,
    pos: usize,
    restore: &str,
    emit: &mut impl FnMut(usize, usize, u64),
) {
    walk_events(fst, starts, t, words, k, pos, restore, false, &mut |ev| {
        if let Ev::Hit(e, w, v) = ev {
            emit(e, w, v)
        }
    })
}

/// What a walk reports.
enum Ev {
    /// A key ends at folded byte `.0`, in word `.1`, with value `.2`.
    Hit(usize, usize, u64),
    /// A walk told to stop there reached the end of the word it started in, in this state
    /// (the key that may end there is not reported: going on from the state reports it).
    End(Walk),
}

/// Walks `fst` from folded byte `pos` of word `k` (after feeding `restore`), reporting [`Ev`]s:
/// every key that ends at an allowed place; `starts`, the table of `fst`'s first letters, lets
/// the walk skip the top of the fst and refuse most starts before decoding any node. With
/// `stop`, each walk stops at the end of word `k` and reports its state there instead of going
/// on (what it then finds is not a function of word `k` alone).
#[allow(clippy::too_many_arguments)]
#[inline]
fn walk_events(
    fst: &Fst<crate::gazetteer::Bytes>,
    starts: Option<&Starts>,
    t: &str,
    words: &[Word],
    k: usize,
    pos: usize,
    restore: &str,
    stop: bool,
    emit: &mut impl FnMut(Ev),
) {
    // the first letter from the table (the restored one, or the word's own)
    let first = restore.chars().next().or_else(|| t[pos..].chars().next());
    if let (Some(starts), Some(c)) = (starts, first)
        && restore.len() <= c.len_utf8()
    {
        match starts.start(c) {
            Start::Root => {}
            Start::Never => return,
            Start::Node { addr, out, slot } => {
                let after = if restore.is_empty() {
                    pos + c.len_utf8()
                } else {
                    pos
                };
                let word = words[k];
                let crosses = word.joins_next && k + 1 < words.len();
                // what the walk feeds next: the word's next letter, or the space to the next word
                let next = if after < word.end {
                    t[after..].chars().next()
                } else if crosses {
                    Some(' ')
                } else {
                    None
                };
                let one = Walk {
                    node_addr: addr,
                    out: Output::new(out),
                    pos: after,
                    word: k,
                    part: 1,
                    total: 1,
                };
                let Some(n) = next else {
                    return walk_from(fst, t, words, one, stop, emit);
                };
                if !starts.may_follow(slot, n) {
                    // only a one-letter key ending with the word can be there
                    return end_or_final(fst, words, &one, stop, emit);
                }
                let pair = match starts.pair(slot, n) {
                    Some(p) if n != ' ' => p,
                    // an untabled letter, or the space to the next word: walk on from there
                    _ => return walk_from(fst, t, words, one, stop, emit),
                };
                let after = after + n.len_utf8();
                let two = Walk {
                    node_addr: pair.addr,
                    out: Output::new(pair.out),
                    pos: after,
                    word: k,
                    part: 2,
                    total: 2,
                };
                // a third letter, the space to the next word, or a space taken inside the word
                // (which needs two letters after it)
                let goes_on = if after < word.end {
                    t[after..]
                        .chars()
                        .next()
                        .is_some_and(|c| pair.may_follow(c))
                        || (pair.may_follow(' ') && t[after..word.end].chars().nth(1).is_some())
                } else {
                    crosses && pair.may_follow(' ')
                };
                if goes_on {
                    walk_from(fst, t, words, two, stop, emit);
                } else {
                    end_or_final(fst, words, &two, stop, emit);
                }
                return;
            }
        }
    }
    let mut node = fst.root();
    let mut out = Output::zero();
    for &b in restore.as_bytes() {
        match step(fst, &node, b) {
            Some((n, o)) => {
                node = n;
                out = out.cat(o);
            }
            None => return,
        }
    }
    let letters = restore.chars().count();
    walk_from(
        fst,
        t,
        words,
        Walk {
            node_addr: node.addr(),
            out,
            pos,
            word: k,
            part: letters,
            total: letters,
        },
        stop,
        emit,
    );
}

/// Emits the key of a walk that cannot go on, when it is at the end of its word on a final
/// node (what the walk loop would do there); with `stop`, reports the walk's state there
/// instead ([`Ev::End`]).
fn end_or_final(
    fst: &Fst<crate::gazetteer::Bytes>,
    words: &[Word],
    w: &Walk,
    stop: bool,
    emit: &mut impl FnMut(Ev),
) {
    if w.pos != words[w.word].end {
        return;
    }
    if stop {
        return emit(Ev::End(*w));
    }
    let node = fst.node(w.node_addr);
    if node.is_final() {
        emit(Ev::Hit(
            w.pos,
            w.word,
            w.out.cat(node.final_output()).value(),
        ));
    }
}

/// The walk loop of [`walk_events`], from a given state; with `stop`, a walk that reaches the end
/// of the word the state is in reports its state there ([`Ev::End`]) and goes no further.
#[inline]
fn walk_from(
    fst: &Fst<crate::gazetteer::Bytes>,
    t: &str,
    words: &[Word],
    start: Walk,
    stop: bool,
    emit: &mut impl FnMut(Ev),
) {
    let stop_word = if stop { start.word } else { usize::MAX };
    let bytes = t.as_bytes();
    // branches (a space taken inside a word) are rare: the stack allocates only when one is
    // pushed, not on every walk
    let mut stack: Vec<Walk> = Vec::new();
    let mut next = Some(start);
    while let Some(w) = next.take().or_else(|| stack.pop()) {
        let Walk {
            node_addr,
            mut out,
            mut pos,
            word: mut wi,
            mut part,
            mut total,
        } = w;
        let mut node = fst.node(node_addr);
        loop {
            let word = words[wi];
            if pos == word.end {
                if wi == stop_word {
                    emit(Ev::End(Walk {
                        node_addr: node.addr(),
                        out,
                        pos,
                        word: wi,
                        part,
                        total,
                    }));
                    break;
                }
                if node.is_final() {
                    emit(Ev::Hit(pos, wi, out.cat(node.final_output()).value()));
                }
                if word.joins_next
                    && wi + 1 < words.len()
                    && let Some((n, o)) = step(fst, &node, b' ')
                {
                    node = n;
                    out = out.cat(o);
                    wi += 1;
                    pos = words[wi].start;
                    part = 0;
                    continue;
                }
                break;
            }
            if part >= 2 {
                let rest = &t[pos..word.end];
                if node.is_final() && part >= 3 && total >= 4 && glued_rest(rest) {
                    emit(Ev::Hit(pos, wi, out.cat(node.final_output()).value()));
                }
                if rest.chars().nth(1).is_some()
                    && let Some((n, o)) = step(fst, &node, b' ')
                {
                    stack.push(Walk {
                        node_addr: n.addr(),
                        out: out.cat(o),
                        pos,
                        word: wi,
                        part: 0,
                        total,
                    });
                }
            }
            let len = utf8_len(bytes[pos]);
            let mut ok = true;
            for &b in &bytes[pos..pos + len] {
                match step(fst, &node, b) {
                    Some((n, o)) => {
                        node = n;
                        out = out.cat(o);
                    }
                    None => {
                        ok = false;
                        break;
                    }
                }
            }
            if !ok {
                break;
            }
            pos += len;
            part += 1;
            total += 1;
        }
    }
}

#[inline]
fn step<'f>(
    fst: &'f Fst<crate::gazetteer::Bytes>,
    node: &Node<'f>,
    b: u8,
) -> Option<(Node<'f>, Output)> {
    let i = node.find_input(b)?;
    let tr = node.transition(i);
    Some((fst.node(tr.addr), tr.out))
}

#[inline]
fn utf8_len(first: u8) -> usize {
    match first {
        0x00..=0x7F => 1,
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        _ => 4,
    }
}

/// [`light_form`], without its work where it would change nothing: text of word characters
/// only (no space, no punctuation), none of them dropped or a presentation form, is its own
/// light form (a unit test holds the two together for every code point).
pub(crate) fn light(s: &str) -> std::borrow::Cow<'_, str> {
    let same = s.chars().all(|c| {
        segment::is_word_char(c) && !normalize::is_dropped(c) && !normalize::is_presentation_form(c)
    });
    if same {
        std::borrow::Cow::Borrowed(s)
    } else {
        std::borrow::Cow::Owned(light_form(s))
    }
}

/// Original byte where a name ending at folded byte `end` ends: after the character that
/// produced the last folded byte, and after the diacritics and tatweel attached to it.
pub(crate) fn original_end(text: &str, norm: &Normalized, end: usize) -> usize {
    let last = norm.origin(end - 1);
    let mut e = last + text[last..].chars().next().map_or(0, char::len_utf8);
    for c in text[e..].chars() {
        if !normalize::is_arabic_mark(c) {
            break;
        }
        e += c.len_utf8();
    }
    e
}

/// Fills `start`/`end` (Unicode scalar offsets) from the byte offsets, in one pass.
fn set_char_offsets(text: &str, mentions: &mut [Mention]) {
    let (mut byte, mut chars) = (0usize, 0usize);
    let mut advance = |to: usize| {
        chars += text[byte..to].chars().count();
        byte = to;
        chars
    };
    for m in mentions {
        m.start = advance(m.byte_start);
        m.end = advance(m.byte_end);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The title shortcut (a reading must be the first word of a title) only skips words
    /// where the title rule finds nothing: titles behind every proclitic, with and without it.
    #[test]
    fn the_title_shortcut_changes_nothing() {
        let text = "قال الرئيس جون باراديس إن والرئيس سعيد عمر وللرئيس علي حسن \
                    وفالشيخ محمد عبده والسفير ابراهيم عبد العزيز السهلاوي وبالوزير أحمد \
                    كمال، ثم كتب الكاتب سامي ويكتب الكاتبون، وقال وزير الخارجية الأردني \
                    أيمن الصفدي بتصريحات للصحفيين.";
        let with = Tagger::new(Gazetteer::embedded());
        assert_eq!(with.title_firsts.len(), 1);
        let mut without = with.clone();
        without.title_firsts = std::sync::Arc::from(Vec::new());
        let (a, b) = (with.tag(text), without.tag(text));
        assert!(a.iter().any(|m| m.how == MatchKind::Composed), "{a:?}");
        assert_eq!(a, b);
    }
    use fst::Streamer as _;

    /// Every walk over `text` (each word start, whole word and each proclitic reading), with
    /// the table of first letters and without it.
    fn walks(g: &Gazetteer, starts: Option<&Starts>, text: &str) -> Vec<(usize, usize, u64)> {
        let norm = normalize::normalize(text);
        let t = norm.as_str();
        let words = segment::words(t);
        let mut out = Vec::new();
        for k in 0..words.len() {
            let word = &t[words[k].start..words[k].end];
            let readings = std::iter::once(("", ""))
                .chain(segment::clitics_of(word).map(|c| (c.strip, c.restore)));
            for (strip, restore) in readings {
                let s = words[k].start + strip.len();
                walk(
                    g.names().as_fst(),
                    starts,
                    t,
                    &words,
                    k,
                    s,
                    restore,
                    &mut |e, w, v| out.push((e, w, v)),
                );
            }
        }
        out
    }

    /// The seeds, and text made of the gazetteer's own keys, cut, glued, joined and behind
    /// proclitics.
    fn key_texts(g: &Gazetteer) -> Vec<String> {
        let mut texts: Vec<String> =
            std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/seeds"))
                .unwrap()
                .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
                .collect();
        let mut keys = Vec::new();
        let mut stream = g.names().stream();
        while let Some((k, _)) = stream.next() {
            keys.push(String::from_utf8(k.to_vec()).unwrap());
        }
        let mut synthetic = String::new();
        for (i, key) in keys.iter().enumerate() {
            let chars: Vec<char> = key.chars().collect();
            let cut: String = chars[..chars.len().div_ceil(2)].iter().collect();
            let next = &keys[(i * 7 + 3) % keys.len()];
            let clitic = ["", "و", "ب", "لل", "وال", "ك", "فب"][i % 7];
            let glued = ["", "ال", "في", "ة", "ين", "-"][i % 6];
            synthetic += &format!(
                "{clitic}{key}{glued} {cut}، {key}{next} {key} – {next}. {}\n",
                key.replace(' ', "")
            );
        }
        texts.push(synthetic);
        texts
    }

    /// The table changes where a walk starts and what it refuses early, never what it finds:
    /// over the seeds and over text made of the gazetteer's own keys, cut, glued, joined and
    /// behind proclitics, both walks find the same keys at the same places.
    #[test]
    fn first_letter_table_finds_what_a_plain_walk_finds() {
        let g = Gazetteer::embedded();
        let starts = Starts::new(g.names().as_fst());
        let texts = key_texts(&g);
        let mut found = 0;
        for text in &texts {
            let plain = walks(&g, None, text);
            assert_eq!(walks(&g, Some(&starts), text), plain);
            found += plain.len();
        }
        assert!(found > 10_000, "the texts name keys: {found}");
    }

    /// Every word start of `t` and a place in the middle of each word (after its second
    /// letter), as (word, byte offset): where the memo tests start their walks.
    fn starts_in<'w>(t: &'w str, words: &'w [Word]) -> impl Iterator<Item = (usize, usize)> + 'w {
        words.iter().enumerate().flat_map(move |(k, w)| {
            let mid = t[w.start..w.end]
                .char_indices()
                .nth(2)
                .map(|(i, _)| w.start + i);
            std::iter::once((k, w.start)).chain(mid.map(|m| (k, m)))
        })
    }

    /// The hits of `collect` at every word start of `text`, and from the middle of each word,
    /// as comparable tuples.
    fn collected(
        tagger: &Tagger,
        text: &str,
    ) -> Vec<(usize, &'static str, usize, usize, usize, u64)> {
        let norm = normalize::normalize(text);
        let t = norm.as_str();
        let words = segment::words(t);
        let mut hits = Vec::new();
        for (k, start) in starts_in(t, &words) {
            tagger.collect(t, &words, None, k, start, &mut hits);
        }
        hits.iter()
            .map(|h| {
                (
                    h.layer,
                    h.clitic.map_or("", |c| c.strip),
                    h.start,
                    h.end,
                    h.end_word,
                    h.value,
                )
            })
            .collect()
    }

    /// The same, walked without the memory of `memo.rs`: every reading and layer, in order.
    fn walked(tagger: &Tagger, text: &str) -> Vec<(usize, &'static str, usize, usize, usize, u64)> {
        let norm = normalize::normalize(text);
        let t = norm.as_str();
        let words = segment::words(t);
        let mut out = Vec::new();
        for (k, start) in starts_in(t, &words) {
            let word = &t[start..words[k].end];
            for clitic in std::iter::once(None).chain(segment::clitics_of(word).map(Some)) {
                for (layer, g) in tagger.layers.iter().enumerate() {
                    let s = start + clitic.map_or(0, |c| c.strip.len());
                    walk(
                        g.names().as_fst(),
                        Some(&tagger.starts[layer]),
                        t,
                        &words,
                        k,
                        s,
                        clitic.map_or("", |c| c.restore),
                        &mut |e, w, v| {
                            out.push((layer, clitic.map_or("", |c| c.strip), s, e, w, v))
                        },
                    );
                }
            }
        }
        out
    }

    /// Reading a word's walks back from memory finds what walking finds, in the same order,
    /// the first time a text is seen and every time after, at word starts and inside words,
    /// with one layer and with two.
    #[test]
    fn remembered_walks_find_what_walking_finds() {
        let g = Gazetteer::embedded();
        let texts = key_texts(&g);
        let one = Tagger::new(g.clone());
        let two = Tagger::builder()
            .gazetteer(g.clone())
            .gazetteer(g.clone())
            .build();
        let mut found = 0;
        for tagger in [&one, &two] {
            for text in &texts {
                let plain = walked(tagger, text);
                assert_eq!(collected(tagger, text), plain);
                assert_eq!(collected(tagger, text), plain);
                found += plain.len();
            }
        }
        assert!(found > 10_000, "the texts name keys: {found}");
    }

    /// `light` is `light_form` for every code point alone, behind a letter, between letters,
    /// and for the seeds' words and lines.
    #[test]
    fn light_is_light_form() {
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            for s in [
                c.to_string(),
                format!("ب{c}"),
                format!("ب{c}ك"),
                format!("{c}a"),
            ] {
                assert_eq!(light(&s), light_form(&s), "{:04X}", c as u32);
            }
        }
        for e in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/seeds")).unwrap() {
            let text = std::fs::read_to_string(e.unwrap().path()).unwrap();
            for line in text.lines() {
                assert_eq!(light(line), light_form(line));
                for w in line.split(' ') {
                    assert_eq!(light(w), light_form(w));
                }
            }
        }
        assert!(matches!(light("بوتين"), std::borrow::Cow::Borrowed(_)));
    }
}
