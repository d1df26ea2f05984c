//! Writing annotations in the formats of `gaztag tag --format`.
//!
//! | format | on standard output | with an output folder |
//! |---|---|---|
//! | [`Format::Json`] (default) | JSON Lines, one document per line | one pretty-printed `NAME.json` per document |
//! | [`Format::Jsonl`] | JSON Lines, as `json` | one `annotations.jsonl` for the whole run |
//! | [`Format::Conll`] | `token TAG` lines ([`conll`]), `-DOCSTART- O` before each document | one `NAME.conll` per document |
//! | [`Format::Brat`] | (needs a folder) | `NAME.txt` and `NAME.ann` per document ([`brat`]), plus `annotation.conf` and `visual.conf` |
//!
//! `NAME` is the document's name ([`Document::document`], `000_….txt`), so the files mirror the
//! input tree as `tag --out` always has: `000_….txt.json`, `000_….txt.conll`,
//! `000_….txt.ann`.
//!
//! Every file is written atomically (to a temporary file in the same folder, then renamed), so
//! a file in the output folder is always complete; `annotations.jsonl` appears when the run
//! ends.
//!
//! An [`Exporter`] turns one document at a time into files or into a chunk of text; it is
//! `Sync`, so documents can be exported in parallel. The chunks go, in document order, to a
//! [`Sink`]: standard output, or `annotations.jsonl`.
//!
//! ```
//! # fn main() -> gaztag::Result<()> {
//! use gaztag::export::{Exporter, Format};
//! let tagger = gaztag::Tagger::new(gaztag::Gazetteer::embedded());
//! let text = "زار بوتين موسكو";
//! let doc = tagger.annotate("a.txt", text);
//! let exporter = Exporter::to_stream(Format::Conll).unwrap();
//! let mut out = Vec::new();
//! let mut sink = exporter.sink(&mut out)?;
//! if let Some(chunk) = exporter.document(&doc, text)? {
//!     sink.push(&chunk)?;
//! }
//! sink.finish()?;
//! assert_eq!(
//!     String::from_utf8(out).unwrap(),
//!     "-DOCSTART- O\n\nزار O\nبوتين B-PER\nموسكو B-LOC\n\n"
//! );
//! # Ok(())
//! # }
//! ```

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::annotation::Document;
use crate::error::{Error, Result};

pub mod brat;
pub mod conll;

/// The name of the one file `--format jsonl` writes into an output folder.
pub const JSONL_FILE: &str = "annotations.jsonl";

/// An output format of `gaztag tag`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Format {
    /// The annotation JSON of `docs/annotations.md` (the default).
    #[default]
    Json,
    /// JSON Lines: one compact document per line.
    Jsonl,
    /// CoNLL: one `token TAG` per line with IOB2 tags, a blank line between sentences.
    Conll,
    /// brat standoff: `.ann` files beside a copy of each text.
    Brat,
}

impl Format {
    /// Every format, in the order the help lists them.
    pub const ALL: [Format; 4] = [Format::Json, Format::Jsonl, Format::Conll, Format::Brat];

    /// The name given to `--format`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Jsonl => "jsonl",
            Format::Conll => "conll",
            Format::Brat => "brat",
        }
    }

    /// Parses a name given to `--format`.
    ///
    /// ```
    /// use gaztag::export::Format;
    /// assert_eq!(Format::parse("conll"), Some(Format::Conll));
    /// assert_eq!(Format::parse("xml"), None);
    /// ```
    pub fn parse(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.as_str() == name)
    }

    /// Whether the format can only be written into a folder (brat: a text and an annotation
    /// file per document).
    pub fn needs_dir(&self) -> bool {
        *self == Format::Brat
    }
}

/// Exports documents in one format, to a stream or into a folder (see the [module
/// docs](self)).
#[derive(Clone, Debug)]
pub struct Exporter {
    format: Format,
    dir: Option<PathBuf>,
    /// The folders made (or found) for documents' files so far this run, shared by clones:
    /// each sub-folder of the output is created once, not once per document.
    made: std::sync::Arc<std::sync::Mutex<std::collections::HashSet<PathBuf>>>,
}

impl Exporter {
    /// An exporter whose output is one stream (standard output): `None` for a format that
    /// needs a folder ([`Format::needs_dir`]).
    pub fn to_stream(format: Format) -> Option<Exporter> {
        (!format.needs_dir()).then_some(Exporter {
            format,
            dir: None,
            made: Default::default(),
        })
    }

