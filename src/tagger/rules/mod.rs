//! The rules: what the tagger finds beyond the gazetteer's keys, reading the lattice.
//!
//! A rule never walks the gazetteer itself: it asks the tagger what the lattice holds at a
//! word start (a gazetteer name, its type and where it ends) and adds candidates of its own.
//! Today there is one family, the person-name rules and document aliases ([`names`]).

pub mod names;
