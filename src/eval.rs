//! Scoring the tagger against hand-annotated data (`gaztag eval --gold`).
//!
//! # What is compared
//!
//! Gold data is CoNLL (read by [`Corpus`]: one `token TAG` pair per line, IOB1 or IOB2, type
//! names mapped by [`Label::parse`]). The gold spans of each sentence come from [`spans`]:
//! `B-X` always starts a span, `I-X` continues a span of type X and otherwise starts one (the
//! conlleval reading, which covers IOB1's `I-` at the start of a span).
//!
//! The tagger sees the gold tokens as text: the tokens of a sentence joined by one space,
//! sentences separated by a blank line (so no name runs from one sentence into the next), and
//! the sentences of a document in one text, so that document-level rules (aliases) see what
//! came before. A document is the sentences between two `-DOCSTART-` lines, or, with
//! [`Options::document_sentences`], every run of that many sentences.
//!
//! Each mention becomes the tokens it overlaps: a mention that leaves a proclitic outside
//! (`و` of `والولايات المتحدة`) covers the whole token, as gold spans in corpora that keep
//! clitics attached do. When two mentions land on overlapping tokens, the first is kept.
//!
//! # How it is scored
//!
//! Exact span matching, as conlleval and seqeval define it: a predicted span is a true
//! positive when a gold span has the same first token, last token and type; every other
//! predicted span is a false positive, every other gold span a false negative. Precision,
//! recall and F1 are given per type (PER, LOC, ORG) and micro-averaged over the three. Gold
//! `MISC` spans are not scored (the tagger has no such type): they are neither found nor
//! missed, but a predicted span on them is a false positive.

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::Serialize;

use crate::annotation::{MatchKind, Mention};
use crate::export::conll::read::{Corpus, Label, Sentence, spans};
use crate::gazetteer::EntityType;
use crate::tagger::Tagger;

/// How gold sentences are grouped into documents.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// Group every run of this many sentences into a document (for corpora without
    /// `-DOCSTART-` lines); `None`: documents are the `-DOCSTART-` blocks of each file.
    pub document_sentences: Option<usize>,
}

/// True positives, false positives and false negatives of one type (or all).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Predicted spans that match a gold span exactly.
    pub tp: usize,
    /// Predicted spans that do not.
    pub fp: usize,
    /// Gold spans that no predicted span matches.
    #[serde(rename = "fn")]
    pub fn_: usize,
}

impl Counts {
    /// `tp / (tp + fp)`, 0 when nothing was predicted.
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }

    /// `tp / (tp + fn)`, 0 when there is no gold span.
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }

    /// Harmonic mean of precision and recall, 0 when both are 0.
    pub fn f1(&self) -> f64 {
        ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn_)
    }

    fn add(&mut self, other: &Counts) {
        self.tp += other.tp;
        self.fp += other.fp;
        self.fn_ += other.fn_;
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// A span of tokens in one sentence.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct TokenSpan {
    /// First token.
    pub start: usize,
    /// One past the last token.
    pub end: usize,
}

/// A predicted span: what the tagger said about some tokens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Predicted {
    /// The tokens.
    pub span: TokenSpan,
    /// The type.
    pub kind: EntityType,
    /// How the mention was found.
    pub how: MatchKind,
    /// Its entity id.
    pub entity: String,
    /// The other entities its key names, with their types (empty when it names one).
    pub others: Vec<(String, EntityType)>,
}

/// Whether a scored case was found wrongly or missed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ErrorKind {
    /// Predicted, not in the gold data.
    #[serde(rename = "fp")]
    FalsePositive,
    /// In the gold data, not predicted.
    #[serde(rename = "fn")]
    FalseNegative,
}

/// One false positive or false negative, with where it is and its context.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ErrorCase {
    /// False positive or false negative.
    pub error: ErrorKind,
    /// How the tagger found it (false positives only).
    #[serde(rename = "match", skip_serializing_if = "Option::is_none")]
    pub how: Option<MatchKind>,
    /// The type predicted (false positive) or annotated (false negative).
    #[serde(rename = "type")]
    pub kind: EntityType,
    /// For a false positive, the entity id the tagger gave.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entity: Option<String>,
    /// The gold annotation on exactly these tokens, if any (`ORG` for a false positive that
    /// is a type error; absent when the span itself is wrong).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gold: Option<String>,
    /// The gold file.
    pub file: String,
    /// 1-based line of the span's first token.
    pub line: usize,
    /// The tokens of the span, joined by spaces.
    pub text: String,
    /// Up to five tokens either side, with the span in `[brackets]`.
    pub context: String,
}

