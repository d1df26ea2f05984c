//! Turning a reviewer's decisions into gazetteer source edits (`gaztag gazetteer apply`).
//!
//! [`plan`] reads the decisions against the sources and says what to change, and why:
//!
//! | decision | edit |
//! |---|---|
//! | a span added with a type, or an accepted composed name that is no gazetteer entity | a new entity (its id a transliteration of the name, `ولاية قوبا` → `wlaya-qwba`), through [`edit::add_entity`]; the spellings of one name (one folded key) become one entity |
//! | a span added as, or a fuzzy or composed mention accepted as, a gazetteer entity | the spelling is added to it, through [`edit::add_variants`] |
//! | a rejected exact match spelled as its variant | the variant is removed (never the canonical name) |
//! | a rejected exact match spelled otherwise (the match came through folding: hamza, ة/ه, ى/ي) | the variant becomes exact-only (`=…`) |
//! | a rejected demonym (`tag --demonyms`) | its form is removed from the place's `adj=` field |
//! | a rejected fuzzy match, alias or composed name | a word of it goes to `common-words.txt`, which the rules do not take as a name or alias, and which matches only when spelled exactly: the mention's word for a fuzzy match or an alias, the last word of a composed name that is not a listed given name or name part |
//! | an accepted mention, another candidate chosen, a rejected entity (every mention), a mention accepted only by marking its document reviewed | nothing: they are gold data, not source edits |
//!
//! A rejected mention under a span added in its place (a name cut short: `بوتين` rejected,
//! `فلاديمير بوتين` added) changes nothing itself: the span was wrong, not the spelling.
//!
//! An edit is left out, and the reason reported, when another decision contradicts it: a
//! spelling removed or made exact-only while a mention spelled so is accepted elsewhere, a
//! common word that an accepted mention contains. The decisions of a document and the rules
//! (every mention of an entity or of a spelling) count alike.
//!
//! [`apply`] makes the edits on a copy of the source folder, compares each file with the
//! original, and, unless it is a dry run, writes the changed files back (each atomically): so
//! a dry run shows exactly the diff a run makes.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::{Decision, Decisions, Scope, Verdict, Was};
use crate::annotation::{EntityType, MatchKind};
use crate::error::{Error, Result};
use crate::gazetteer::edit::{self, NewEntity};
use crate::gazetteer::source::{self, COMMON_WORDS_FILE, Sources};
use crate::gazetteer::{key_of, light_form};

/// One edit of the sources.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Add an entity.
    NewEntity {
        /// Its id.
        id: String,
        /// Its type.
        kind: EntityType,
        /// Its canonical name.
        name: String,
        /// Further spellings.
        variants: Vec<String>,
    },
    /// Add a spelling to an entity.
    AddVariant {
        /// The entity.
        id: String,
        /// The spelling.
        variant: String,
    },
    /// Make a variant of an entity exact-only.
    ExactOnly {
        /// The entity.
        id: String,
        /// The variant, as written in the source.
        variant: String,
    },
    /// Remove a variant from an entity.
    RemoveVariant {
        /// The entity.
        id: String,
        /// The variant, as written in the source.
        variant: String,
    },
    /// Remove a demonym (`adj=` form) from a place.
    RemoveDemonym {
        /// The entity.
        id: String,
        /// The form, as written in the source.
        form: String,
    },
    /// Add a word to `common-words.txt`.
    CommonWord {
        /// The word.
        word: String,
    },
}

impl std::fmt::Display for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Action::NewEntity {
                id,
                kind,
                name,
                variants,
            } => {
                write!(f, "add {kind} entity `{id}` named `{name}`")?;
                if !variants.is_empty() {
                    write!(f, " (also `{}`)", variants.join("`, `"))?;
                }
                Ok(())
            }
            Action::AddVariant { id, variant } => write!(f, "add spelling `{variant}` to `{id}`"),
            Action::ExactOnly { id, variant } => {
                write!(f, "make spelling `{variant}` of `{id}` exact-only")
            }
            Action::RemoveVariant { id, variant } => {
                write!(f, "remove spelling `{variant}` from `{id}`")
            }
            Action::RemoveDemonym { id, form } => {
                write!(f, "remove demonym `{form}` from `{id}`")
            }
            Action::CommonWord { word } => write!(f, "add `{word}` to {COMMON_WORDS_FILE}"),
        }
    }
}

/// An edit with the decisions behind it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Planned {
    /// The edit.
    pub action: Action,
    /// Why: the decisions that call for it.
    pub why: String,
}

/// What the decisions call for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    /// The edits, in the order they are made.
    pub edits: Vec<Planned>,
    /// Decisions that change nothing in the sources, or whose edit is left out, and why.
    pub notes: Vec<String>,
}

/// A mention-level decision or rule, as [`plan`] weighs it.
struct Item<'a> {
    verdict: Verdict,
    kind: EntityType,
    entity: &'a str,
    text: &'a str,
    was: Option<&'a Was>,
    /// Accepted only because the document was marked reviewed (never a source edit).
    implicit: bool,
    /// A rejected mention under a span added in its place: the name was there, cut short.
    cut_short: bool,
    /// `DOC chars S..E`, or `every mention of ID spelled TEXT`.
    place: String,
}