    /// An exporter writing into `dir`, which it creates if needed. For brat it also writes the
    /// project configuration, [`brat::ANNOTATION_CONF`] and [`brat::VISUAL_CONF`], so that the
    /// folder opens in brat as is.
    ///
    /// # Errors
    /// [`Error::Io`] when the folder or a configuration file cannot be written.
    pub fn to_dir(format: Format, dir: &Path) -> Result<Exporter> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        if format == Format::Brat {
            crate::atomic::write(
                &dir.join("annotation.conf"),
                brat::ANNOTATION_CONF.as_bytes(),
            )?;
            crate::atomic::write(&dir.join("visual.conf"), brat::VISUAL_CONF.as_bytes())?;
        }
        Ok(Exporter {
            format,
            dir: Some(dir.to_owned()),
            made: std::sync::Arc::new(std::sync::Mutex::new([dir.to_owned()].into())),
        })
    }

    /// The format.
    pub fn format(&self) -> Format {
        self.format
    }

    /// Exports one document, `doc` being the annotations of exactly `text` (the text as
    /// tagged, without a byte order mark). Writes its files when the format writes one file
    /// per document into a folder, and returns `None`; otherwise returns the chunk to
    /// [`Sink::push`] in document order.
    ///
    /// # Errors
    /// [`Error::Io`] naming the file that could not be written.
    pub fn document(&self, doc: &Document, text: &str) -> Result<Option<String>> {
        match self.document_staged(doc, text)? {
            Exported::Chunk(chunk) => Ok(Some(chunk)),
            Exported::Files(files) => {
                for file in files {
                    file.commit()?;
                }
                Ok(None)
            }
        }
    }

    /// [`Exporter::document`], except that the files of a format that writes them are only
    /// written to their temporary files and returned, not put in place: give those of many
    /// documents to [`crate::atomic::commit_all`], which flushes them to disk together (far
    /// fewer disk flushes than one per file). Dropped, they leave nothing behind.
    ///
    /// # Errors
    /// [`Error::Io`] naming the file that could not be written.
    pub fn document_staged(&self, doc: &Document, text: &str) -> Result<Exported> {
        let chunk = |c| Ok(Exported::Chunk(c));
        match (self.format, &self.dir) {
            (Format::Json | Format::Jsonl, None) | (Format::Jsonl, Some(_)) => {
                let mut line = String::new();
                doc.write_json(&mut line);
                line.push('\n');
                chunk(line)
            }
            (Format::Json, Some(dir)) => {
                let mut bytes =
                    serde_json::to_vec_pretty(doc).expect("a Document always serializes");
                bytes.push(b'\n');
                Ok(Exported::Files(vec![self.stage_beside(
                    dir,
                    &doc.document,
                    "json",
                    &bytes,
                )?]))
            }
            (Format::Conll, None) => chunk(format!(
                "-DOCSTART- O\n\n{}",
                conll::to_conll(text, &doc.mentions)
            )),
            (Format::Conll, Some(dir)) => {
                let body = conll::to_conll(text, &doc.mentions);
                Ok(Exported::Files(vec![self.stage_beside(
                    dir,
                    &doc.document,
                    "conll",
                    body.as_bytes(),
                )?]))
            }
            (Format::Brat, Some(dir)) => {
                let (txt, ann) = brat::to_brat(text, &doc.mentions);
                Ok(Exported::Files(vec![
                    self.stage_beside(dir, &doc.document, "txt", txt.as_bytes())?,
                    self.stage_beside(dir, &doc.document, "ann", ann.as_bytes())?,
                ]))
            }
            (Format::Brat, None) => unreachable!("to_stream refuses brat"),
        }
    }

    /// Where the chunks of [`Exporter::document`] go: `stream` (standard output), or, for
    /// JSON Lines into a folder, a temporary file that [`Sink::finish`] renames to
    /// [`JSONL_FILE`].
    ///
    /// # Errors
    /// [`Error::Io`] when the temporary file cannot be created.
    pub fn sink<W: Write>(&self, stream: W) -> Result<Sink<W>> {
        let target = match (self.format, &self.dir) {
            (Format::Jsonl, Some(dir)) => {
                let file = crate::atomic::AtomicFile::create(&dir.join(JSONL_FILE))?;
                Target::File(std::io::BufWriter::new(file))
            }
            _ => Target::Stream(stream),
        };
        Ok(Sink { target })
    }

    /// The files [`Exporter::document`] writes for the document named `name` (empty when its
    /// output goes to the sink).
    pub fn document_files(&self, name: &str) -> Vec<PathBuf> {
        match &self.dir {
            Some(dir) => self.format.document_files(dir, name),
            None => Vec::new(),
        }
    }

    /// Whether the document named `name`, read from `input`, already has its output: every
    /// file of [`Exporter::document_files`] exists and was written no earlier than `input`
    /// was last modified. Files are written atomically, so one that exists is complete.
    /// Always `false` when the output is a stream or a single file (nothing to resume).
    pub fn up_to_date(&self, name: &str, input: &Path) -> bool {
        let files = self.document_files(name);
        let Ok(modified) = std::fs::metadata(input).and_then(|m| m.modified()) else {
            return false;
        };
        !files.is_empty()
            && files.iter().all(|f| {
                std::fs::metadata(f)
                    .and_then(|m| m.modified())
                    .is_ok_and(|t| t >= modified)
            })
    }

    /// Starts writing `DIR/NAME.EXT` atomically, creating the folders of `NAME` (once per
    /// run: a folder already made for an earlier document is not made again): the bytes are
    /// in its temporary file, which is not yet flushed to disk nor in place.
    fn stage_beside(
        &self,
        dir: &Path,
        name: &str,
        ext: &str,
        bytes: &[u8],
    ) -> Result<crate::atomic::AtomicFile> {
        let path = dir.join(format!("{name}.{ext}"));
        if let Some(parent) = path.parent() {
            self.make_folder(parent)?;
        }
        let mut file = crate::atomic::AtomicFile::create(&path)?;
        file.write_all(bytes).map_err(|e| Error::io(&path, e))?;
        Ok(file)
    }

    /// Creates `folder` and its parents unless this exporter already did.
    fn make_folder(&self, folder: &Path) -> Result<()> {
        // a poisoned lock only means another thread panicked: the set is still right
        let made = || {
            self.made
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
        };
        if made().contains(folder) {
            return Ok(());
        }
        // made outside the lock: two threads may both make it, which is harmless
        std::fs::create_dir_all(folder).map_err(|e| Error::io(folder, e))?;
        made().insert(folder.to_owned());
        Ok(())
    }
}

