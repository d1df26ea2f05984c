//! Validates gazetteer sources and explains every problem with its file and line
//! (`gaztag gazetteer check`).
//!
//! Errors make a source unusable (the build refuses it); warnings point at entries that work but
//! are likely mistakes or risks.
//!
//! | problem | severity |
//! |---|---|
//! | malformed line, unknown type, invalid id, empty canonical name, empty variant, bad field | error |
//! | duplicate id | error |
//! | the same variant written twice in one entity | error |
//! | two variants of one entity that fold to the same key (redundant) | warning |
//! | a key shared by different entities (ambiguity), with their ids (the first ten) | warning |
//! | a key shared by more than [`MAX_ENTITIES_PER_KEY`] entities (the index keeps the first) | warning |
//! | a variant of fewer than 3 letters after folding | warning |
//! | a 3-letter variant that reads as a proclitic + a 2-letter word (بان = ب + ان) | warning |
//! | a variant listed in `common-words.txt` (it only matches when spelled exactly) | warning |
//! | a demonym written twice (folding to the same key), or that is a name of an entity | warning |

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use super::compile::{MAX_ENTITIES_PER_KEY, key_of, light_form};
use super::source::{self, Entity, Sources};
use crate::error::{Error, Result};

/// How bad a [`Diagnostic`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The source cannot be used as it is.
    Error,
    /// The source works, but this entry is probably a mistake or a risk.
    Warning,
}

/// One problem found in gazetteer sources.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    /// The source file.
    pub path: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(
            f,
            "{}:{}: {sev}: {}",
            self.path.display(),
            self.line,
            self.message
        )
    }
}

/// Checks every source in `dir`; diagnostics are sorted by file and line.
///
/// # Errors
/// Only when the folder or a file cannot be read at all.
pub fn check_dir(dir: &Path) -> Result<Vec<Diagnostic>> {
    let mut problems = Vec::new();
    let sources = source::read_dir_collecting(dir, &mut problems)?;
    let mut out: Vec<Diagnostic> = problems.into_iter().map(error_diagnostic).collect();
    out.extend(check_entities(&sources));
    out.sort();
    Ok(out)
}

fn error_diagnostic(e: Error) -> Diagnostic {
    match e {
        Error::Source {
            path,
            line,
            message,
        } => Diagnostic {
            path,
            line,
            severity: Severity::Error,
            message,
        },
        other => Diagnostic {
            path: PathBuf::new(),
            line: 0,
            severity: Severity::Error,
            message: other.to_string(),
        },
    }
}

/// The checks that need whole entities (the parser already reported malformed lines).
pub fn check_entities(sources: &Sources) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let warn = |e: &Entity, message: String| Diagnostic {
        path: e.path.clone(),
        line: e.line,
        severity: Severity::Warning,
        message,
    };
    let common: std::collections::HashSet<String> =
        sources.common_words.iter().map(|w| light_form(w)).collect();
    // key → entities (index) that have it, in order
    let mut owners: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (ei, e) in sources.entities.iter().enumerate() {
        let mut seen: Vec<(&str, String, bool)> = Vec::new();
        for v in &e.variants {
            let key = key_of(&v.text);
            if let Some((first, _, _)) = seen.iter().find(|(t, _, _)| *t == v.text) {
                out.push(Diagnostic {
                    path: e.path.clone(),
                    line: e.line,
                    severity: Severity::Error,
                    message: format!("`{}`: variant `{first}` is written twice", e.id),
                });
                continue;
            }
            // exact-only spellings that differ as written (أوبك, اوبك) each match something
            let same =
                |t: &str, exact: bool| !(exact && v.exact) || light_form(t) == light_form(&v.text);
            if let Some((first, _, _)) = seen.iter().find(|(t, k, x)| *k == key && same(t, *x)) {
                out.push(warn(e, format!("`{}`: variant `{}` is redundant: it folds to the same key as `{first}` (`{key}`)", e.id, v.text)));
            }
            let letters = key.chars().filter(|c| c.is_alphanumeric()).count();
            if letters < 3 {
                out.push(warn(e, format!("`{}`: variant `{}` is too short to be safe ({letters} letters after folding)", e.id, v.text)));
            } else if letters == 3
                && !key.contains(' ')
                && key.starts_with(['و', 'ف', 'ب', 'ل', 'ك'])
            {
                let (clitic, stem) = key.split_at(key.chars().next().map_or(0, char::len_utf8));
                out.push(warn(e, format!(
                    "`{}`: variant `{}` reads as the proclitic {clitic} + the 2-letter word {stem}; consider marking it exact-only (`={}`)",
                    e.id, v.text, v.text
                )));
            }
            if !v.exact && common.contains(&light_form(&v.text)) {
                out.push(warn(e, format!(
                    "`{}`: variant `{}` is in common-words.txt, so it only matches where the text spells it exactly",
                    e.id, v.text
                )));
            }
            if !seen.iter().any(|(_, k, _)| *k == key) {
                owners.entry(key.clone()).or_default().push(ei);
            }
            seen.push((&v.text, key, v.exact));
        }
    }
    // a demonym that is also another entity's name, or written twice
    for e in &sources.entities {
        let mut seen: Vec<String> = Vec::new();
        for d in &e.demonyms {
            let key = key_of(d);
            if seen.contains(&key) {
                out.push(warn(
                    e,
                    format!(
                        "`{}`: demonym `{d}` is redundant: another demonym folds to `{key}`",
                        e.id
                    ),
                ));
                continue;
            }
            if let Some(others) = owners.get(&key) {
                out.push(warn(
                    e,
                    format!(
                        "`{}`: demonym `{d}` is also a name of {} (key `{key}`)",
                        e.id,
                        id_list(sources, others)
                    ),
                ));
            }
            seen.push(key);
        }
    }
    for (key, es) in owners {
        if es.len() < 2 {
            continue;
        }
        let mut message = format!("ambiguous key `{key}`: shared by {}", id_list(sources, &es));
        if es.len() > MAX_ENTITIES_PER_KEY {
            message += &format!(
                "; the index keeps the first {MAX_ENTITIES_PER_KEY} entities of a key, so a match never names the others"
            );
        }
        for &i in &es {
            out.push(warn(&sources.entities[i], message.clone()));
        }
    }
    out
}