fn items(d: &Decisions) -> Vec<Item<'_>> {
    let adds: Vec<&Decision> = d
        .decisions
        .iter()
        .filter(|x| x.decision == Verdict::Add)
        .collect();
    let mut out: Vec<Item<'_>> = d
        .decisions
        .iter()
        .map(|x: &Decision| Item {
            cut_short: x.decision == Verdict::Reject
                && adds
                    .iter()
                    .any(|a| a.document == x.document && a.start < x.end && x.start < a.end),
            verdict: x.decision,
            kind: x.kind,
            entity: &x.entity,
            text: &x.text,
            was: x.was.as_ref(),
            implicit: x.by.as_deref() == Some("document"),
            place: format!("{} chars {}..{}", x.document, x.start, x.end),
        })
        .collect();
    for r in &d.rules {
        if let (Scope::Spelling, Some(text)) = (r.scope, &r.text) {
            out.push(Item {
                verdict: r.decision,
                kind: r.kind,
                entity: &r.entity,
                text,
                was: r.was.as_ref(),
                implicit: false,
                cut_short: false,
                place: format!("every mention of {} spelled {text}", r.entity),
            });
        }
    }
    out
}

/// `s` in Latin letters, for an id: a plain transliteration of Arabic letters (others kept as
/// they are when ASCII letters or digits, else word breaks).
fn romanize(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        let r = match c {
            'ا' | 'أ' | 'إ' | 'آ' | 'ٱ' | 'ى' => "a",
            'ب' => "b",
            'ت' => "t",
            'ث' => "th",
            'ج' => "j",
            'ح' | 'ه' => "h",
            'خ' => "kh",
            'د' => "d",
            'ذ' => "dh",
            'ر' => "r",
            'ز' => "z",
            'س' => "s",
            'ش' => "sh",
            'ص' => "s",
            'ض' => "d",
            'ط' => "t",
            'ظ' => "z",
            'غ' => "gh",
            'ف' => "f",
            'ق' => "q",
            'ك' | 'ک' => "k",
            'ل' => "l",
            'م' => "m",
            'ن' => "n",
            'و' | 'ؤ' => "w",
            'ي' | 'ئ' | 'ی' => "y",
            'ة' => "a",
            'گ' => "g",
            'پ' => "p",
            'چ' => "ch",
            'ڤ' => "v",
            'ع' | 'ء' | 'ـ' => "",
            c if c.is_ascii_alphanumeric() => {
                out.push(c.to_ascii_lowercase());
                continue;
            }
            c if ('\u{064B}'..='\u{065F}').contains(&c) || c == '\u{0670}' => "",
            _ => " ",
        };
        out.push_str(r);
    }
    edit::slug(&out)
}

/// An id for a new entity named `name`, not in `taken` (which it joins).
fn new_id(name: &str, taken: &mut HashSet<String>) -> String {
    let mut base = romanize(name);
    if base.is_empty() {
        base = "entity".into();
    }
    let mut id = base.clone();
    let mut n = 2;
    while taken.contains(&id) {
        id = format!("{base}-{n}");
        n += 1;
    }
    taken.insert(id.clone());
    id
}