/// The result of scoring the tagger on gold data.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Evaluation {
    /// Sentences scored.
    pub sentences: usize,
    /// Tokens scored.
    pub tokens: usize,
    /// Documents the sentences were grouped into.
    pub documents: usize,
    /// Counts per type.
    pub types: BTreeMap<EntityType, Counts>,
    /// Counts over PER, LOC and ORG together (micro-average).
    pub micro: Counts,
    /// True and false positives per way of finding (`exact`, `alias`, …): how much each
    /// mechanism adds and how precise it is.
    pub by_match: BTreeMap<MatchKind, Counts>,
    /// Every false positive and false negative, in corpus order.
    pub errors: Vec<ErrorCase>,
    /// True and false positives per predicted entity id (not written out).
    #[serde(skip)]
    pub by_entity: std::collections::HashMap<String, Counts>,
    /// True and false positives per entity id over every candidate of every prediction, as
    /// if each candidate had been the one reported (a lower-ranked candidate is right where
    /// the gold span has its type): how reliable each type of an ambiguous key is. Not
    /// written out.
    #[serde(skip)]
    pub by_candidate: std::collections::HashMap<String, Counts>,
}

/// The scored types, in output order.
pub const TYPES: [EntityType; 3] = [EntityType::Per, EntityType::Loc, EntityType::Org];

/// Tags the gold tokens of `corpus` with `tagger` and scores the result (see the [module
/// docs](self) for the rules).
///
/// ```
/// use gaztag::import::Corpus;
/// use gaztag::{Gazetteer, Tagger};
/// let mut gold = Corpus::default();
/// gold.parse("g.conll".as_ref(), "زار O\nبوتين B-PERS\nموسكو B-LOC\nأمس O\n").unwrap();
/// let tagger = Tagger::new(Gazetteer::embedded());
/// let eval = gaztag::eval::evaluate(&tagger, &gold, &Default::default());
/// assert_eq!(eval.micro.tp, 2);
/// assert_eq!(eval.micro.f1(), 1.0);
/// ```
pub fn evaluate(tagger: &Tagger, corpus: &Corpus, options: &Options) -> Evaluation {
    let documents = documents(corpus, options);
    let per_doc: Vec<Vec<Vec<Predicted>>> = documents
        .par_iter()
        .map(|doc| predict(tagger, doc))
        .collect();
    let mut eval = Evaluation {
        documents: documents.len(),
        ..Evaluation::default()
    };
    for kind in TYPES {
        eval.types.insert(kind, Counts::default());
    }
    for (doc, predicted) in documents.iter().zip(per_doc) {
        for (sentence, predicted) in doc.iter().zip(predicted) {
            let file = corpus.files[sentence.file].display().to_string();
            score_sentence(&mut eval, sentence, &predicted, &file);
        }
    }
    for counts in eval.types.values() {
        eval.micro.add(counts);
    }
    eval
}

/// The sentences of `corpus` grouped into documents.
fn documents<'a>(corpus: &'a Corpus, options: &Options) -> Vec<Vec<&'a Sentence>> {
    let mut docs: Vec<Vec<&Sentence>> = Vec::new();
    let mut last_block = None;
    for s in &corpus.sentences {
        let block = (s.file, s.document);
        let full = options
            .document_sentences
            .is_some_and(|n| docs.last().is_some_and(|d| d.len() >= n.max(1)));
        if last_block != Some(block) || full || docs.is_empty() {
            docs.push(Vec::new());
        }
        last_block = Some(block);
        docs.last_mut().expect("pushed").push(s);
    }
    docs
}

/// Tags one document's sentences as one text; returns the predicted spans of each sentence.
fn predict(tagger: &Tagger, doc: &[&Sentence]) -> Vec<Vec<Predicted>> {
    let mut text = String::new();
    // byte range of every token, per sentence
    let mut ranges: Vec<Vec<(usize, usize)>> = Vec::with_capacity(doc.len());
    for (i, s) in doc.iter().enumerate() {
        if i > 0 {
            text.push_str("\n\n");
        }
        let mut r = Vec::with_capacity(s.tokens.len());
        for (j, t) in s.tokens.iter().enumerate() {
            if j > 0 {
                text.push(' ');
            }
            r.push((text.len(), text.len() + t.text.len()));
            text.push_str(&t.text);
        }
        ranges.push(r);
    }
    let mentions = tagger.tag(&text);
    let mut out: Vec<Vec<Predicted>> = vec![Vec::new(); doc.len()];
    let mut m = mentions.iter().peekable();
    for (i, r) in ranges.iter().enumerate() {
        let (Some(first), Some(last)) = (r.first(), r.last()) else {
            continue;
        };
        while let Some(mention) = m.peek() {
            if mention.byte_start >= last.1 {
                break;
            }
            let mention: &Mention = m.next().expect("peeked");
            if mention.byte_end <= first.0 {
                continue;
            }
            let start = r.partition_point(|&(_, e)| e <= mention.byte_start);
            let end = r.partition_point(|&(s, _)| s < mention.byte_end);
            let span = TokenSpan { start, end };
            if start >= end || out[i].last().is_some_and(|p| p.span.end > start) {
                continue;
            }
            out[i].push(Predicted {
                span,
                kind: mention.kind,
                how: mention.how,
                entity: mention.entity.clone(),
                others: mention
                    .candidates
                    .iter()
                    .skip(1)
                    .map(|c| (c.entity.clone(), c.kind))
                    .collect(),
            });
        }
    }
    out
}

