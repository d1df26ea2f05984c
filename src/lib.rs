//! # gaztag
//!
//! Finds the people, places and organizations named in Arabic text, using a gazetteer of
//! names and their spelling variants compiled into an [`fst`] map.
//!
//! Real news text is messy, and gaztag matches through it: diacritics, tatweel, hamza and alef
//! forms, ة/ه, ى/ي, Persian letters, presentation forms, Arabic-Indic digits, odd spaces
//! ([`normalize`]); proclitics glued to names (بكاراباخ, وأذربيجان, للكرملين) and words glued by
//! scrapers (ناغورنوكاراباخ) ([`segment`], [`tagger`]). Every offset points into the ORIGINAL
//! text.
//!
//! The primary types:
//!
//! * [`Gazetteer`]: a compiled gazetteer; [`Gazetteer::embedded`] is the default one, built into
//!   the binary from the `gazetteer/` sources.
//! * [`Tagger`] (and [`TaggerBuilder`] for several gazetteer layers): finds [`Mention`]s.
//! * [`Document`], [`Mention`]: the JSON annotations (see `docs/annotations.md`).
//!
//! # Example
//!
//! ```
//! use gaztag::{Gazetteer, Tagger};
//!
//! let tagger = Tagger::new(Gazetteer::embedded());
//! let text = "أعلن الكرملين أن روسيا ستقرر مع أذربيجان مستقبل ناغورني قره باغ";
//! let mentions = tagger.tag(text);
//! let found: Vec<(&str, &str)> =
//!     mentions.iter().map(|m| (m.text.as_str(), m.kind.as_str())).collect();
//! assert_eq!(found, [
//!     ("الكرملين", "ORG"),
//!     ("روسيا", "LOC"),
//!     ("أذربيجان", "LOC"),
//!     ("ناغورني قره باغ", "LOC"),
//! ]);
//! // offsets are Unicode scalar values into the original text, as Python counts them
//! let m = &mentions[3];
//! assert_eq!(text.chars().skip(m.start).take(m.end - m.start).collect::<String>(), m.text);
//! ```
#![deny(missing_docs)]

pub mod annotation;
pub mod atomic;
pub mod corpus;
pub mod decisions;
pub mod diff;
pub mod distance;
pub mod error;
pub mod eval;
pub mod export;
pub mod gazetteer;
pub mod import;
pub mod normalize;
pub mod review;
pub mod segment;
mod starts;
pub mod stream;
pub mod suggest;
pub mod tagger;

pub use annotation::{Candidate, Document, MatchKind, Mention, MentionKind};
pub use error::{Error, Result};
pub use gazetteer::{EntityType, Gazetteer};
pub use tagger::{Decode, Tagger, TaggerBuilder};
