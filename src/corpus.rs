//! Finding documents under the paths a user gives, and reading them.
//!
//! A path is a file or a folder; folders are searched recursively for files with the chosen
//! extensions. Each document gets a name relative to the argument it was found under (a file
//! argument's name is its file name), with `/` separators, and documents are sorted by that
//! name within each argument, so that output order never depends on the file system.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// A document found under a path argument.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Input {
    /// Where to read it.
    pub path: PathBuf,
    /// Its name relative to the argument it was found under, `/`-separated.
    pub name: String,
}

/// Finds the documents under `args` whose extension is one of `exts` (without the dot, compared
/// case-insensitively). Files named directly are taken whatever their extension.
///
/// Returns the documents in a deterministic order (arguments in the order given, each sorted by
/// name) and one error per path that could not be read (a missing path, an unreadable folder,
/// a symlink loop); the caller reports those and goes on.
pub fn discover(args: &[PathBuf], exts: &[String]) -> (Vec<Input>, Vec<Error>) {
    let (mut inputs, mut errors) = (Vec::new(), Vec::new());
    for arg in args {
        let meta = match std::fs::metadata(arg) {
            Ok(m) => m,
            Err(e) => {
                errors.push(Error::io(arg, e));
                continue;
            }
        };
        if !meta.is_dir() {
            let name = arg.file_name().map_or_else(
                || arg.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            inputs.push(Input {
                path: arg.clone(),
                name,
            });
            continue;
        }
        let mut found = Vec::new();
        for entry in walkdir::WalkDir::new(arg).follow_links(true) {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    let path = e.path().unwrap_or(arg).to_owned();
                    let io = e
                        .into_io_error()
                        .unwrap_or_else(|| std::io::Error::other("symlink loop"));
                    errors.push(Error::io(path, io));
                    continue;
                }
            };
            if !entry.file_type().is_file() || !has_ext(entry.path(), exts) {
                continue;
            }
            let rel = entry.path().strip_prefix(arg).unwrap_or(entry.path());
            let name = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            found.push(Input {
                path: entry.path().to_owned(),
                name,
            });
        }
        found.sort_by(|a, b| a.name.cmp(&b.name));
        inputs.extend(found);
    }
    (inputs, errors)
}

fn has_ext(path: &Path, exts: &[String]) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        exts.iter()
            .any(|x| x.trim_start_matches('.').eq_ignore_ascii_case(e))
    })
}

/// Reads a document as UTF-8 text. A leading byte order mark is dropped, so offsets count from
/// the first character after it.
///
/// # Errors
/// [`Error::Io`] when the file cannot be read, [`Error::Encoding`] (with the byte offset of the
/// first invalid sequence) when it is not UTF-8.
pub fn read_document(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let mut text = String::from_utf8(bytes).map_err(|e| Error::Encoding {
        path: path.to_owned(),
        offset: e.utf8_error().valid_up_to(),
    })?;
    if text.starts_with('\u{FEFF}') {
        text.drain(..3);
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_sorted_and_reports_missing() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("b")).unwrap();
        for f in ["b/z.txt", "a.txt", "b/a.TXT", "skip.json"] {
            std::fs::write(dir.path().join(f), "x").unwrap();
        }
        let missing = dir.path().join("nope");
        let (inputs, errors) = discover(&[dir.path().to_owned(), missing.clone()], &["txt".into()]);
        let names: Vec<&str> = inputs.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(names, ["a.txt", "b/a.TXT", "b/z.txt"]);
        assert_eq!(errors.len(), 1);
        assert!(
            errors[0]
                .to_string()
                .starts_with(&missing.display().to_string())
        );
    }

    #[test]
    fn bom_dropped_and_bad_utf8_located() {
        let dir = tempfile::tempdir().unwrap();
        let (bom, bad) = (dir.path().join("bom.txt"), dir.path().join("bad.txt"));
        std::fs::write(&bom, "\u{FEFF}باكو").unwrap();
        std::fs::write(&bad, b"ab\xffcd").unwrap();
        assert_eq!(read_document(&bom).unwrap(), "باكو");
        let e = read_document(&bad).unwrap_err().to_string();
        assert!(
            e.ends_with("not valid UTF-8 (first invalid byte at offset 2)"),
            "{e}"
        );
    }
}
