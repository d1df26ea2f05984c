//! Finding the documents that annotations name, for `review` and `diff`, and reading them
//! without trusting the annotations.
//!
//! An annotation names its document relative to the argument `tag` found it under
//! (`000_….txt` for `tag seeds`). Where that argument was is recorded by `tag --out DIR` in a
//! run record, `DIR/gaztag.run` ([`RunRecord`]), so that `gaztag review DIR` and `gaztag
//! diff` find the texts from any folder with no flag. `--docs DIR` overrides it; without
//! either, names are taken from the current folder.
//!
//! Annotations may come from someone else, so a `document` is only a name inside the
//! documents' folder: [`Locator::read`] refuses an absolute name, a `..`, a name that leads out
//! of the folder through a symlink, anything but a regular file (a FIFO would hang, a device
//! would never end), and a file larger than the text the annotation describes could be.

use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::annotation::Document;
use crate::corpus::{self, Decoded, Encoding};
use crate::error::{Error, Result};

/// The file name of the run record `tag --out DIR` writes into DIR.
pub const RUN_RECORD: &str = "gaztag.run";

/// Where the documents of a `tag --out DIR` run were found: one [`Root`] per path argument.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunRecord {
    /// The arguments' roots, in the order given.
    pub roots: Vec<Root>,
}

/// One path argument of a run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Root {
    /// The start its documents' names share: `""` when they are relative to `path` itself (a
    /// run over one folder), a folder's name when a run over several arguments put it in
    /// front of them (`corpus` for `corpus/a.txt`), or the whole name of a file argument.
    pub name: String,
    /// The argument, as an absolute path: a folder, or a file.
    pub path: PathBuf,
}

impl Root {
    /// The folder `document` is found in, and its name in there, if it is under this root.
    fn place(&self, document: &str) -> Option<(PathBuf, PathBuf)> {
        if self.name.is_empty() {
            return Some((self.path.clone(), document.into()));
        }
        if document == self.name {
            // a file argument: its folder is the one it is in
            let folder = self.path.parent()?.to_owned();
            return Some((folder, self.path.file_name()?.into()));
        }
        let rest = document.strip_prefix(&self.name)?.strip_prefix('/')?;
        Some((self.path.clone(), rest.into()))
    }
}

impl RunRecord {
    /// Reads `DIR/gaztag.run`: `Ok(None)` when there is none.
    ///
    /// # Errors
    /// [`Error::Io`] when it cannot be read, [`Error::Source`] when it is not a run record.
    pub fn read(dir: &Path) -> Result<Option<RunRecord>> {
        let path = dir.join(RUN_RECORD);
        let meta = match std::fs::metadata(&path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Error::io(path, e)),
        };
        if !meta.is_file() || meta.len() > 1 << 20 {
            return Err(Error::io(
                path,
                std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    "not a run record (not a file of at most 1 MiB)",
                ),
            ));
        }
        let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
        serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| Error::source(&path, e.line().max(1), format!("not a run record: {e}")))
    }

    /// Writes the record of a run into DIR, atomically, keeping the roots of earlier runs
    /// into the same folder whose names this run does not use.
    ///
    /// # Errors
    /// [`Error::Io`] when it cannot be written.
    pub fn write(&self, dir: &Path) -> Result<()> {
        let mut roots = self.roots.clone();
        if let Ok(Some(old)) = RunRecord::read(dir) {
            let taken = |name: &str| self.roots.iter().any(|r| r.name == name);
            roots.extend(old.roots.into_iter().filter(|r| !taken(&r.name)));
        }
        let mut json = serde_json::to_string_pretty(&RunRecord { roots })
            .map_err(|e| Error::io(dir.join(RUN_RECORD), std::io::Error::other(e.to_string())))?;
        json.push('\n');
        crate::atomic::write(&dir.join(RUN_RECORD), json.as_bytes())
    }

    /// The root `document` is found under: the longest name that starts it.
    fn place(&self, document: &str) -> Option<(PathBuf, PathBuf)> {
        let mut roots: Vec<&Root> = self.roots.iter().collect();
        roots.sort_by_key(|r| std::cmp::Reverse(r.name.len()));
        roots.iter().find_map(|r| r.place(document))
    }
}

/// Where the documents of a set of annotations are looked for: `--docs DIR`, else the run
/// records found beside the annotations, else the current folder.
#[derive(Clone, Debug, Default)]
pub struct Locator {
    docs: Option<PathBuf>,
    /// Each run record found, with its folder (absolute).
    records: Vec<(PathBuf, RunRecord)>,
}