impl Format {
    /// The files written into `dir` for the document named `name`, one per document formats
    /// only (json: `NAME.json`, conll: `NAME.conll`, brat: `NAME.txt` and `NAME.ann`).
    pub fn document_files(&self, dir: &Path, name: &str) -> Vec<PathBuf> {
        let exts: &[&str] = match self {
            Format::Json => &["json"],
            Format::Jsonl => &[],
            Format::Conll => &["conll"],
            Format::Brat => &["txt", "ann"],
        };
        exts.iter()
            .map(|ext| dir.join(format!("{name}.{ext}")))
            .collect()
    }

    /// The files written into `dir` once per run (jsonl: [`JSONL_FILE`], brat: its two
    /// configuration files).
    pub fn run_files(&self, dir: &Path) -> Vec<PathBuf> {
        let names: &[&str] = match self {
            Format::Jsonl => &[JSONL_FILE],
            Format::Brat => &["annotation.conf", "visual.conf"],
            Format::Json | Format::Conll => &[],
        };
        names.iter().map(|n| dir.join(n)).collect()
    }
}

/// What [`Exporter::document_staged`] gives for one document.
#[derive(Debug)]
pub enum Exported {
    /// The chunk to [`Sink::push`] in document order.
    Chunk(String),
    /// Its files, written but not yet in place (see [`crate::atomic::commit_all`]).
    Files(Vec<crate::atomic::AtomicFile>),
}

/// Where exported chunks go, in document order (see [`Exporter::sink`]).
#[derive(Debug)]
pub struct Sink<W: Write> {
    target: Target<W>,
}

#[derive(Debug)]
enum Target<W: Write> {
    Stream(W),
    File(std::io::BufWriter<crate::atomic::AtomicFile>),
}

/// How a write error on the stream is reported (it has no file name).
const STREAM: &str = "standard output";

impl<W: Write> Sink<W> {
    /// Writes one chunk.
    ///
    /// # Errors
    /// [`Error::Io`] naming the file (or `standard output`) that could not be written.
    pub fn push(&mut self, chunk: &str) -> Result<()> {
        match &mut self.target {
            Target::Stream(w) => w
                .write_all(chunk.as_bytes())
                .map_err(|e| Error::io(STREAM, e)),
            Target::File(out) => out
                .write_all(chunk.as_bytes())
                .map_err(|e| Error::io(out.get_ref().path(), e)),
        }
    }