/// What the decisions call for in `sources` (see the module docs).
pub fn plan(decisions: &Decisions, sources: &Sources) -> Plan {
    let items = items(decisions);
    let mut plan = Plan::default();
    let entity = |id: &str| sources.entities.iter().find(|e| e.id == id);
    let spelled_as = |text: &str, variant: &str| light_form(text) == light_form(variant);
    // what was accepted: (entity, folded key of its variant) -> texts; and accepted words
    let mut accepted: BTreeMap<(&str, String), Vec<&str>> = BTreeMap::new();
    let mut accepted_words: HashSet<String> = HashSet::new();
    for it in items.iter().filter(|i| i.verdict != Verdict::Reject) {
        for w in it.text.split_whitespace() {
            accepted_words.insert(light_form(w));
        }
        if let Some(was) = it.was.filter(|w| w.entity == it.entity) {
            accepted
                .entry((it.entity, key_of(&was.variant)))
                .or_default()
                .push(it.text);
        }
    }
    for r in &decisions.rules {
        if r.scope == Scope::Entity {
            let what = if r.decision == Verdict::Accept {
                "accepted"
            } else {
                "rejected"
            };
            plan.notes.push(format!(
                "every mention of `{}` {what}: no source edit (gold data only; to remove the \
                 entity, edit its line by hand)",
                r.entity
            ));
        }
    }

    // edits keyed so that each is made once, with every reason for it
    let mut edits: Vec<(Action, Vec<String>)> = Vec::new();
    fn push(edits: &mut Vec<(Action, Vec<String>)>, action: Action, why: String) {
        match edits.iter_mut().find(|(a, _)| *a == action) {
            Some((_, w)) => w.push(why),
            None => edits.push((action, vec![why])),
        }
    }
    let common: HashSet<String> = sources.common_words.iter().map(|w| light_form(w)).collect();
    let given: HashSet<String> = sources
        .name_words
        .given
        .iter()
        .chain(&sources.name_words.parts)
        .map(|w| key_of(w))
        .collect();
    let common_word =
        |plan: &mut Plan, edits: &mut Vec<(Action, Vec<String>)>, word: &str, it: &Item<'_>| {
            let word = word.trim_matches(|c: char| !c.is_alphanumeric());
            let light = light_form(word);
            if light.is_empty() || common.contains(&light) {
                plan.notes.push(format!(
                    "{}: rejected `{}`; `{word}` is already a common word",
                    it.place, it.text
                ));
            } else if accepted_words.contains(&light) {
                plan.notes.push(format!(
                "{}: rejected `{}`, but `{word}` is in a mention accepted elsewhere: not made a \
                 common word",
                it.place, it.text
            ));
            } else {
                push(
                    edits,
                    Action::CommonWord {
                        word: word.to_owned(),
                    },
                    format!("{}: rejected {}", it.place, it.text),
                );
            }
        };

    // new entities: (type, key of the name) -> (name, other spellings, reasons)
    let mut new: BTreeMap<(EntityType, String), (String, Vec<String>)> = BTreeMap::new();
    let mut taken: HashSet<String> = sources.entities.iter().map(|e| e.id.clone()).collect();

    for it in &items {
        match (it.verdict, it.was) {
            (Verdict::Reject, None) => {}
            (Verdict::Reject, Some(_)) if it.cut_short => plan.notes.push(format!(
                "{}: rejected `{}` under a span added in its place: the span was wrong, not \
                 the spelling; no edit for it",
                it.place, it.text
            )),
            (Verdict::Reject, Some(was)) => match was.how {
                MatchKind::Exact if was.is_demonym() => {
                    let key = key_of(&was.variant);
                    let form = entity(&was.entity)
                        .and_then(|e| e.demonyms.iter().find(|f| key_of(f) == key));
                    let others = accepted
                        .get(&(was.entity.as_str(), key.clone()))
                        .map_or(0, Vec::len);
                    match form {
                        None => plan.notes.push(format!(
                            "{}: rejected demonym `{}`: `{}` has no such adj= form here",
                            it.place, it.text, was.entity
                        )),
                        Some(_) if others > 0 => plan.notes.push(format!(
                            "{}: rejected demonym `{}`, accepted in {others} other mention(s): kept",
                            it.place, it.text
                        )),
                        Some(form) => push(
                            &mut edits,
                            Action::RemoveDemonym {
                                id: was.entity.clone(),
                                form: form.clone(),
                            },
                            format!("{}: rejected demonym {}", it.place, it.text),
                        ),
                    }
                }
                MatchKind::Exact => {
                    let Some(e) = entity(&was.entity) else {
                        plan.notes.push(format!(
                            "{}: rejected `{}`: `{}` is not in these sources",
                            it.place, it.text, was.entity
                        ));
                        continue;
                    };
                    let key = key_of(&was.variant);
                    let Some((k, v)) = e
                        .variants
                        .iter()
                        .enumerate()
                        .find(|(_, v)| key_of(&v.text) == key)
                    else {
                        plan.notes.push(format!(
                            "{}: rejected `{}`: `{}` has no spelling `{}` any more",
                            it.place, it.text, e.id, was.variant
                        ));
                        continue;
                    };
                    let others = accepted
                        .get(&(e.id.as_str(), key.clone()))
                        .cloned()
                        .unwrap_or_default();
                    let why = format!("{}: rejected {}", it.place, it.text);
                    if spelled_as(it.text, &v.text) {
                        if !others.is_empty() {
                            plan.notes.push(format!(
                                "{}: rejected `{}`, but the spelling `{}` of `{}` is accepted in \
                                 {} other mention(s): kept",
                                it.place,
                                it.text,
                                v.text,
                                e.id,
                                others.len()
                            ));
                        } else if k == 0 {
                            plan.notes.push(format!(
                                "{}: rejected `{}`: it is the canonical name of `{}`, not \
                                 removed (edit the line by hand)",
                                it.place, it.text, e.id
                            ));
                        } else {
                            push(
                                &mut edits,
                                Action::RemoveVariant {
                                    id: e.id.clone(),
                                    variant: v.text.clone(),
                                },
                                why,
                            );
                        }
                    } else if others.iter().all(|t| spelled_as(t, &v.text)) && !v.exact {
                        if k == 0 {
                            plan.notes.push(format!(
                                "{}: rejected `{}` (folded onto the canonical name of `{}`): \
                                 a canonical name cannot be made exact-only",
                                it.place, it.text, e.id
                            ));
                        } else {
                            push(
                                &mut edits,
                                Action::ExactOnly {
                                    id: e.id.clone(),
                                    variant: v.text.clone(),
                                },
                                why,
                            );
                        }
                    } else {
                        plan.notes.push(format!(
                            "{}: rejected `{}`, but `{}` of `{}` is accepted spelled otherwise \
                             elsewhere: kept",
                            it.place, it.text, v.text, e.id
                        ));
                    }
                }
                MatchKind::Fuzzy | MatchKind::Alias => {
                    let words: Vec<&str> = it.text.split_whitespace().collect();
                    if words.len() == 1 {
                        common_word(&mut plan, &mut edits, words[0], it);
                    } else {
                        plan.notes.push(format!(
                            "{}: rejected {} `{}`: more than one word, no source edit",
                            it.place,
                            was.how.as_str(),
                            it.text
                        ));
                    }
                }
                MatchKind::Composed => {
                    match it
                        .text
                        .split_whitespace()
                        .rev()
                        .find(|w| !given.contains(&key_of(w)))
                    {
                        Some(w) => common_word(&mut plan, &mut edits, w, it),
                        None => plan.notes.push(format!(
                            "{}: rejected composed `{}`: every word is a listed given name or \
                             name part, no source edit",
                            it.place, it.text
                        )),
                    }
                }
            },
            (Verdict::Accept, Some(was)) if was.entity != it.entity || was.kind != it.kind => {
                plan.notes.push(format!(
                    "{}: `{}` is `{}`, not `{}`: gold data only",
                    it.place, it.text, it.entity, was.entity
                ));
            }
            (Verdict::Accept, Some(was)) => {
                let new_name = matches!(was.how, MatchKind::Composed | MatchKind::Fuzzy);
                if it.implicit {
                    continue; // left undecided when the document was marked reviewed
                }
                if !new_name {
                    continue;
                }
                match entity(it.entity) {
                    Some(e) => {
                        if !e
                            .variants
                            .iter()
                            .any(|v| key_of(&v.text) == key_of(it.text))
                        {
                            push(
                                &mut edits,
                                Action::AddVariant {
                                    id: e.id.clone(),
                                    variant: it.text.to_owned(),
                                },
                                format!("{}: accepted {} {}", it.place, was.how.as_str(), it.text),
                            );
                        }
                    }
                    None if was.how == MatchKind::Composed => {
                        let slot = new
                            .entry((it.kind, key_of(it.text)))
                            .or_insert_with(|| (it.text.to_owned(), Vec::new()));
                        slot.1
                            .push(format!("{}: accepted composed {}", it.place, it.text));
                    }
                    None => plan.notes.push(format!(
                        "{}: accepted `{}`: `{}` is not in these sources",
                        it.place, it.text, it.entity
                    )),
                }
            }
            (Verdict::Accept, None) => {}
            (Verdict::Add, _) => {
                let key = key_of(it.text);
                if let Some(e) = entity(it.entity) {
                    if e.variants.iter().any(|v| key_of(&v.text) == key) {
                        plan.notes.push(format!(
                            "{}: added `{}`: already a spelling of `{}` ({}:{}); the tagger left \
                             it out for another reason",
                            it.place,
                            it.text,
                            e.id,
                            e.path.display(),
                            e.line
                        ));
                    } else {
                        push(
                            &mut edits,
                            Action::AddVariant {
                                id: e.id.clone(),
                                variant: it.text.to_owned(),
                            },
                            format!("{}: added {}", it.place, it.text),
                        );
                    }
                    continue;
                }
                if let Some(e) = sources.entities.iter().find(|e| {
                    e.kind == it.kind && e.variants.iter().any(|v| key_of(&v.text) == key)
                }) {
                    plan.notes.push(format!(
                        "{}: added `{}`: already a spelling of {} `{}` ({}:{}); the tagger left it \
                         out for another reason",
                        it.place,
                        it.text,
                        e.kind,
                        e.id,
                        e.path.display(),
                        e.line
                    ));
                    continue;
                }
                let slot = new
                    .entry((it.kind, key))
                    .or_insert_with(|| (it.text.to_owned(), Vec::new()));
                slot.1.push(format!("{}: added {}", it.place, it.text));
            }
        }
    }
    for ((kind, _), (name, why)) in new {
        let id = new_id(&name, &mut taken);
        push(
            &mut edits,
            Action::NewEntity {
                id,
                kind,
                name,
                variants: Vec::new(),
            },
            why.join("; "),
        );
    }
    plan.edits = edits
        .into_iter()
        .map(|(action, why)| Planned {
            why: summarize(&why),
            action,
        })
        .collect();
    plan
}

