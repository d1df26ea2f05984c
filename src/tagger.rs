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
//! Selection, at each word start, left to right:
//!
//! 1. a hit survives only if each of its variants is allowed: an exact-only variant, or a
//!    surface that is a common word (`gazetteer/common-words.txt`), needs the text to spell the
//!    variant exactly (diacritics and tatweel aside);
//! 2. a reading of the whole word beats any proclitic reading (باكو is never ب + اكو);
//! 3. then the longest hit wins (leftmost-longest), then the shorter proclitic;
//! 4. the next search starts after the chosen mention, so mentions never overlap.
//!
//! All entities that the chosen key names, in every gazetteer layer, are reported.

use crate::annotation::{Candidate, Document, MatchKind, Mention, MentionKind};
use crate::gazetteer::{Gazetteer, VariantRef, light_form};
use crate::normalize::{self, Normalized};
use crate::segment::{self, Clitic, Word};
use fst::raw::{Fst, Node, Output};

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
    demonyms: bool,
}

/// Builds a [`Tagger`] from gazetteer layers.
#[derive(Clone, Debug, Default)]
pub struct TaggerBuilder {
    layers: Vec<Gazetteer>,
    demonyms: bool,
}

impl TaggerBuilder {
    /// A builder with no gazetteer.
    pub fn new() -> TaggerBuilder {
        TaggerBuilder::default()
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

    /// The tagger.
    pub fn build(&self) -> Tagger {
        Tagger {
            layers: self.layers.clone(),
            demonyms: self.demonyms,
        }
    }
}

/// A place where a walk reached a key.
#[derive(Clone, Copy, Debug)]
struct Hit {
    layer: usize,
    clitic: Option<&'static Clitic>,
    /// Folded byte where the name starts (after the clitic).
    start: usize,
    /// Folded byte where it ends.
    end: usize,
    /// Index of the word the end lies in.
    end_word: usize,
    value: u64,
}

/// Words the source may glue after a name (folded).
const GLUED_WORDS: &[&str] = &["في", "من", "عن", "علي", "الي", "مع"];

fn glued_rest(rest: &str) -> bool {
    GLUED_WORDS.contains(&rest)
        || rest
            .strip_prefix("ال")
            .is_some_and(|r| r.chars().nth(1).is_some())
}

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

impl Tagger {
    /// A tagger over one gazetteer.
    pub fn new(gazetteer: Gazetteer) -> Tagger {
        Tagger {
            layers: vec![gazetteer],
            demonyms: false,
        }
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
            mentions: self.tag(text),
        }
    }

    /// Finds every mention in `text`, sorted by position, never overlapping.
    pub fn tag(&self, text: &str) -> Vec<Mention> {
        let norm = normalize::normalize(text);
        let t = norm.as_str();
        let words = segment::words(t);
        let mut mentions = Vec::new();
        let (mut k, mut from) = (0, 0);
        let mut hits = Vec::new();
        while k < words.len() {
            let start = from.max(words[k].start);
            hits.clear();
            self.collect(t, &words, k, start, &mut hits);
            match self.choose(text, &norm, &hits) {
                Some((hit, variants)) => {
                    mentions.push(self.mention(text, &norm, start, &hit, &variants));
                    if hit.end == words[hit.end_word].end {
                        (k, from) = (hit.end_word + 1, 0);
                    } else {
                        (k, from) = (hit.end_word, hit.end);
                    }
                }
                None => (k, from) = (k + 1, 0),
            }
        }
        set_char_offsets(text, &mut mentions);
        mentions
    }

    /// Every hit starting at folded byte `start` of word `k`, for every reading and layer.
    fn collect(&self, t: &str, words: &[Word], k: usize, start: usize, hits: &mut Vec<Hit>) {
        let word = &t[start..words[k].end];
        for (layer, g) in self.layers.iter().enumerate() {
            let fst = g.names().as_fst();
            walk(fst, t, words, k, start, "", &mut |end, end_word, value| {
                hits.push(Hit {
                    layer,
                    clitic: None,
                    start,
                    end,
                    end_word,
                    value,
                })
            });
            for c in segment::clitics_of(word) {
                let s = start + c.strip.len();
                walk(
                    fst,
                    t,
                    words,
                    k,
                    s,
                    c.restore,
                    &mut |end, end_word, value| {
                        hits.push(Hit {
                            layer,
                            clitic: Some(c),
                            start: s,
                            end,
                            end_word,
                            value,
                        })
                    },
                );
            }
        }
    }