/// Scores one sentence's predictions against its gold spans into `eval`.
fn score_sentence(eval: &mut Evaluation, sentence: &Sentence, predicted: &[Predicted], file: &str) {
    eval.sentences += 1;
    eval.tokens += sentence.tokens.len();
    let gold = spans(&sentence.tokens);
    // looked up by span, not searched: a sentence of 2M tokens has as many spans either side
    let mut gold_by_span = std::collections::HashMap::with_capacity(gold.len());
    for g in &gold {
        gold_by_span.entry((g.start, g.end)).or_insert(g.label);
    }
    let gold_at = |span: TokenSpan| gold_by_span.get(&(span.start, span.end)).copied();
    let predicted_spans: std::collections::HashSet<(usize, usize, EntityType)> = predicted
        .iter()
        .map(|p| (p.span.start, p.span.end, p.kind))
        .collect();
    for p in predicted {
        let counts = eval.types.entry(p.kind).or_default();
        let by = eval.by_match.entry(p.how).or_default();
        let label = gold_at(p.span);
        for (id, kind) in
            std::iter::once((&p.entity, p.kind)).chain(p.others.iter().map(|(id, k)| (id, *k)))
        {
            let c = eval.by_candidate.entry(id.clone()).or_default();
            if label == Some(Label::Entity(kind)) {
                c.tp += 1;
            } else {
                c.fp += 1;
            }
        }
        let entity = eval.by_entity.entry(p.entity.clone()).or_default();
        if label == Some(Label::Entity(p.kind)) {
            counts.tp += 1;
            by.tp += 1;
            entity.tp += 1;
        } else {
            counts.fp += 1;
            by.fp += 1;
            entity.fp += 1;
            eval.errors.push(ErrorCase {
                error: ErrorKind::FalsePositive,
                how: Some(p.how),
                kind: p.kind,
                entity: Some(p.entity.clone()),
                gold: label.map(label_name),
                file: file.to_owned(),
                line: sentence.line + p.span.start,
                text: join(sentence, p.span),
                context: context(sentence, p.span),
            });
        }
    }
    for g in &gold {
        let Label::Entity(kind) = g.label else {
            continue;
        };
        let span = TokenSpan {
            start: g.start,
            end: g.end,
        };
        let found = predicted_spans.contains(&(span.start, span.end, kind));
        if !found {
            eval.types.entry(kind).or_default().fn_ += 1;
            eval.errors.push(ErrorCase {
                error: ErrorKind::FalseNegative,
                how: None,
                kind,
                entity: None,
                gold: None,
                file: file.to_owned(),
                line: sentence.line + g.start,
                text: join(sentence, span),
                context: context(sentence, span),
            });
        }
    }
}

fn label_name(label: Label) -> String {
    match label {
        Label::Entity(kind) => kind.as_str().to_owned(),
        Label::Misc => "MISC".to_owned(),
    }
}

fn join(sentence: &Sentence, span: TokenSpan) -> String {
    let words: Vec<&str> = sentence.tokens[span.start..span.end]
        .iter()
        .map(|t| t.text.as_str())
        .collect();
    words.join(" ")
}

const CONTEXT_TOKENS: usize = 5;