/// The reasons for an edit: the first, and how many more.
fn summarize(why: &[String]) -> String {
    match why.len() {
        0 => String::new(),
        1 => why[0].clone(),
        n => format!("{} (and {} more)", why[0], n - 1),
    }
}

/// One source file an apply changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// The file, in the source folder.
    pub path: PathBuf,
    /// Its text before (empty for a new file).
    pub before: String,
    /// Its text after.
    pub after: String,
}

/// What [`apply`] did (or, in a dry run, would do).
#[derive(Clone, Debug, Default)]
pub struct Applied {
    /// The edits made, each with where and why.
    pub done: Vec<String>,
    /// Decisions that changed nothing, edits left out or refused, and why.
    pub notes: Vec<String>,
    /// The files changed, in path order.
    pub changes: Vec<Change>,
}

/// Makes the edits the decisions call for (see the module docs) on the sources in `dir`; with
/// `dry_run`, only says what they would be.
///
/// # Errors
/// Sources that cannot be read (or are malformed), a folder that cannot be copied or written.
/// An edit the sources refuse (an id taken, a spelling that would be malformed) is a note, and
/// the others are made.
pub fn apply(decisions: &Decisions, dir: &Path, dry_run: bool) -> Result<Applied> {
    let sources = source::read_dir(dir)?;
    let plan = plan(decisions, &sources);
    let mut out = Applied {
        notes: plan.notes,
        ..Applied::default()
    };
    // on a copy of the folder's files
    let tmp = tempfile::tempdir().map_err(|e| Error::io(std::env::temp_dir(), e))?;
    let mut originals = BTreeMap::new();
    for entry in std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let path = entry.map_err(|e| Error::io(dir, e))?.path();
        if path.is_file() {
            let name = path.file_name().expect("a file name").to_owned();
            let copy = tmp.path().join(&name);
            std::fs::copy(&path, &copy).map_err(|e| Error::io(&path, e))?;
            originals.insert(name, path);
        }
    }
    let shown = |p: &Path| -> String {
        p.strip_prefix(tmp.path())
            .map(|rel| dir.join(rel))
            .unwrap_or_else(|_| p.to_owned())
            .display()
            .to_string()
    };
    for Planned { action, why } in &plan.edits {
        let result = match action {
            Action::NewEntity {
                id,
                kind,
                name,
                variants,
            } => edit::add_entity(
                tmp.path(),
                &NewEntity {
                    id: Some(id.clone()),
                    kind: Some(*kind),
                    name: name.clone(),
                    variants: variants.clone(),
                    ..NewEntity::default()
                },
                None,
            )
            .map(|r| format!("{}:{}", shown(&r.path), r.line)),
            Action::AddVariant { id, variant } => {
                edit::add_variants(tmp.path(), id, std::slice::from_ref(variant))
                    .map(|r| format!("{}:{}", shown(&r.path), r.line))
            }
            Action::ExactOnly { id, variant } => edit_variants(tmp.path(), id, variant, true)
                .map(|(p, l)| format!("{}:{l}", shown(&p))),
            Action::RemoveVariant { id, variant } => edit_variants(tmp.path(), id, variant, false)
                .map(|(p, l)| format!("{}:{l}", shown(&p))),
            Action::RemoveDemonym { id, form } => {
                remove_demonym(tmp.path(), id, form).map(|(p, l)| format!("{}:{l}", shown(&p)))
            }
            Action::CommonWord { word } => {
                add_common_word(tmp.path(), word).map(|(p, l)| format!("{}:{l}", shown(&p)))
            }
        };
        match result {
            Ok(at) => out.done.push(format!("{action} at {at}: {why}")),
            Err(e @ Error::Io { .. }) => return Err(e),
            Err(e) => out.notes.push(format!(
                "not done: {action}: {}",
                e.to_string().replace(
                    &tmp.path().display().to_string(),
                    &dir.display().to_string()
                )
            )),
        }
    }
    // what changed
    let mut names: BTreeSet<std::ffi::OsString> = BTreeSet::new();
    for entry in std::fs::read_dir(tmp.path()).map_err(|e| Error::io(tmp.path(), e))? {
        let entry = entry.map_err(|e| Error::io(tmp.path(), e))?;
        names.insert(entry.file_name());
    }
    for name in names {
        let after_path = tmp.path().join(&name);
        let after = std::fs::read_to_string(&after_path).map_err(|e| Error::io(&after_path, e))?;
        let path = dir.join(&name);
        let before = match originals.get(&name) {
            Some(p) => std::fs::read_to_string(p).map_err(|e| Error::io(p, e))?,
            None => String::new(),
        };
        if before != after {
            out.changes.push(Change {
                path,
                before,
                after,
            });
        }
    }
    if !dry_run {
        for c in &out.changes {
            crate::atomic::write(&c.path, c.after.as_bytes())?;
        }
    }
    Ok(out)
}

