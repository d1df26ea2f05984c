//! The rules: what the tagger finds beyond the gazetteer's keys, reading the lattice.
//!
//! A rule never walks the gazetteer itself: it asks the tagger what the lattice holds at a
//! word start (a gazetteer name, its type and where it ends) and adds candidates of its own.
//! The person-name rules and document aliases are in [`names`]; `agreement` drops a definite
//! adjective the gazetteer would read as a name (الدول العربية).

pub(crate) mod agreement;
pub mod names;