fn context(sentence: &Sentence, span: TokenSpan) -> String {
    let from = span.start.saturating_sub(CONTEXT_TOKENS);
    let to = (span.end + CONTEXT_TOKENS).min(sentence.tokens.len());
    let mut out = String::new();
    for i in from..to {
        if i > from {
            out.push(' ');
        }
        if i == span.start {
            out.push('[');
        }
        out.push_str(&sentence.tokens[i].text);
        if i + 1 == span.end {
            out.push(']');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::conll::read::{Tag, Token};

    fn sentence(tags: &[&str]) -> Sentence {
        Sentence {
            file: 0,
            document: 0,
            line: 1,
            tokens: tags
                .iter()
                .enumerate()
                .map(|(i, t)| Token {
                    text: format!("w{i}"),
                    key: format!("w{i}"),
                    tag: Tag::parse(t).unwrap(),
                })
                .collect(),
        }
    }

    fn pred(start: usize, end: usize, kind: EntityType) -> Predicted {
        Predicted {
            span: TokenSpan { start, end },
            kind,
            how: MatchKind::Exact,
            entity: "e".into(),
            others: Vec::new(),
        }
    }

    fn score(tags: &[&str], predicted: &[Predicted]) -> Evaluation {
        let mut eval = Evaluation::default();
        score_sentence(&mut eval, &sentence(tags), predicted, "g");
        for counts in eval.types.values() {
            eval.micro.add(counts);
        }
        eval
    }

    #[test]
    fn adjacent_entities_of_one_type_are_two_spans() {
        use EntityType::Loc;
        // IOB2: B-LOC B-LOC is two one-token places; a prediction covering both is wrong
        let e = score(&["B-LOC", "B-LOC"], &[pred(0, 2, Loc)]);
        assert_eq!((e.micro.tp, e.micro.fp, e.micro.fn_), (0, 1, 2));
        let e = score(&["B-LOC", "B-LOC"], &[pred(0, 1, Loc), pred(1, 2, Loc)]);
        assert_eq!((e.micro.tp, e.micro.fp, e.micro.fn_), (2, 0, 0));
    }

    #[test]
    fn iob1_inside_at_start_opens_a_span() {
        use EntityType::{Loc, Per};
        // conlleval: I-PER after O starts a chunk; I-LOC after I-PER starts another
        let e = score(
            &["O", "I-PER", "I-PER", "I-LOC"],
            &[pred(1, 3, Per), pred(3, 4, Loc)],
        );
        assert_eq!((e.micro.tp, e.micro.fp, e.micro.fn_), (2, 0, 0));
    }

    #[test]
    fn partial_overlap_is_one_false_positive_and_one_false_negative() {
        use EntityType::Org;
        let e = score(&["B-ORG", "I-ORG", "I-ORG"], &[pred(0, 2, Org)]);
        assert_eq!((e.micro.tp, e.micro.fp, e.micro.fn_), (0, 1, 1));
        assert_eq!(e.errors[0].context, "[w0 w1] w2");
    }

    #[test]
    fn type_error_names_the_gold_type() {
        use EntityType::{Loc, Org};
        let e = score(&["B-ORG"], &[pred(0, 1, Loc)]);
        assert_eq!(e.types[&Loc].fp, 1);
        assert_eq!(e.types[&Org].fn_, 1);
        assert_eq!(e.errors[0].gold.as_deref(), Some("ORG"));
    }

    #[test]
    fn misc_is_not_scored_but_a_prediction_on_it_is_wrong() {
        use EntityType::Per;
        let e = score(&["B-MISC", "O"], &[]);
        assert_eq!(e.micro, Counts::default());
        let e = score(&["B-MISC", "O"], &[pred(0, 1, Per)]);
        assert_eq!((e.micro.tp, e.micro.fp, e.micro.fn_), (0, 1, 0));
    }

    /// One sentence of 200k tokens, a name every other token: scoring used to compare every
    /// prediction with every gold span.
    #[test]
    fn a_huge_sentence_scores_in_linear_time() {
        let tags: Vec<&str> = (0..200_000)
            .map(|i| if i % 2 == 0 { "B-LOC" } else { "O" })
            .collect();
        let predicted: Vec<Predicted> = (0..100_000)
            .map(|i| pred(2 * i + (i % 2), 2 * i + (i % 2) + 1, EntityType::Loc))
            .collect();
        let start = std::time::Instant::now();
        let eval = score(&tags, &predicted);
        assert!(
            start.elapsed() < std::time::Duration::from_secs(20),
            "{:?}",
            start.elapsed()
        );
        assert_eq!(eval.types[&EntityType::Loc].tp, 50_000);
        assert_eq!(eval.types[&EntityType::Loc].fn_, 50_000);
    }

    #[test]
    fn ratios() {
        let c = Counts {
            tp: 3,
            fp: 1,
            fn_: 2,
        };
        assert_eq!(c.precision(), 0.75);
        assert_eq!(c.recall(), 0.6);
        assert!((c.f1() - 2.0 * 0.75 * 0.6 / 1.35).abs() < 1e-12);
        assert_eq!(Counts::default().f1(), 0.0);
    }
}