/// Removes the `adj=` form `form` of entity `id` (the field too when it was the last),
/// changing only its line. Returns the file and line.
fn remove_demonym(dir: &Path, id: &str, form: &str) -> Result<(PathBuf, usize)> {
    edit_line(dir, id, |fields| {
        let at = fields
            .iter()
            .position(|f| f.trim_start().starts_with("adj="))
            .ok_or_else(|| format!("`{id}` has no adj= field"))?;
        let list = fields[at].trim_start()["adj=".len()..].to_owned();
        let kept: Vec<&str> = list.split('|').filter(|f| f.trim() != form).collect();
        if kept.len() == list.split('|').count() {
            return Err(format!("`{form}` is not among the adj= forms of `{id}`"));
        }
        if kept.iter().all(|f| f.trim().is_empty()) {
            fields.remove(at);
        } else {
            fields[at] = format!("adj={}", kept.join("|"));
        }
        Ok(())
    })
}

/// Changes the fields of entity `id`'s line with `change` (a message when it cannot), through
/// [`edit::rewrite_line`]. Returns the file and line.
fn edit_line(
    dir: &Path,
    id: &str,
    change: impl FnOnce(&mut Vec<String>) -> std::result::Result<(), String>,
) -> Result<(PathBuf, usize)> {
    let sources = source::read_dir(dir)?;
    let e = sources
        .entities
        .iter()
        .find(|e| e.id == id)
        .ok_or_else(|| Error::source(dir, 0, format!("no entity with id `{id}`")))?;
    edit::rewrite_line(&e.path, e.line, change)?;
    Ok((e.path.clone(), e.line))
}