impl Locator {
    /// A locator for the annotations read from `files` (annotation files, or folders of
    /// them), unless `docs` is given: the run record nearest each one, in its folder or the
    /// closest folder above it that has one, as a `tag --out` folder holds its record and its
    /// annotations at any depth. A record in a folder anyone may write to (`/tmp`) is not
    /// trusted, nor looked above. A run record that cannot be read is pushed to `errors` and
    /// left out.
    pub fn new(docs: Option<&Path>, files: &[PathBuf], errors: &mut Vec<Error>) -> Locator {
        let folder_of = |path: &Path| -> Option<PathBuf> {
            let dir = if path.is_dir() {
                path
            } else {
                match path.parent() {
                    Some(p) if !p.as_os_str().is_empty() => p,
                    _ => Path::new("."),
                }
            };
            std::path::absolute(dir).ok()
        };
        let mut records = Vec::new();
        let mut looked = std::collections::HashSet::new();
        if docs.is_none() {
            for path in files {
                let Some(start) = folder_of(path) else {
                    continue;
                };
                for dir in start.ancestors() {
                    if writable_by_anyone(dir) {
                        break;
                    }
                    if !looked.insert(dir.to_owned()) {
                        break; // looked at from here up already
                    }
                    match RunRecord::read(dir) {
                        Ok(Some(r)) => {
                            records.push((dir.to_owned(), r));
                            break;
                        }
                        Ok(None) => {}
                        Err(e) => {
                            errors.push(e);
                            break;
                        }
                    }
                }
            }
        }
        Locator {
            docs: docs.map(Path::to_owned),
            records,
        }
    }

    /// Did this locator find where the documents are (`--docs`, or a run record)?
    pub fn knows_roots(&self) -> bool {
        self.docs.is_some() || !self.records.is_empty()
    }

    /// The folder `document` is looked for in, and its path in there: with `--docs`, there;
    /// else under the run record nearest the annotation file `from` (when given), then any
    /// other; else the current folder.
    fn place(&self, document: &str, from: Option<&Path>) -> (PathBuf, PathBuf) {
        if let Some(dir) = &self.docs {
            return (dir.clone(), document.into());
        }
        let from = from.and_then(|f| std::path::absolute(f).ok());
        let mut records: Vec<&(PathBuf, RunRecord)> = self.records.iter().collect();
        // stable: the records above `from`, nearest first, then the others in order
        records.sort_by_key(|(dir, _)| match &from {
            Some(f) if f.starts_with(dir) => std::cmp::Reverse(dir.as_os_str().len() + 1),
            _ => std::cmp::Reverse(0),
        });
        records
            .iter()
            .find_map(|(_, r)| r.place(document))
            .unwrap_or_else(|| (PathBuf::from("."), document.into()))
    }

    /// The path `document`'s text is looked for at (whether or not it is there).
    pub fn path_of(&self, document: &str) -> PathBuf {
        joined(self.place(document, None))
    }

    /// Reads the text of `doc`, in the encoding its annotation names (found from the bytes
    /// when it names none), returning the path it was read from.
    ///
    /// # Errors
    /// [`Error::Io`] naming the path when the name is not a relative path inside the
    /// documents' folder, leads out of it, is not a regular file, is larger than the text of
    /// `doc.chars` characters could be, or cannot be read; the errors of
    /// [`corpus::decode_as`].
    pub fn read(&self, doc: &Document) -> Result<(PathBuf, Decoded)> {
        self.read_from(doc, None)
    }

    /// [`Locator::read`] for a document whose annotations were read from the file
    /// `annotations`: the run record nearest that file is tried first.
    ///
    /// # Errors
    /// As [`Locator::read`].
    pub fn read_for(&self, annotations: &Path, doc: &Document) -> Result<(PathBuf, Decoded)> {
        self.read_from(doc, Some(annotations))
    }

    fn read_from(&self, doc: &Document, from: Option<&Path>) -> Result<(PathBuf, Decoded)> {
        let (root, name) = self.place(&doc.document, from);
        let path = joined((root.clone(), name.clone()));
        let refuse = |why: String| {
            Error::io(
                &path,
                std::io::Error::new(std::io::ErrorKind::InvalidInput, why),
            )
        };
        if name.as_os_str().is_empty()
            || !name
                .components()
                .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
        {
            return Err(refuse(format!(
                "the document name {:?} is not a relative path inside the documents' folder",
                doc.document
            )));
        }
        let io = |e| Error::io(&path, e);
        let inside = std::fs::canonicalize(&path).map_err(io)?;
        let folder = std::fs::canonicalize(&root).map_err(io)?;
        if !inside.starts_with(&folder) {
            return Err(refuse(format!(
                "leads out of the documents' folder {} (to {})",
                folder.display(),
                inside.display()
            )));
        }
        let meta = std::fs::metadata(&inside).map_err(io)?;
        if !meta.is_file() {
            return Err(refuse("not a regular file".into()));
        }
        // at most 4 bytes per character in any encoding read, and a byte order mark
        let most = (doc.chars as u64)
            .saturating_mul(4)
            .saturating_add(4)
            .min(corpus::MAX_DOCUMENT_BYTES as u64);
        if meta.len() > most {
            return Err(refuse(format!(
                "{} bytes, more than a text of {} characters can take (was it changed after \
                 tagging?)",
                meta.len(),
                doc.chars
            )));
        }
        let encoding = match doc.encoding.as_deref() {
            None => Encoding::Auto,
            Some(name) => Encoding::parse(name).ok_or_else(|| {
                refuse(format!("its annotation names an unknown encoding {name:?}"))
            })?,
        };
        let mut bytes = Vec::with_capacity(meta.len() as usize);
        {
            use std::io::Read as _;
            let file = std::fs::File::open(&inside).map_err(io)?;
            if !file.metadata().map_err(io)?.is_file() {
                return Err(refuse("not a regular file".into()));
            }
            file.take(most + 1).read_to_end(&mut bytes).map_err(io)?;
        }
        if bytes.len() as u64 > most {
            return Err(refuse(format!(
                "grew while it was read, past what a text of {} characters can take",
                doc.chars
            )));
        }
        let decoded = corpus::decode_as(&path, &bytes, encoding)?;
        Ok((path, decoded))
    }
}