    /// Flushes the stream, or completes the file: flushed to disk, given ordinary permissions
    /// (or those of the file it replaces), and renamed into place.
    ///
    /// # Errors
    /// [`Error::Io`] naming the file (or `standard output`).
    pub fn finish(self) -> Result<()> {
        match self.target {
            Target::Stream(mut w) => w.flush().map_err(|e| Error::io(STREAM, e)),
            Target::File(out) => {
                let path = out.get_ref().path().to_owned();
                out.into_inner()
                    .map_err(|e| Error::io(path, e.into_error()))?
                    .commit()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Gazetteer, Tagger};

    fn tagged(name: &str, text: &str) -> Document {
        Tagger::new(Gazetteer::embedded()).annotate(name, text)
    }

    fn export_all(exporter: &Exporter, docs: &[(Document, &str)]) -> String {
        let mut out = Vec::new();
        let mut sink = exporter.sink(&mut out).unwrap();
        for (doc, text) in docs {
            if let Some(chunk) = exporter.document(doc, text).unwrap() {
                sink.push(&chunk).unwrap();
            }
        }
        sink.finish().unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn formats_parse_back_from_their_names() {
        for f in Format::ALL {
            assert_eq!(Format::parse(f.as_str()), Some(f));
        }
        assert_eq!(Format::default(), Format::Json);
        assert!(Exporter::to_stream(Format::Brat).is_none());
        assert!(Format::ALL.iter().filter(|f| f.needs_dir()).count() == 1);
    }

    #[test]
    fn json_and_jsonl_stream_the_same_lines() {
        let a = "قال بيسكوف في موسكو";
        let b = "زار علييف باكو";
        let docs = [(tagged("a.txt", a), a), (tagged("b.txt", b), b)];
        let json = export_all(&Exporter::to_stream(Format::Json).unwrap(), &docs);
        let jsonl = export_all(&Exporter::to_stream(Format::Jsonl).unwrap(), &docs);
        assert_eq!(json, jsonl);
        let lines: Vec<&str> = json.lines().collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(
            serde_json::from_str::<Document>(lines[1]).unwrap(),
            docs[1].0
        );
    }

    #[test]
    fn jsonl_into_a_folder_is_one_file_that_appears_at_the_end() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let exporter = Exporter::to_dir(Format::Jsonl, &out).unwrap();
        let text = "زار علييف باكو";
        let doc = tagged("sub/a.txt", text);
        let mut stdout = Vec::new();
        let mut sink = exporter.sink(&mut stdout).unwrap();
        sink.push(&exporter.document(&doc, text).unwrap().unwrap())
            .unwrap();
        sink.push(&exporter.document(&doc, text).unwrap().unwrap())
            .unwrap();
        assert!(!out.join(JSONL_FILE).exists());
        sink.finish().unwrap();
        assert!(stdout.is_empty());
        let names: Vec<_> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names, [JSONL_FILE]);
        let back = crate::annotation::read_annotations(&out.join(JSONL_FILE)).unwrap();
        assert_eq!(back, vec![doc.clone(), doc]);
    }

    #[test]
    fn per_document_files_mirror_the_names() {
        let dir = tempfile::tempdir().unwrap();
        let text = "زار علييف باكو";
        let doc = tagged("sub/a.txt", text);
        for (format, exts) in [
            (Format::Json, &["json"][..]),
            (Format::Conll, &["conll"]),
            (Format::Brat, &["txt", "ann"]),
        ] {
            let out = dir.path().join(format.as_str());
            let exporter = Exporter::to_dir(format, &out).unwrap();
            assert_eq!(exporter.document(&doc, text).unwrap(), None);
            for ext in exts {
                assert!(out.join(format!("sub/a.txt.{ext}")).is_file(), "{ext}");
            }
        }
        let json = std::fs::read_to_string(dir.path().join("json/sub/a.txt.json")).unwrap();
        assert_eq!(json, serde_json::to_string_pretty(&doc).unwrap() + "\n");
        let brat = dir.path().join("brat");
        assert_eq!(
            std::fs::read_to_string(brat.join("annotation.conf")).unwrap(),
            brat::ANNOTATION_CONF
        );
        assert!(brat.join("visual.conf").is_file());
        assert_eq!(
            std::fs::read_to_string(brat.join("sub/a.txt.txt")).unwrap(),
            text
        );
    }

    #[test]
    fn folders_are_made_once_for_many_documents_and_threads() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let exporter = Exporter::to_dir(Format::Json, &out).unwrap();
        let text = "زار علييف باكو";
        let names: Vec<String> = (0..40)
            .map(|i| format!("{}/{}/d{i}.txt", i % 3, i % 2))
            .chain(["top.txt".to_owned()])
            .collect();
        std::thread::scope(|s| {
            for chunk in names.chunks(7) {
                let exporter = exporter.clone();
                s.spawn(move || {
                    for name in chunk {
                        assert_eq!(exporter.document(&tagged(name, text), text).unwrap(), None);
                    }
                });
            }
        });
        for name in &names {
            let json = std::fs::read_to_string(out.join(format!("{name}.json"))).unwrap();
            assert_eq!(
                json,
                serde_json::to_string_pretty(&tagged(name, text)).unwrap() + "\n"
            );
        }
        // a folder that went away since is named, not a panic
        std::fs::remove_dir_all(out.join("2")).unwrap();
        let err = exporter
            .document(&tagged("2/0/late.txt", text), text)
            .unwrap_err();
        assert!(err.to_string().contains("2/0"), "{err}");
    }

    #[test]
    fn an_unwritable_folder_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("file");
        std::fs::write(&file, "x").unwrap();
        let e = Exporter::to_dir(Format::Brat, &file)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with(&file.display().to_string()), "{e}");
    }
}