/// Makes `variant` of entity `id` exact-only (`exact`), or removes it, changing only its
/// line. Returns the file and line.
fn edit_variants(dir: &Path, id: &str, variant: &str, exact: bool) -> Result<(PathBuf, usize)> {
    edit_line(dir, id, |fields| {
        if fields.len() < 4 {
            return Err(format!("`{id}` has no variant `{variant}` on its line"));
        }
        let mut found = false;
        let list: Vec<String> = fields[3]
            .split('|')
            .filter_map(|v| {
                let bare = v.trim().trim_start_matches('=');
                if !found && bare == variant {
                    found = true;
                    return exact.then(|| format!("={bare}"));
                }
                Some(v.to_owned())
            })
            .collect();
        if !found {
            return Err(format!(
                "`{variant}` is not among the variants of `{id}` on its line"
            ));
        }
        fields[3] = list.join("|");
        Ok(())
    })
}

/// Adds `word` as the last line of `common-words.txt` in `dir` (made when missing). Returns
/// the file and line.
fn add_common_word(dir: &Path, word: &str) -> Result<(PathBuf, usize)> {
    if word.is_empty() || word.chars().any(char::is_control) || word.starts_with('#') {
        return Err(Error::source(
            dir.join(COMMON_WORDS_FILE),
            0,
            format!("{word:?} cannot be a line of {COMMON_WORDS_FILE}"),
        ));
    }
    let path = dir.join(COMMON_WORDS_FILE);
    let mut text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(Error::io(&path, e)),
    };
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(word);
    text.push('\n');
    crate::atomic::write(&path, text.as_bytes())?;
    Ok((path, text.lines().count()))
}