/// Is `dir` a folder every user may write to (where anyone could leave a run record)?
fn writable_by_anyone(dir: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::metadata(dir).is_ok_and(|m| m.permissions().mode() & 0o002 != 0)
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        false
    }
}

/// A folder and a path in it, as one path (`.` left out).
fn joined((root, name): (PathBuf, PathBuf)) -> PathBuf {
    if root == Path::new(".") {
        name
    } else {
        root.join(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(name: &str, chars: usize) -> Document {
        Document {
            document: name.into(),
            chars,
            encoding: None,
            mentions: Vec::new(),
        }
    }

    #[test]
    fn run_records_place_documents_under_their_argument() {
        let record = RunRecord {
            roots: vec![
                Root {
                    name: "corpus".into(),
                    path: "/data/corpus".into(),
                },
                Root {
                    name: "more.txt".into(),
                    path: "/elsewhere/more.txt".into(),
                },
            ],
        };
        let at = |n: &str| record.place(n).map(|(r, p)| r.join(p));
        assert_eq!(at("corpus/a/b.txt"), Some("/data/corpus/a/b.txt".into()));
        assert_eq!(at("more.txt"), Some("/elsewhere/more.txt".into()));
        assert_eq!(at("corpusx/a.txt"), None);
        let one = RunRecord {
            roots: vec![Root {
                name: String::new(),
                path: "/data/seeds".into(),
            }],
        };
        assert_eq!(
            one.place("000.txt").map(|(r, p)| r.join(p)),
            Some("/data/seeds/000.txt".into())
        );
    }

    /// The nearest record above an annotation file is found, but none in (or above) a folder
    /// anyone may write to.
    #[cfg(unix)]
    #[test]
    fn records_are_found_above_but_not_in_folders_anyone_may_write() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let record = RunRecord {
            roots: vec![Root {
                name: String::new(),
                path: "/data/seeds".into(),
            }],
        };
        let (mine, open) = (dir.path().join("mine"), dir.path().join("open"));
        for d in [&mine, &open] {
            std::fs::create_dir_all(d.join("sub")).unwrap();
            record.write(d).unwrap();
        }
        std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o777)).unwrap();
        let at = |top: &Path| {
            let files = [top.join("sub/a.json")];
            Locator::new(None, &files, &mut Vec::new()).path_of("a.txt")
        };
        assert_eq!(at(&mine), Path::new("/data/seeds/a.txt"));
        assert_eq!(at(&open), Path::new("a.txt"));
    }

    #[test]
    fn names_that_leave_the_folder_or_are_not_files_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let docs = dir.path().join("docs");
        std::fs::create_dir(&docs).unwrap();
        std::fs::write(docs.join("a.txt"), "باكو").unwrap();
        std::fs::write(dir.path().join("secret.txt"), "secret").unwrap();
        std::fs::create_dir(docs.join("sub")).unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(dir.path().join("secret.txt"), docs.join("link.txt")).unwrap();
        let locate = Locator::new(Some(&docs), &[], &mut Vec::new());
        assert_eq!(locate.read(&doc("a.txt", 4)).unwrap().1.text, "باكو");
        for (name, why) in [
            ("/etc/passwd", "not a relative path"),
            ("../secret.txt", "not a relative path"),
            ("sub/../../secret.txt", "not a relative path"),
            ("", "not a relative path"),
            ("sub", "not a regular file"),
            #[cfg(unix)]
            ("link.txt", "leads out of the documents' folder"),
        ] {
            let e = locate.read(&doc(name, 6)).unwrap_err().to_string();
            assert!(e.contains(why), "{name}: {e}");
        }
        // a file larger than its annotation's text could be is not read
        let e = locate.read(&doc("a.txt", 0)).unwrap_err().to_string();
        assert!(
            e.contains("8 bytes, more than a text of 0 characters"),
            "{e}"
        );
    }
}