/// The ids of entities `es`, the first ten of them if there are more (a key may be shared by
/// thousands).
fn id_list(sources: &Sources, es: &[usize]) -> String {
    const SHOWN: usize = 10;
    let ids: Vec<&str> = es
        .iter()
        .take(SHOWN)
        .map(|&i| sources.entities[i].id.as_str())
        .collect();
    match es.len().checked_sub(SHOWN) {
        Some(more) if more > 0 => format!("{}, … ({} entities in all)", ids.join(", "), es.len()),
        _ => ids.join(", "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diagnostics(tsv: &str, common: &[&str]) -> Vec<String> {
        let sources = Sources {
            entities: source::parse_str(Path::new("g.tsv"), tsv).unwrap(),
            common_words: common.iter().map(|s| s.to_string()).collect(),
            ..Sources::default()
        };
        let mut d: Vec<String> = check_entities(&sources)
            .iter()
            .map(|d| d.to_string())
            .collect();
        d.sort();
        d
    }

    #[test]
    fn each_check() {
        assert_eq!(
            diagnostics("baku\tLOC\tباكو\tBaku\n", &[]),
            Vec::<String>::new()
        );
        let d = diagnostics("a\tLOC\tباكو\tباكو\n", &[]);
        assert_eq!(d, ["g.tsv:1: error: `a`: variant `باكو` is written twice"]);
        let d = diagnostics("a\tLOC\tقرة باغ\tقره باغ\n", &[]);
        assert_eq!(
            d,
            [
                "g.tsv:1: warning: `a`: variant `قره باغ` is redundant: it folds to the same key as `قرة باغ` (`قره باغ`)"
            ]
        );
        // exact-only spellings that differ as written are not redundant; a folding one is
        let d = diagnostics("a\tORG\t=أوبك\t=اوبك\n", &[]);
        assert_eq!(d, Vec::<String>::new());
        let d = diagnostics("a\tORG\t=أوبك\tاوبك\n", &[]);
        assert_eq!(d.len(), 1, "{d:?}");
        let d = diagnostics("a\tPER\tعلي\nb\tPER\tعلى\n", &[]);
        assert_eq!(
            d,
            [
                "g.tsv:1: warning: ambiguous key `علي`: shared by a, b",
                "g.tsv:2: warning: ambiguous key `علي`: shared by a, b"
            ]
        );
        let d = diagnostics("a\tORG\tUN\n", &[]);
        assert_eq!(
            d,
            [
                "g.tsv:1: warning: `a`: variant `UN` is too short to be safe (2 letters after folding)"
            ]
        );
        let d = diagnostics("a\tPER\tبان\n", &[]);
        assert!(
            d[0].contains("reads as the proclitic ب + the 2-letter word ان"),
            "{d:?}"
        );
        let d = diagnostics("ru\tLOC\tروسيا\t\tadj=روسي|روسى|روسيا\n", &[]);
        assert_eq!(
            d,
            [
                "g.tsv:1: warning: `ru`: demonym `روسى` is redundant: another demonym folds to `روسي`",
                "g.tsv:1: warning: `ru`: demonym `روسيا` is also a name of ru (key `روسيا`)",
            ]
        );
        // a key shared by many: ten ids shown, and the index's limit
        let many: String = (0..MAX_ENTITIES_PER_KEY + 1)
            .map(|i| format!("e{i}\tLOC\tسمرقند\n"))
            .collect();
        let d = diagnostics(&many, &[]);
        assert_eq!(d.len(), MAX_ENTITIES_PER_KEY + 1);
        assert_eq!(
            d.iter().find(|d| d.starts_with("g.tsv:1:")).unwrap(),
            "g.tsv:1: warning: ambiguous key `سمرقند`: shared by e0, e1, e2, e3, e4, e5, e6, e7, e8, e9, … (257 entities in all); the index keeps the first 256 entities of a key, so a match never names the others"
        );
        let d = diagnostics(&many[..many.find("e11\t").unwrap()], &[]);
        assert_eq!(d.len(), 11);
        assert!(
            d[0].ends_with(
                "shared by e0, e1, e2, e3, e4, e5, e6, e7, e8, e9, … (11 entities in all)"
            ),
            "{}",
            d[0]
        );
        let d = diagnostics("a\tPER\tأمل\tأمال\n", &["أمل"]);
        assert_eq!(
            d,
            [
                "g.tsv:1: warning: `a`: variant `أمل` is in common-words.txt, so it only matches where the text spells it exactly"
            ]
        );
    }
}