/// A unified diff (no context lines but one) of `before` and `after`, the file named `name`.
pub fn diff(name: &str, before: &str, after: &str) -> String {
    let a: Vec<&str> = before.lines().collect();
    let b: Vec<&str> = after.lines().collect();
    // the common start and end; the middle compared by a longest common subsequence when it is
    // small enough, else given whole
    let pre = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let suf = a[pre..]
        .iter()
        .rev()
        .zip(b[pre..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (ma, mb) = (&a[pre..a.len() - suf], &b[pre..b.len() - suf]);
    let mut ops: Vec<(char, &str)> = Vec::new(); // ' ', '-', '+'
    if ma.len() * mb.len() <= 4_000_000 {
        let (n, m) = (ma.len(), mb.len());
        let mut l = vec![vec![0u32; m + 1]; n + 1];
        for i in (0..n).rev() {
            for j in (0..m).rev() {
                l[i][j] = if ma[i] == mb[j] {
                    l[i + 1][j + 1] + 1
                } else {
                    l[i + 1][j].max(l[i][j + 1])
                };
            }
        }
        let (mut i, mut j) = (0, 0);
        while i < n || j < m {
            if i < n && j < m && ma[i] == mb[j] {
                ops.push((' ', ma[i]));
                i += 1;
                j += 1;
            } else if j < m && (i == n || l[i][j + 1] > l[i + 1][j]) {
                ops.push(('+', mb[j]));
                j += 1;
            } else {
                ops.push(('-', ma[i]));
                i += 1;
            }
        }
    } else {
        ops.extend(ma.iter().map(|l| ('-', *l)));
        ops.extend(mb.iter().map(|l| ('+', *l)));
    }
    // the whole file as entries (op, line), with one line of context around each change
    let mut all: Vec<(char, &str)> = a[..pre].iter().map(|l| (' ', *l)).collect();
    all.extend(ops);
    all.extend(a[a.len() - suf..].iter().map(|l| (' ', *l)));
    let changes: Vec<usize> = (0..all.len()).filter(|&k| all[k].0 != ' ').collect();
    let mut out = String::new();
    if changes.is_empty() {
        return out;
    }
    let _ = writeln!(out, "--- {name}\n+++ {name}");
    // line numbers before each entry
    let mut at = Vec::with_capacity(all.len() + 1);
    let (mut na, mut nb) = (0, 0);
    for (op, _) in &all {
        at.push((na, nb));
        if *op != '+' {
            na += 1;
        }
        if *op != '-' {
            nb += 1;
        }
    }
    at.push((na, nb));
    let mut k = 0;
    while k < changes.len() {
        let first = changes[k];
        let mut last = first;
        while k + 1 < changes.len() && changes[k + 1] <= last + 3 {
            k += 1;
            last = changes[k];
        }
        k += 1;
        let (from, to) = (first.saturating_sub(1), (last + 2).min(all.len()));
        let count = |skip: char| all[from..to].iter().filter(|(op, _)| *op != skip).count();
        let (ca, cb) = (count('+'), count('-'));
        let start = |n: usize, c: usize| if c == 0 { n } else { n + 1 };
        let _ = writeln!(
            out,
            "@@ -{},{ca} +{},{cb} @@",
            start(at[from].0, ca),
            start(at[from].1, cb)
        );
        for (op, line) in &all[from..to] {
            let _ = writeln!(out, "{op}{line}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLACES: &str = "baku\tLOC\tباكو\tBaku|بكو\nguba\tLOC\tقوبا\tقوبة|كوبا\n";
    const PEOPLE: &str = "vladimir-putin\tPER\tفلاديمير بوتين\tبوتين\n";

    fn dir() -> tempfile::TempDir {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("places.tsv"), PLACES).unwrap();
        std::fs::write(d.path().join("people.tsv"), PEOPLE).unwrap();
        std::fs::write(d.path().join("common-words.txt"), "# words\nفي\n").unwrap();
        d
    }

    fn decisions(json: &str) -> Decisions {
        super::super::parse("d.json".as_ref(), json).unwrap()
    }

    fn d(start: usize, text: &str, verdict: &str, kind: &str, entity: &str, was: &str) -> String {
        let end = start + text.chars().count();
        let was = if was.is_empty() {
            String::new()
        } else {
            format!(", \"was\": {was}")
        };
        format!(
            r#"{{"document": "a.txt", "start": {start}, "end": {end}, "text": "{text}",
               "decision": "{verdict}", "type": "{kind}", "entity": "{entity}"{was}}}"#
        )
    }

    fn was(kind: &str, entity: &str, variant: &str, how: &str) -> String {
        format!(
            r#"{{"type": "{kind}", "entity": "{entity}", "variant": "{variant}", "match": "{how}"}}"#
        )
    }

    fn file(items: &[String]) -> String {
        format!(
            "{{\"gaztag_decisions\": 1, \"decisions\": [{}]}}",
            items.join(",\n")
        )
    }

    #[test]
    fn each_decision_becomes_its_edit() {
        let dir = dir();
        let text = file(&[
            // rejected, spelled as the variant: removed
            d(
                0,
                "بكو",
                "reject",
                "LOC",
                "baku",
                &was("LOC", "baku", "بكو", "exact"),
            ),
            // rejected through folding (ة/ه): exact-only
            d(
                10,
                "قوبه",
                "reject",
                "LOC",
                "guba",
                &was("LOC", "guba", "قوبة", "exact"),
            ),
            // rejected composed: its guessed word a common word
            d(
                20,
                "يبحث",
                "reject",
                "PER",
                "composed:يبحث",
                &was("PER", "composed:يبحث", "يبحث", "composed"),
            ),
            // accepted composed: a new entity
            d(
                30,
                "نيكول باشينيان",
                "accept",
                "PER",
                "composed:نيكول_باشينيان",
                &was(
                    "PER",
                    "composed:نيكول_باشينيان",
                    "نيكول باشينيان",
                    "composed",
                ),
            ),
            // added: a new entity; added as a known entity: a spelling
            d(50, "يريفان", "add", "LOC", "", ""),
            d(60, "بوتن", "add", "PER", "vladimir-putin", ""),
            // another candidate: nothing
            d(
                70,
                "باكو",
                "accept",
                "LOC",
                "baku-2",
                &was("LOC", "baku", "باكو", "exact"),
            ),
        ]);
        let got = apply(&decisions(&text), dir.path(), true).unwrap();
        let edits: Vec<&str> = got
            .done
            .iter()
            .map(|s| &s[..s.find(" at ").unwrap()])
            .collect();
        assert_eq!(
            edits,
            [
                "remove spelling `بكو` from `baku`",
                "make spelling `قوبة` of `guba` exact-only",
                "add `يبحث` to common-words.txt",
                "add spelling `بوتن` to `vladimir-putin`",
                "add PER entity `nykwl-bashynyan` named `نيكول باشينيان`",
                "add LOC entity `yryfan` named `يريفان`",
            ]
        );
        assert!(
            got.notes
                .iter()
                .any(|n| n.contains("is `baku-2`, not `baku`: gold data only")),
            "{:?}",
            got.notes
        );
        // a dry run changes nothing, and says what a run changes
        assert_eq!(
            std::fs::read_to_string(dir.path().join("places.tsv")).unwrap(),
            PLACES
        );
        let after: BTreeMap<_, _> = got
            .changes
            .iter()
            .map(|c| (c.path.file_name().unwrap().to_owned(), c.after.clone()))
            .collect();
        assert_eq!(
            after[std::ffi::OsStr::new("places.tsv")],
            "baku\tLOC\tباكو\tBaku\nguba\tLOC\tقوبا\t=قوبة|كوبا\nyryfan\tLOC\tيريفان\n"
        );
        assert_eq!(
            after[std::ffi::OsStr::new("common-words.txt")],
            "# words\nفي\nيبحث\n"
        );
        let run = apply(&decisions(&text), dir.path(), false).unwrap();
        assert_eq!(run.done, got.done);
        for c in &got.changes {
            assert_eq!(std::fs::read_to_string(&c.path).unwrap(), c.after);
        }
        // applied twice: the second finds nothing to do for the spellings already changed
        let again = apply(&decisions(&text), dir.path(), true).unwrap();
        assert!(
            again
                .changes
                .iter()
                .all(|c| c.path.file_name().unwrap() != "places.tsv" || !c.after.contains("بكو"))
        );
    }

    #[test]
    fn contradicting_decisions_leave_the_spelling_alone() {
        let dir = dir();
        let text = file(&[
            d(
                0,
                "بكو",
                "reject",
                "LOC",
                "baku",
                &was("LOC", "baku", "بكو", "exact"),
            ),
            d(
                10,
                "بكو",
                "accept",
                "LOC",
                "baku",
                &was("LOC", "baku", "بكو", "exact"),
            ),
            d(
                20,
                "باكو",
                "reject",
                "LOC",
                "baku",
                &was("LOC", "baku", "باكو", "exact"),
            ),
        ]);
        let got = apply(&decisions(&text), dir.path(), true).unwrap();
        assert!(got.changes.is_empty(), "{:?}", got.done);
        assert_eq!(got.notes.len(), 2, "{:?}", got.notes);
        assert!(got.notes[0].contains("accepted in 1 other mention(s): kept"));
        assert!(got.notes[1].contains("the canonical name of `baku`"));
    }

    #[test]
    fn a_rejected_demonym_leaves_the_place() {
        let dir = dir();
        std::fs::write(
            dir.path().join("places.tsv"),
            "az\tLOC\tأذربيجان\t\ten=Azerbaijan\tadj=أذري|أذربيجاني\nbaku\tLOC\tباكو\n",
        )
        .unwrap();
        let w = r#"{"type": "LOC", "entity": "az", "variant": "أذري", "match": "exact", "form": "demonym"}"#;
        let text = file(&[d(0, "أذري", "reject", "LOC", "az", w)]);
        let got = apply(&decisions(&text), dir.path(), false).unwrap();
        assert_eq!(got.done.len(), 1, "{:?}", got.notes);
        assert_eq!(
            std::fs::read_to_string(dir.path().join("places.tsv")).unwrap(),
            "az\tLOC\tأذربيجان\t\ten=Azerbaijan\tadj=أذربيجاني\nbaku\tLOC\tباكو\n"
        );
    }

    #[test]
    fn a_mention_cut_short_is_not_a_wrong_spelling() {
        let dir = dir();
        let text = file(&[
            d(
                0,
                "بكو",
                "reject",
                "LOC",
                "baku",
                &was("LOC", "baku", "بكو", "exact"),
            ),
            d(0, "بكو الجديدة", "add", "LOC", "", ""),
        ]);
        let got = apply(&decisions(&text), dir.path(), true).unwrap();
        let edits: Vec<&str> = got
            .done
            .iter()
            .map(|s| &s[..s.find(" at ").unwrap()])
            .collect();
        assert_eq!(edits, ["add LOC entity `bkw-aljdyda` named `بكو الجديدة`"]);
        assert!(
            got.notes[0].contains("the span was wrong, not the spelling"),
            "{:?}",
            got.notes
        );
    }

    #[test]
    fn diffs_show_the_changed_lines() {
        assert_eq!(diff("f", "a\nb\nc\n", "a\nb\nc\n"), "");
        assert_eq!(
            diff("f", "a\nb\nc\nd\n", "a\nB\nc\nd\ne\n"),
            "--- f\n+++ f\n@@ -1,4 +1,5 @@\n a\n-b\n+B\n c\n d\n+e\n"
        );
        assert_eq!(
            diff("f", "a\nb\nc\nd\ne\nf\ng\n", "a\nB\nc\nd\ne\nf\ng\nh\n"),
            "--- f\n+++ f\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n@@ -7,1 +7,2 @@\n g\n+h\n"
        );
        assert_eq!(diff("f", "", "x\n"), "--- f\n+++ f\n@@ -0,0 +1,1 @@\n+x\n");
    }

    #[test]
    fn ids_are_romanized_and_unique() {
        let mut taken: HashSet<String> = ["wlaya-qwba".to_owned()].into();
        assert_eq!(new_id("ولاية قوبا", &mut taken), "wlaya-qwba-2");
        assert_eq!(new_id("عَلي", &mut taken), "ly");
        assert_eq!(new_id("؟", &mut taken), "entity");
    }
}