    /// Applies the selection rules of the module docs; returns the hit and its allowed
    /// variants, from every layer that has the same key at the same span.
    fn choose<'g>(
        &'g self,
        text: &str,
        norm: &Normalized,
        hits: &[Hit],
    ) -> Option<(Hit, Vec<(usize, VariantRef<'g>)>)> {
        // whole word first, then longest, then the shorter proclitic
        let rank = |h: &Hit| {
            let clitic = h.clitic.map_or(0, |c| c.strip.len() * 2 + c.restore.len());
            (h.clitic.is_none(), h.end, std::cmp::Reverse(clitic))
        };
        let mut best: Option<(Hit, Vec<(usize, VariantRef<'g>)>)> = None;
        for hit in hits {
            let allowed = self.allowed(text, norm, hit);
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
    fn allowed(&self, text: &str, norm: &Normalized, hit: &Hit) -> Vec<(usize, VariantRef<'_>)> {
        let (bs, be) = (norm.origin(hit.start), original_end(text, norm, hit.end));
        let surface = light_form(&text[bs..be]);
        let common = self.layers.iter().any(|g| g.is_common(&surface));
        // what the text spells, with the letters a clitic hid restored (لل → ل + ال)
        let spelled = match hit.clitic {
            Some(c) if !c.restore.is_empty() => {
                light_form(&format!("{}{}", c.restore, &text[bs..be]))
            }
            _ => surface,
        };
        self.layers[hit.layer]
            .postings(hit.value)
            .filter(|v| self.demonyms || !v.demonym)
            .filter(|v| !(v.exact || common) || light_form(v.text) == spelled)
            .map(|v| (hit.layer, v))
            .collect()
    }

    /// Builds the mention for a chosen hit; `variants` carry their layer index.
    fn mention(
        &self,
        text: &str,
        norm: &Normalized,
        start: usize,
        hit: &Hit,
        variants: &[(usize, VariantRef<'_>)],
    ) -> Mention {
        let (bs, be) = (norm.origin(hit.start), original_end(text, norm, hit.end));
        let mut candidates: Vec<Candidate> = Vec::new();
        let mut variant = "";
        let mut form = MentionKind::Name;
        for (layer, v) in variants {
            let Some(e) = self.layers[*layer].entity(v.entity) else {
                continue;
            };
            if candidates.iter().any(|c| c.entity == e.id) {
                continue;
            }
            if candidates.is_empty() {
                variant = v.text;
                form = if v.demonym {
                    MentionKind::Demonym
                } else {
                    MentionKind::Name
                };
            }
            candidates.push(Candidate {
                entity: e.id.to_owned(),
                kind: e.kind,
                name: e.name.to_owned(),
            });
        }
        let first = candidates.first().cloned().unwrap_or(Candidate {
            entity: String::new(),
            kind: crate::EntityType::Loc,
            name: String::new(),
        });
        if candidates.len() == 1 {
            candidates.clear();
        }
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
            prefix: text[norm.origin(start)..bs].to_owned(),
            how: MatchKind::Exact,
            form,
            candidates,
        }
    }
}

/// Walks `fst` from folded byte `pos` of word `k` (after feeding `restore`), calling
/// `emit(end, end_word, value)` for every key that ends at an allowed place.
fn walk(
    fst: &Fst<crate::gazetteer::Bytes>,
    t: &str,
    words: &[Word],
    k: usize,
    pos: usize,
    restore: &str,
    emit: &mut impl FnMut(usize, usize, u64),
) {
    let bytes = t.as_bytes();
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
    let mut stack = vec![Walk {
        node_addr: node.addr(),
        out,
        pos,
        word: k,
        part: letters,
        total: letters,
    }];
    while let Some(w) = stack.pop() {
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
                if node.is_final() {
                    emit(pos, wi, out.cat(node.final_output()).value());
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
                    emit(pos, wi, out.cat(node.final_output()).value());
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

/// Original byte where a name ending at folded byte `end` ends: after the character that
/// produced the last folded byte, and after the diacritics and tatweel attached to it.
fn original_end(text: &str, norm: &Normalized, end: usize) -> usize {
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
