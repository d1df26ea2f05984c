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

/// How folders are walked: which files are documents, and which entries are left alone.
///
/// The defaults are those of `grep -r` and ripgrep: symbolic links inside folders are not
/// followed (a symlinked file is not read, a symlinked folder not entered), and hidden files
/// and folders (a name starting with `.`: `.git/`, `.cache/`) are skipped. Paths given as
/// arguments are always taken, symlinks or not.
///
/// ```
/// use std::path::PathBuf;
/// let mut walk = gaztag::corpus::Walk::new(&["txt".into()]);
/// walk.exclude("000_*").unwrap();
/// let (found, errors) = walk.discover(&[PathBuf::from("seeds")]);
/// assert_eq!((found.len(), errors.len()), (4, 0));
/// ```
#[derive(Clone, Debug)]
pub struct Walk {
    exts: Vec<String>,
    follow: bool,
    hidden: bool,
    include: Vec<String>,
    exclude: Vec<String>,
    include_set: globset::GlobSet,
    exclude_set: globset::GlobSet,
}

impl Walk {
    /// A walk taking the files whose extension is one of `exts` (without the dot, compared
    /// case-insensitively), following no symlink and skipping hidden entries.
    pub fn new(exts: &[String]) -> Walk {
        Walk {
            exts: exts.to_vec(),
            follow: false,
            hidden: false,
            include: Vec::new(),
            exclude: Vec::new(),
            include_set: globset::GlobSet::empty(),
            exclude_set: globset::GlobSet::empty(),
        }
    }

    /// Follow symbolic links inside folders (`tag --follow`). Default: no.
    ///
    /// Even then the walk never enters `/proc`, `/sys` or `/dev` (unless the argument itself is
    /// in them), and a link to a folder that contains it is reported as a loop, not followed.
    pub fn follow(&mut self, yes: bool) -> &mut Walk {
        self.follow = yes;
        self
    }

    /// Take hidden files and enter hidden folders (`tag --hidden`). Default: no.
    pub fn hidden(&mut self, yes: bool) -> &mut Walk {
        self.hidden = yes;
        self
    }

    /// Take only the files that match one of the globs given this way (besides having one of
    /// the extensions; `tag --glob`). A glob without `/` is matched against file names, one
    /// with `/` against the name relative to the argument. Default: every file.
    ///
    /// # Errors
    /// When `glob` is not a valid glob.
    pub fn include(&mut self, glob: &str) -> std::result::Result<&mut Walk, globset::Error> {
        self.include.push(glob.to_owned());
        self.include_set = glob_set(&self.include)?;
        Ok(self)
    }

    /// Leave out the files and folders that match `glob` (matched as for [`Walk::include`];
    /// `tag --exclude`). Default: none.
    ///
    /// # Errors
    /// When `glob` is not a valid glob.
    pub fn exclude(&mut self, glob: &str) -> std::result::Result<&mut Walk, globset::Error> {
        self.exclude.push(glob.trim_end_matches('/').to_owned());
        self.exclude_set = glob_set(&self.exclude)?;
        Ok(self)
    }

    /// The documents under `args`, as [`discover`] gives them.
    pub fn discover(&self, args: &[PathBuf]) -> (Vec<Input>, Vec<Error>) {
        let (mut inputs, mut errors) = (Vec::new(), Vec::new());
        for found in self.documents(args) {
            match found {
                Ok(input) => inputs.push(input),
                Err(e) => errors.push(e),
            }
        }
        (inputs, errors)
    }

    /// The documents under `args`, one at a time, as [`documents`] gives them.
    pub fn documents<'a>(
        &'a self,
        args: &'a [PathBuf],
    ) -> impl Iterator<Item = Result<Input>> + 'a {
        args.iter().flat_map(move |arg| self.documents_under(arg))
    }

    /// The documents of one path argument, in name order.
    fn documents_under<'a>(&self, arg: &'a Path) -> Box<dyn Iterator<Item = Result<Input>> + 'a> {
        let meta = match std::fs::metadata(arg) {
            Ok(m) => m,
            Err(e) => return Box::new(std::iter::once(Err(Error::io(arg, e)))),
        };
        if !meta.is_dir() {
            let name = arg.file_name().map_or_else(
                || arg.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            return Box::new(std::iter::once(Ok(Input {
                path: arg.to_owned(),
                name,
            })));
        }
        let walk = walkdir::WalkDir::new(arg)
            .follow_links(self.follow)
            .sort_by(|a, b| sort_key(a).cmp(&sort_key(b)));
        let root = self
            .follow
            .then(|| std::fs::canonicalize(arg).ok())
            .flatten();
        Box::new(Walker {
            walk: self.clone(),
            arg,
            root,
            entries: walk.into_iter(),
            found: 0,
            skipped: Skipped::default(),
            done: false,
        })
    }

    /// Whether a file, by its name relative to the argument, is a document.
    fn wanted(&self, rel: &str, path: &Path) -> bool {
        has_ext(path, &self.exts)
            && (self.include.is_empty() || self.include_set.is_match(rel))
            && !self.exclude_set.is_match(rel)
    }
}

/// A glob set where a glob without `/` matches a file name at any depth.
fn glob_set(globs: &[String]) -> std::result::Result<globset::GlobSet, globset::Error> {
    let mut set = globset::GlobSetBuilder::new();
    for g in globs {
        let g = if g.contains('/') {
            g.trim_start_matches("./").to_owned()
        } else {
            format!("**/{g}")
        };
        set.add(
            globset::GlobBuilder::new(&g)
                .literal_separator(true)
                .build()?,
        );
    }
    set.build()
}

/// What a folder walk left out, for the message when it found nothing.
#[derive(Default)]
struct Skipped {
    /// Files without one of the extensions, or not matching the globs.
    other: usize,
    /// Symbolic links not followed.
    links: usize,
    /// Hidden files and folders.
    hidden: usize,
}

/// The walk of one folder argument.
struct Walker<'a> {
    walk: Walk,
    arg: &'a Path,
    /// The argument's canonical path, when following links.
    root: Option<PathBuf>,
    entries: walkdir::IntoIter,
    found: usize,
    skipped: Skipped,
    done: bool,
}

impl Walker<'_> {
    /// An entry's name relative to the argument, `/`-separated.
    fn relative(&self, path: &Path) -> String {
        let rel = path.strip_prefix(self.arg).unwrap_or(path);
        rel.components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/")
    }

    /// Whether a followed link leads into `/proc`, `/sys` or `/dev`, outside the argument.
    fn system_tree(&self, path: &Path) -> bool {
        let Ok(real) = std::fs::canonicalize(path) else {
            return false;
        };
        ["/proc", "/sys", "/dev"]
            .iter()
            .any(|s| real.starts_with(s))
            && !self.root.as_ref().is_some_and(|r| real.starts_with(r))
    }

    /// The error for a folder in which no document was found, with what was left out.
    fn nothing_found(&self) -> Error {
        let exts: Vec<String> = self
            .walk
            .exts
            .iter()
            .map(|e| format!(".{}", e.trim_start_matches('.')))
            .collect();
        let mut why = format!("no {} file in this folder", exts.join(" or "));
        if !self.walk.include.is_empty() {
            why += &format!(" matching {}", self.walk.include.join(" or "));
        }
        let mut hints = Vec::new();
        let s = &self.skipped;
        if s.other > 0 {
            hints.push(format!(
                "{} other file{}: choose the extensions with --ext",
                s.other,
                if s.other == 1 { "" } else { "s" }
            ));
        } else {
            hints.push("choose the extensions with --ext".to_owned());
        }
        if s.links > 0 {
            hints.push(format!("{} symbolic links not followed: --follow", s.links));
        }
        if s.hidden > 0 {
            hints.push(format!("{} hidden entries skipped: --hidden", s.hidden));
        }
        Error::io(
            self.arg,
            std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("{why} ({})", hints.join("; ")),
            ),
        )
    }
}

impl Iterator for Walker<'_> {
    type Item = Result<Input>;

    fn next(&mut self) -> Option<Result<Input>> {
        loop {
            let Some(entry) = self.entries.next() else {
                if std::mem::replace(&mut self.done, true) || self.found > 0 {
                    return None;
                }
                return Some(Err(self.nothing_found()));
            };
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    let path = e.path().unwrap_or(self.arg).to_owned();
                    let rel = self.relative(&path);
                    let hidden = !self.walk.hidden
                        && path
                            .file_name()
                            .is_some_and(|n| n.as_encoded_bytes().starts_with(b"."));
                    // a broken link (followed) that would not be a document anyway is no error
                    let io_kind = e.io_error().map(std::io::Error::kind);
                    if hidden
                        || (io_kind == Some(std::io::ErrorKind::NotFound)
                            && !self.walk.wanted(&rel, &path))
                    {
                        continue;
                    }
                    let io = match e.loop_ancestor() {
                        Some(a) => std::io::Error::other(format!(
                            "a symbolic link to {}, which contains it: not followed",
                            a.display()
                        )),
                        None => e
                            .into_io_error()
                            .unwrap_or_else(|| std::io::Error::other("symlink loop")),
                    };
                    return Some(Err(Error::io(path, io)));
                }
            };
            if entry.depth() == 0 {
                continue;
            }
            let is_dir = entry.file_type().is_dir();
            if !self.walk.hidden && entry.file_name().as_encoded_bytes().starts_with(b".") {
                self.skipped.hidden += 1;
                if is_dir {
                    self.entries.skip_current_dir();
                }
                continue;
            }
            let rel = self.relative(entry.path());
            if self.walk.exclude_set.is_match(&rel) {
                if is_dir {
                    self.entries.skip_current_dir();
                }
                continue;
            }
            if entry.path_is_symlink() {
                if !self.walk.follow {
                    self.skipped.links += 1;
                    continue;
                }
                if self.system_tree(entry.path()) {
                    if is_dir {
                        self.entries.skip_current_dir();
                    }
                    continue;
                }
            }
            if is_dir {
                // a real folder below a followed link to `/` is still a way into /proc
                if self.walk.follow && self.system_tree(entry.path()) {
                    self.entries.skip_current_dir();
                }
                continue;
            }
            if !entry.file_type().is_file() {
                continue;
            }
            if !self.walk.wanted(&rel, entry.path()) {
                self.skipped.other += 1;
                continue;
            }
            self.found += 1;
            return Some(Ok(Input {
                path: entry.path().to_owned(),
                name: rel,
            }));
        }
    }
}

/// Finds the documents under `args` whose extension is one of `exts` (without the dot, compared
/// case-insensitively), walking folders with the defaults of [`Walk`] (no symlink followed,
/// hidden entries skipped). Files named directly are taken whatever their extension.
///
/// Returns the documents in a deterministic order (arguments in the order given, each sorted by
/// name) and one error per path that could not be read (a missing path, an unreadable folder,
/// a symlink loop, a folder with no document at all); the caller reports those and goes on.
/// [`documents`] gives the same, one document at a time.
pub fn discover(args: &[PathBuf], exts: &[String]) -> (Vec<Input>, Vec<Error>) {
    Walk::new(exts).discover(args)
}

/// The documents of [`discover`], in the same order, found while they are consumed: memory
/// holds the entries of the folders being walked, never the list of every document, so a crawl
/// of millions of files starts at once and costs no more than a small one.
///
/// The order is the order of the documents' names, as [`discover`] promises: each folder's
/// entries are sorted by name, a subfolder as if its name ended with `/` (so `a/b.txt` comes
/// after `a-c.txt`, as their names compare); names that are not UTF-8 compare as they are
/// shown, with the replacement character, then by their bytes.
///
/// # Example
/// ```
/// use std::path::PathBuf;
/// let found: Vec<String> = gaztag::corpus::documents(&[PathBuf::from("seeds")], &["txt".into()])
///     .map(|d| d.unwrap().name)
///     .collect();
/// assert_eq!(found.len(), 5);
/// assert!(found.is_sorted());
/// ```
pub fn documents<'a>(
    args: &'a [PathBuf],
    exts: &'a [String],
) -> impl Iterator<Item = Result<Input>> + 'a {
    args.iter()
        .flat_map(move |arg| Walk::new(exts).documents_under(arg))
}

/// How a folder entry sorts among its siblings so that a depth-first walk yields names in
/// order: its shown name, with `/` after a folder's, then its raw bytes.
fn sort_key(entry: &walkdir::DirEntry) -> (String, &std::ffi::OsStr) {
    let mut shown = entry.file_name().to_string_lossy().into_owned();
    if entry.file_type().is_dir() {
        shown.push('/');
    }
    (shown, entry.file_name())
}

fn has_ext(path: &Path, exts: &[String]) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        exts.iter()
            .any(|x| x.trim_start_matches('.').eq_ignore_ascii_case(e))
    })
}

/// Splits off the inputs whose name an earlier input already has (the same relative path under
/// two folder arguments, two file arguments with the same file name, two file names that are
/// not UTF-8 and differ only in their invalid bytes): their output files would overwrite each
/// other's. Returns the inputs to keep, in order, and each duplicate with the path of the
/// input that keeps the name.
pub fn split_duplicates(inputs: Vec<Input>) -> (Vec<Input>, Vec<(Input, PathBuf)>) {
    let mut first: std::collections::HashMap<String, PathBuf> = Default::default();
    let (mut keep, mut dups) = (Vec::new(), Vec::new());
    for input in inputs {
        match first.get(&input.name) {
            Some(path) => {
                let path = path.clone();
                dups.push((input, path));
            }
            None => {
                first.insert(input.name.clone(), input.path.clone());
                keep.push(input);
            }
        }
    }
    (keep, dups)
}

/// The first of `outputs` that is one of the `inputs` files (after following symlinks): writing
/// it would destroy an input. `None` when no output is an input.
///
/// Outputs that do not exist yet are compared through their folder, so an output folder that
/// is an input folder under another name (a symlink, `./in`) is caught too.
///
/// Each folder is resolved once (not each file's every ancestor again): a file that is not a
/// symlink itself is its folder's real path joined with its name, which costs one `lstat`;
/// a symlink is resolved whole.
pub fn overwritten_input(
    inputs: &[Input],
    outputs: impl IntoIterator<Item = PathBuf>,
) -> Option<PathBuf> {
    let mut folders: std::collections::HashMap<PathBuf, Option<PathBuf>> = Default::default();
    // `path` as found through its folder's real path
    let mut through_folder = |path: &Path| -> Option<PathBuf> {
        let (parent, file) = (path.parent()?, path.file_name()?);
        let parent = if parent.as_os_str().is_empty() {
            Path::new(".")
        } else {
            parent
        };
        let real = folders
            .entry(parent.to_owned())
            .or_insert_with(|| std::fs::canonicalize(parent).ok());
        real.as_ref().map(|p| p.join(file))
    };
    let inputs: std::collections::HashSet<PathBuf> = inputs
        .iter()
        .filter_map(|i| {
            let meta = std::fs::symlink_metadata(&i.path).ok()?;
            if meta.file_type().is_symlink() {
                std::fs::canonicalize(&i.path).ok()
            } else {
                // a name ending in `..` has no file name: resolved whole
                through_folder(&i.path).or_else(|| std::fs::canonicalize(&i.path).ok())
            }
        })
        .collect();
    outputs.into_iter().find(|out| {
        out.file_name().is_some() && through_folder(out).is_some_and(|p| inputs.contains(&p))
    })
}

/// How the bytes of input documents are read as text (`gaztag tag --encoding`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Encoding {
    /// Each file's encoding is found from its bytes, by [`detect`]: a byte order mark, then
    /// UTF-8, then UTF-16 without a byte order mark, then the likeliest legacy encoding
    /// (Windows-1256 or ISO-8859-6 for Arabic text), as the `chardetng` crate guesses it. The
    /// default.
    #[default]
    Auto,
    /// UTF-8, with or without a byte order mark.
    Utf8,
    /// UTF-16, little-endian, with or without a byte order mark.
    Utf16Le,
    /// UTF-16, big-endian, with or without a byte order mark.
    Utf16Be,
    /// Windows-1256, the Arabic code page of Windows.
    Windows1256,
    /// ISO-8859-6, the Latin/Arabic code page.
    Iso8859_6,
}

impl Encoding {
    /// Every choice, in the order the help lists them.
    pub const ALL: [Encoding; 6] = [
        Encoding::Auto,
        Encoding::Utf8,
        Encoding::Utf16Le,
        Encoding::Utf16Be,
        Encoding::Windows1256,
        Encoding::Iso8859_6,
    ];

    /// The name given to `--encoding`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Encoding::Auto => "auto",
            Encoding::Utf8 => "utf-8",
            Encoding::Utf16Le => "utf-16le",
            Encoding::Utf16Be => "utf-16be",
            Encoding::Windows1256 => "windows-1256",
            Encoding::Iso8859_6 => "iso-8859-6",
        }
    }

    /// Parses a name given to `--encoding` (case-insensitive; `utf8`, `cp1256` and `iso8859-6`
    /// are accepted too).
    ///
    /// ```
    /// use gaztag::corpus::Encoding;
    /// assert_eq!(Encoding::parse("CP1256"), Some(Encoding::Windows1256));
    /// assert_eq!(Encoding::parse("latin1"), None);
    /// ```
    pub fn parse(name: &str) -> Option<Encoding> {
        match name.to_ascii_lowercase().as_str() {
            "auto" => Some(Encoding::Auto),
            "utf-8" | "utf8" => Some(Encoding::Utf8),
            "utf-16le" | "utf16le" => Some(Encoding::Utf16Le),
            "utf-16be" | "utf16be" => Some(Encoding::Utf16Be),
            "windows-1256" | "cp1256" => Some(Encoding::Windows1256),
            "iso-8859-6" | "iso8859-6" => Some(Encoding::Iso8859_6),
            _ => None,
        }
    }

    /// The encoding forced, `None` for [`Encoding::Auto`].
    fn forced(&self) -> Option<&'static encoding_rs::Encoding> {
        match self {
            Encoding::Auto => None,
            Encoding::Utf8 => Some(encoding_rs::UTF_8),
            Encoding::Utf16Le => Some(encoding_rs::UTF_16LE),
            Encoding::Utf16Be => Some(encoding_rs::UTF_16BE),
            Encoding::Windows1256 => Some(encoding_rs::WINDOWS_1256),
            Encoding::Iso8859_6 => Some(encoding_rs::ISO_8859_6),
        }
    }
}

/// The name of UTF-8 as [`Decoded::encoding`] gives it.
pub const UTF_8: &str = "UTF-8";

/// A document's text, and the encoding it was read in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decoded {
    /// The text, without a byte order mark.
    pub text: String,
    /// The encoding's name as the WHATWG Encoding Standard spells it: [`UTF_8`], `UTF-16LE`,
    /// `UTF-16BE`, `windows-1256`, `ISO-8859-6`, or another legacy encoding [`detect`] found.
    pub encoding: &'static str,
    /// When an encoding was forced and the bytes are plainly in another one (a byte order
    /// mark, or valid UTF-8 holding more than ASCII), that other one's name: the text is
    /// likely garbled, and the caller may say so.
    pub unlike: Option<&'static str>,
}

/// Reads a document, finding its encoding from its bytes: [`read_document_as`] with
/// [`Encoding::Auto`], giving the text only.
///
/// # Errors
/// See [`decode`].
pub fn read_document(path: &Path) -> Result<String> {
    read_document_as(path, Encoding::Auto).map(|d| d.text)
}

/// The largest document gaztag tags, in bytes: 2 GiB − 1. Offsets are kept as 32-bit numbers,
/// and a legacy encoding can double a document's size in UTF-8.
pub const MAX_DOCUMENT_BYTES: usize = (1 << 31) - 1;

/// Reads a document in `encoding` (see [`decode_as`]).
///
/// # Errors
/// [`Error::Io`] when the file cannot be read or is larger than [`MAX_DOCUMENT_BYTES`], and
/// the errors of [`decode`].
pub fn read_document_as(path: &Path, encoding: Encoding) -> Result<Decoded> {
    use std::io::Read as _;
    let io = |e| Error::io(path, e);
    // one open: the size comes from the open file, and sizes the buffer
    let mut file = std::fs::File::open(path).map_err(io)?;
    let refuse = |why| {
        Err(io(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            why,
        )))
    };
    let size = file.metadata().map_err(io)?.len();
    if let Some(why) = too_large(size) {
        return refuse(why);
    }
    let mut bytes = Vec::with_capacity(size as usize);
    // read through `take`, which reads to the end without asking the file its size and
    // position again, and stops a file that grew past the limit since
    let limit = MAX_DOCUMENT_BYTES as u64 + 1;
    file.by_ref()
        .take(limit)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if let Some(why) = too_large(bytes.len() as u64) {
        return refuse(why);
    }
    // the common case, UTF-8 without a byte order mark that `detect` takes as UTF-8: the
    // bytes are the text, checked once and not copied
    if encoding.forced().is_none() && !bytes.starts_with(b"\xEF\xBB\xBF") {
        match String::from_utf8(bytes) {
            Ok(text) if !odd_controls(text.as_bytes()) => {
                return Ok(Decoded {
                    text,
                    encoding: encoding_rs::UTF_8.name(),
                    unlike: None,
                });
            }
            Ok(text) => bytes = text.into_bytes(),
            Err(e) => bytes = e.into_bytes(),
        }
    }
    decode_as(path, &bytes, encoding)
}

/// Does `bytes` hold a control character that text does not (a NUL, or one of
/// U+0001..U+0008, U+000E..U+001F other than ESC)? See [`detect`], step 2.
fn odd_controls(bytes: &[u8]) -> bool {
    bytes
        .iter()
        .any(|&b| matches!(b, 0x00..=0x08 | 0x0E..=0x1A | 0x1C..=0x1F))
}

/// Why a document of `size` bytes is not tagged, if it is over [`MAX_DOCUMENT_BYTES`].
pub(crate) fn too_large(size: u64) -> Option<String> {
    (size > MAX_DOCUMENT_BYTES as u64).then(|| {
        format!("{size} bytes: gaztag tags documents of up to {MAX_DOCUMENT_BYTES} bytes (2 GiB); split it")
    })
}

/// Decodes the bytes of the document at `path` (named in errors only) as `encoding`, giving
/// the text only (see [`decode_as`]).
///
/// # Errors
/// * [`Error::Binary`] when the file holds a NUL byte (or, in UTF-16, a NUL character): it is
///   not text.
/// * [`Error::Encoding`] when a UTF-8 document is not valid UTF-8, [`Error::Decode`] when a
///   document is not valid in another encoding; both give the byte offset of the first
///   invalid sequence.
///
/// ```
/// use gaztag::corpus::{decode, Encoding};
/// use std::path::Path;
/// let p = Path::new("a.txt");
/// assert_eq!(decode(p, b"\xEF\xBB\xBFab", Encoding::Auto).unwrap(), "ab");
/// assert_eq!(decode(p, b"\xFF\xFEa\x00", Encoding::Auto).unwrap(), "a");
/// assert_eq!(decode(p, b"\xC8\xC7\xDF\xE6", Encoding::Windows1256).unwrap(), "باكو");
/// assert!(decode(p, b"ab\x00", Encoding::Auto).is_err());
/// ```
pub fn decode(path: &Path, bytes: &[u8], encoding: Encoding) -> Result<String> {
    decode_as(path, bytes, encoding).map(|d| d.text)
}

/// Decodes the bytes of the document at `path` (named in errors only): in the encoding
/// [`detect`] finds for [`Encoding::Auto`], in the one given otherwise.
///
/// A byte order mark is dropped (for a forced encoding, only its own), so offsets count from
/// the first character after one; line ends are kept as they are (a `\r` of a CRLF line end is
/// a character of the text, and counts in offsets, like any other).
///
/// # Errors
/// As [`decode`].
///
/// ```
/// use gaztag::corpus::{decode_as, Encoding};
/// use std::path::Path;
/// let p = Path::new("a.txt");
/// let cp1256 = encoding_rs::WINDOWS_1256.encode("زار بوتين موسكو أمس").0;
/// let read = decode_as(p, &cp1256, Encoding::Auto).unwrap();
/// assert_eq!((read.text.as_str(), read.encoding), ("زار بوتين موسكو أمس", "windows-1256"));
/// let utf16: Vec<u8> = "زار بوتين موسكو".encode_utf16().flat_map(u16::to_le_bytes).collect();
/// assert_eq!(decode_as(p, &utf16, Encoding::Auto).unwrap().encoding, "UTF-16LE");
/// ```
pub fn decode_as(path: &Path, bytes: &[u8], encoding: Encoding) -> Result<Decoded> {
    let enc = encoding.forced().unwrap_or_else(|| detect(bytes));
    let unlike = encoding.forced().and_then(|forced| {
        let plain = match bytes {
            [0xEF, 0xBB, 0xBF, ..] | [0xFF, 0xFE, ..] | [0xFE, 0xFF, ..] => detect(bytes),
            _ if !bytes.is_ascii() && std::str::from_utf8(bytes).is_ok() => encoding_rs::UTF_8,
            _ => return None,
        };
        (plain != forced).then(|| plain.name())
    });
    let body = if enc == encoding_rs::UTF_8 {
        bytes.strip_prefix(b"\xEF\xBB\xBF")
    } else if enc == encoding_rs::UTF_16LE {
        bytes.strip_prefix(b"\xFF\xFE")
    } else if enc == encoding_rs::UTF_16BE {
        bytes.strip_prefix(b"\xFE\xFF")
    } else {
        None
    }
    .unwrap_or(bytes);
    let base = bytes.len() - body.len();
    let done = |text| Decoded {
        text,
        encoding: enc.name(),
        unlike,
    };
    if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
        let text = decode_with(path, body, enc, base)?;
        if let Some(i) = text.find('\0') {
            let units: usize = text[..i].chars().map(char::len_utf16).sum();
            return Err(Error::Binary {
                path: path.to_owned(),
                offset: base + 2 * units,
            });
        }
        return Ok(done(text));
    }
    if let Some(offset) = bytes.iter().position(|&b| b == 0) {
        return Err(Error::Binary {
            path: path.to_owned(),
            offset,
        });
    }
    if enc == encoding_rs::UTF_8 {
        let text = std::str::from_utf8(body).map_err(|e| Error::Encoding {
            path: path.to_owned(),
            offset: base + e.valid_up_to(),
        })?;
        return Ok(done(text.to_owned()));
    }
    decode_with(path, body, enc, base).map(done)
}

/// The encoding a document's bytes are most likely in:
///
/// 1. the encoding of a byte order mark (UTF-8, UTF-16LE, UTF-16BE);
/// 2. UTF-8, when the bytes are valid UTF-8 and hold no control character that text does not
///    (a NUL, or one of U+0001..U+0008, U+000E..U+001F other than ESC);
/// 3. UTF-16 without a byte order mark, when every other byte looks like the high byte of
///    Arabic or Latin text in UTF-16 (0x06 or 0x00 in at least 90 % of the places, where the
///    other bytes are not) and the bytes decode as UTF-16 without error or NUL character;
/// 4. UTF-8 again, for valid UTF-8 with such control characters, or a NUL byte (which makes
///    it binary, not text);
/// 5. otherwise the legacy encoding the `chardetng` crate (Firefox's detector) finds likeliest:
///    Windows-1256 or ISO-8859-6 for Arabic text.
///
/// ```
/// use gaztag::corpus::detect;
/// assert_eq!(detect("موسكو".as_bytes()).name(), "UTF-8");
/// assert_eq!(detect(b"\xFF\xFE\x45\x06").name(), "UTF-16LE");
/// let cp1256 = encoding_rs::WINDOWS_1256.encode("أعلن الكرملين أن بوتين سيزور باكو").0;
/// assert_eq!(detect(&cp1256).name(), "windows-1256");
/// ```
pub fn detect(bytes: &[u8]) -> &'static encoding_rs::Encoding {
    match bytes {
        [0xEF, 0xBB, 0xBF, ..] => return encoding_rs::UTF_8,
        [0xFF, 0xFE, ..] => return encoding_rs::UTF_16LE,
        [0xFE, 0xFF, ..] => return encoding_rs::UTF_16BE,
        _ => {}
    }
    let utf8 = std::str::from_utf8(bytes).is_ok();
    if utf8 && !odd_controls(bytes) {
        return encoding_rs::UTF_8;
    }
    if let Some(enc) = utf16_without_bom(bytes) {
        return enc;
    }
    if utf8 || bytes.contains(&0) {
        return encoding_rs::UTF_8;
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    detector.guess(None, chardetng::Utf8Detection::Deny)
}

/// UTF-16LE or UTF-16BE, if `bytes` read as UTF-16 of that byte order without a byte order
/// mark (see [`detect`], step 3).
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    if bytes.len() < 4 || !bytes.len().is_multiple_of(2) {
        return None;
    }
    let high_like = |parity: usize| {
        let n = bytes.len() / 2;
        let hits = bytes
            .iter()
            .skip(parity)
            .step_by(2)
            .filter(|&&b| b == 0x00 || b == 0x06)
            .count();
        (hits * 10 >= n * 9, hits * 2 <= n)
    };
    let (even, odd) = (high_like(0), high_like(1));
    let enc = match (even, odd) {
        ((_, true), (true, _)) => encoding_rs::UTF_16LE, // high bytes second
        ((true, _), (_, true)) => encoding_rs::UTF_16BE,
        _ => return None,
    };
    let (text, had_errors) = enc.decode_without_bom_handling(bytes);
    (!had_errors && !text.contains('\0')).then_some(enc)
}

/// Decodes `bytes` (which start at byte `base` of the file) without replacement characters,
/// reporting the file offset of the first malformed sequence.
fn decode_with(
    path: &Path,
    bytes: &[u8],
    enc: &'static encoding_rs::Encoding,
    base: usize,
) -> Result<String> {
    use encoding_rs::DecoderResult;
    let mut decoder = enc.new_decoder_without_bom_handling();
    let mut text = String::with_capacity(
        decoder
            .max_utf8_buffer_length_without_replacement(bytes.len())
            .unwrap_or(bytes.len()),
    );
    let mut read = 0;
    loop {
        let (result, n) =
            decoder.decode_to_string_without_replacement(&bytes[read..], &mut text, true);
        read += n;
        match result {
            DecoderResult::InputEmpty => return Ok(text),
            DecoderResult::OutputFull => text.reserve(bytes.len() - read + 16),
            DecoderResult::Malformed(bad, after) => {
                return Err(Error::Decode {
                    path: path.to_owned(),
                    encoding: enc.name(),
                    offset: base + read - usize::from(after) - usize::from(bad),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reading a file gives what decoding its bytes gives, whichever way the read takes
    /// (UTF-8 read without a copy, or through detection).
    #[test]
    fn reading_is_decoding() {
        let dir = tempfile::tempdir().unwrap();
        let cp1256 = encoding_rs::WINDOWS_1256
            .encode("زار بوتين باكو")
            .0
            .into_owned();
        let cases: [&[u8]; 8] = [
            "زار بوتين باكو".as_bytes(),
            b"\xEF\xBB\xBFab",
            b"a\x01b",
            "x\u{1b}y".as_bytes(),
            b"ab\x00",
            b"\xFF\xFEa\x00",
            &cp1256,
            b"\xC3\x28",
        ];
        for (i, bytes) in cases.iter().enumerate() {
            let path = dir.path().join(format!("{i}.txt"));
            std::fs::write(&path, bytes).unwrap();
            for enc in [Encoding::Auto, Encoding::Windows1256] {
                let read = read_document_as(&path, enc).map_err(|e| e.to_string());
                let decoded = decode_as(&path, bytes, enc).map_err(|e| e.to_string());
                assert_eq!(read, decoded, "case {i}, {enc:?}");
            }
        }
    }

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

    /// The walk sorts each folder's entries, yet the names come out in plain name order:
    /// `a-c.txt` (`-` sorts before `/`) before the folder `a`, `a.txt` before `a/`, and deeper
    /// levels interleaved the same way.
    #[test]
    fn streamed_documents_come_in_name_order() {
        let dir = tempfile::tempdir().unwrap();
        let files = [
            "a/b.txt",
            "a-c.txt",
            "a.txt",
            "a0.txt",
            "ab.txt",
            "b/x/y.txt",
            "b/x.txt",
            "b/x-.txt",
            "b/w/v.txt",
            "b!.txt",
            "A.txt",
            "a/a/a.txt",
            "a/a.txt",
        ];
        for f in files {
            let path = dir.path().join(f);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "x").unwrap();
        }
        let args = [dir.path().to_owned()];
        let exts = ["txt".to_owned()];
        let names: Vec<String> = documents(&args, &exts).map(|d| d.unwrap().name).collect();
        let mut sorted: Vec<String> = files.iter().map(|f| f.to_string()).collect();
        sorted.sort();
        assert_eq!(names, sorted);
    }

    fn names(found: &[Input]) -> Vec<&str> {
        found.iter().map(|i| i.name.as_str()).collect()
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_are_not_followed_unless_asked() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let (corpus, outside) = (dir.path().join("c"), dir.path().join("outside"));
        std::fs::create_dir_all(corpus.join("sub")).unwrap();
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(corpus.join("a.txt"), "x").unwrap();
        std::fs::write(corpus.join("sub/b.txt"), "x").unwrap();
        std::fs::write(outside.join("secret.txt"), "x").unwrap();
        symlink(outside.join("secret.txt"), corpus.join("x.txt")).unwrap();
        symlink(&outside, corpus.join("linked")).unwrap();
        symlink("/", corpus.join("root")).unwrap();
        let args = [corpus.clone()];
        let exts = ["txt".to_owned()];
        let (found, errors) = discover(&args, &exts);
        assert_eq!(names(&found), ["a.txt", "sub/b.txt"]);
        assert!(errors.is_empty(), "{errors:?}");
        // followed: the links are read, the link to / is not walked into /proc, /sys or /dev
        // (the walk of the rest of / is not tested here: it would read the whole machine)
        std::fs::remove_file(corpus.join("root")).unwrap();
        symlink("/proc", corpus.join("proc")).unwrap();
        symlink("/sys", corpus.join("sys")).unwrap();
        symlink("/proc/self/status", corpus.join("status.txt")).unwrap();
        let mut walk = Walk::new(&exts);
        walk.follow(true);
        let (found, errors) = walk.discover(&args);
        assert_eq!(
            names(&found),
            ["a.txt", "linked/secret.txt", "sub/b.txt", "x.txt"]
        );
        assert!(errors.is_empty(), "{errors:?}");
    }

    #[cfg(unix)]
    #[test]
    fn a_followed_loop_is_reported_once_not_walked() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("a")).unwrap();
        std::fs::write(dir.path().join("a/x.txt"), "x").unwrap();
        symlink("..", dir.path().join("a/up")).unwrap();
        let mut walk = Walk::new(&["txt".into()]);
        walk.follow(true);
        let (found, errors) = walk.discover(&[dir.path().to_owned()]);
        assert_eq!(names(&found), ["a/x.txt"]);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0].to_string().contains("not followed"),
            "{}",
            errors[0]
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_broken_link_is_an_error_only_if_it_would_be_a_document() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), "x").unwrap();
        symlink("gone.json", dir.path().join("b.json")).unwrap();
        let mut walk = Walk::new(&["txt".into()]);
        walk.follow(true);
        let args = [dir.path().to_owned()];
        let (found, errors) = walk.discover(&args);
        assert_eq!((found.len(), errors.len()), (1, 0), "{errors:?}");
        symlink("gone.txt", dir.path().join("c.txt")).unwrap();
        let (found, errors) = walk.discover(&args);
        assert_eq!((found.len(), errors.len()), (1, 1));
        assert!(errors[0].to_string().contains("c.txt"), "{}", errors[0]);
        // not followed, a link is no document and no error
        let (found, errors) = discover(&args, &["txt".into()]);
        assert_eq!((found.len(), errors.len()), (1, 0));
    }

    #[test]
    fn hidden_entries_globs_and_excludes() {
        let dir = tempfile::tempdir().unwrap();
        for f in [
            ".git/objects/x.txt",
            ".cache/y.txt",
            ".hidden.txt",
            "news/a.txt",
            "news/drafts/b.txt",
            "wire/c.txt",
            "wire/c-old.txt",
        ] {
            let path = dir.path().join(f);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "x").unwrap();
        }
        let args = [dir.path().to_owned()];
        let exts = ["txt".to_owned()];
        let mut walk = Walk::new(&exts);
        let (found, _) = walk.discover(&args);
        assert_eq!(
            names(&found),
            [
                "news/a.txt",
                "news/drafts/b.txt",
                "wire/c-old.txt",
                "wire/c.txt"
            ]
        );
        walk.hidden(true);
        assert_eq!(walk.discover(&args).0.len(), 7);
        let mut walk = Walk::new(&exts);
        walk.exclude("drafts/")
            .unwrap()
            .exclude("*-old.txt")
            .unwrap();
        assert_eq!(names(&walk.discover(&args).0), ["news/a.txt", "wire/c.txt"]);
        let mut walk = Walk::new(&exts);
        walk.include("wire/*").unwrap();
        assert_eq!(
            names(&walk.discover(&args).0),
            ["wire/c-old.txt", "wire/c.txt"]
        );
        let mut walk = Walk::new(&exts);
        walk.include("c*.txt").unwrap();
        assert_eq!(
            names(&walk.discover(&args).0),
            ["wire/c-old.txt", "wire/c.txt"]
        );
        assert!(Walk::new(&exts).include("a[").is_err());
    }

    #[test]
    fn a_folder_without_documents_says_so() {
        let dir = tempfile::tempdir().unwrap();
        for f in ["a.md", "b.md", ".c.txt"] {
            std::fs::write(dir.path().join(f), "x").unwrap();
        }
        let (found, errors) = discover(&[dir.path().to_owned()], &["txt".into()]);
        assert!(found.is_empty());
        assert_eq!(errors.len(), 1);
        let e = errors[0].to_string();
        assert!(e.contains("no .txt file in this folder"), "{e}");
        assert!(
            e.contains("2 other files: choose the extensions with --ext"),
            "{e}"
        );
        assert!(e.contains("1 hidden entries skipped: --hidden"), "{e}");
        let (found, errors) = discover(&[dir.path().to_owned()], &["md".into()]);
        assert_eq!((found.len(), errors.len()), (2, 0));
    }

    #[test]
    fn bom_dropped_and_bad_utf8_located() {
        let dir = tempfile::tempdir().unwrap();
        let (bom, bad) = (dir.path().join("bom.txt"), dir.path().join("bad.txt"));
        std::fs::write(&bom, "\u{FEFF}باكو").unwrap();
        std::fs::write(&bad, b"ab\xffcd").unwrap();
        assert_eq!(read_document(&bom).unwrap(), "باكو");
        let e = read_document_as(&bad, Encoding::Utf8)
            .unwrap_err()
            .to_string();
        assert!(
            e.ends_with("not valid UTF-8 (first invalid byte at offset 2)"),
            "{e}"
        );
    }

    #[test]
    fn utf16_both_orders_and_offsets_of_bad_sequences() {
        let p = Path::new("x.txt");
        let text = "باكو\r\nموسكو";
        let mut le = vec![0xFF, 0xFE];
        let mut be = vec![0xFE, 0xFF];
        for u in text.encode_utf16() {
            le.extend(u.to_le_bytes());
            be.extend(u.to_be_bytes());
        }
        assert_eq!(decode(p, &le, Encoding::Auto).unwrap(), text);
        assert_eq!(decode(p, &be, Encoding::Auto).unwrap(), text);
        // an unpaired high surrogate as the third unit: bytes 6..8 of the file
        let mut bad = le[..6].to_vec();
        bad.extend([0x00, 0xD8, 0x41, 0x00]);
        let e = decode(p, &bad, Encoding::Auto).unwrap_err().to_string();
        assert_eq!(
            e,
            "x.txt: not valid UTF-16LE (first invalid sequence at byte offset 6)"
        );
        // a NUL character in UTF-16 is binary, located in bytes
        let mut nul = le[..4].to_vec();
        nul.extend([0, 0]);
        let e = decode(p, &nul, Encoding::Auto).unwrap_err();
        assert!(matches!(e, Error::Binary { offset: 4, .. }), "{e}");
        // ISO-8859-6 leaves 0xA1 unassigned
        let e = decode(p, b"\xC8\xC7\xA1", Encoding::Iso8859_6)
            .unwrap_err()
            .to_string();
        assert!(
            e.ends_with("not valid ISO-8859-6 (first invalid sequence at byte offset 2)"),
            "{e}"
        );
        assert_eq!(
            decode(p, b"\xC8\xC7\xE3", Encoding::Iso8859_6).unwrap(),
            "باك"
        );
        // the BOM counts in the offset of a UTF-8 error
        let e = decode(p, b"\xEF\xBB\xBFa\xFF", Encoding::Auto).unwrap_err();
        assert!(matches!(e, Error::Encoding { offset: 4, .. }), "{e}");
        let e = decode(p, b"abc\0\xFF", Encoding::Auto).unwrap_err();
        assert!(matches!(e, Error::Binary { offset: 3, .. }), "{e}");
        assert_eq!(decode(p, b"", Encoding::Auto).unwrap(), "");
    }

    /// Each file's encoding is found from its bytes; a forced one is used as it is.
    #[test]
    fn encodings_detected_per_file() {
        let p = Path::new("x.txt");
        let text = "أعلن الكرملين أن الرئيس فلاديمير بوتين سيزور باكو الأسبوع المقبل.\r\n";
        let utf16 = |le: bool| -> Vec<u8> {
            text.encode_utf16()
                .flat_map(|u| if le { u.to_le_bytes() } else { u.to_be_bytes() })
                .collect()
        };
        let cases: [(&str, Vec<u8>); 6] = [
            ("UTF-8", text.as_bytes().to_vec()),
            ("UTF-8", [&b"\xEF\xBB\xBF"[..], text.as_bytes()].concat()),
            (
                "windows-1256",
                encoding_rs::WINDOWS_1256.encode(text).0.into_owned(),
            ),
            (
                "ISO-8859-6",
                encoding_rs::ISO_8859_6.encode(text).0.into_owned(),
            ),
            ("UTF-16LE", utf16(true)),
            ("UTF-16BE", utf16(false)),
        ];
        for (name, bytes) in cases {
            let read = decode_as(p, &bytes, Encoding::Auto).unwrap();
            assert_eq!((read.encoding, read.text.as_str()), (name, text), "{name}");
        }
        // Latin text in UTF-16 without a byte order mark
        let en: Vec<u8> = "Putin visited Baku"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(
            decode_as(p, &en, Encoding::Auto).unwrap().encoding,
            "UTF-16LE"
        );
        // a NUL byte that is not UTF-16 still makes a binary file
        assert!(matches!(
            decode_as(p, b"PK\x03\x04\x00\x00binary", Encoding::Auto),
            Err(Error::Binary { offset: 4, .. })
        ));
        // forced: UTF-8 read as windows-1256 is what was asked (and garbled)
        let forced = decode_as(p, text.as_bytes(), Encoding::Windows1256).unwrap();
        assert_eq!(forced.encoding, "windows-1256");
        assert_ne!(forced.text, text);
        let e = decode_as(p, &utf16(true), Encoding::Utf8).unwrap_err();
        assert!(
            matches!(e, Error::Binary { .. } | Error::Encoding { .. }),
            "{e}"
        );
        assert_eq!(
            decode_as(p, &utf16(false), Encoding::Utf16Be).unwrap().text,
            text
        );
    }

    #[cfg(unix)]
    #[test]
    fn outputs_that_are_inputs_through_links_and_other_names() {
        let dir = tempfile::tempdir().unwrap();
        let (inp, out) = (dir.path().join("in"), dir.path().join("out"));
        std::fs::create_dir_all(inp.join("sub")).unwrap();
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(inp.join("a.txt"), "x").unwrap();
        std::fs::write(inp.join("sub/b.txt"), "x").unwrap();
        std::fs::write(out.join("real.txt.json"), "x").unwrap();
        // an input that is a symlink to a file in the output folder
        std::os::unix::fs::symlink(out.join("real.txt.json"), inp.join("l.txt")).unwrap();
        // an output folder that is an input folder under another name
        std::os::unix::fs::symlink(inp.join("sub"), out.join("sub")).unwrap();
        let input = |path: PathBuf| Input {
            name: path.display().to_string(),
            path,
        };
        let a = input(inp.join("a.txt"));
        let b = input(inp.join("sub/b.txt"));
        let l = input(inp.join("l.txt"));
        let dotted = input(inp.join("sub/../a.txt"));
        let check = |inputs: &[Input], outputs: &[PathBuf]| {
            overwritten_input(inputs, outputs.iter().cloned())
        };
        let fresh = [out.join("a.txt.json"), out.join("new/b.txt.json")];
        assert_eq!(check(&[a.clone(), b.clone(), l.clone()], &fresh), None);
        // the link's target
        let target = out.join("real.txt.json");
        assert_eq!(
            check(&[a.clone(), l], std::slice::from_ref(&target)),
            Some(target)
        );
        // through the linked folder, and through `..`
        let via = out.join("sub/b.txt");
        assert_eq!(
            check(&[a.clone(), b], std::slice::from_ref(&via)),
            Some(via)
        );
        let same = dir.path().join("in/./a.txt");
        assert_eq!(check(&[dotted], std::slice::from_ref(&same)), Some(same));
        // an input that does not exist (any more) is nobody's output
        let gone = input(inp.join("gone.txt"));
        assert_eq!(check(&[gone], &[inp.join("gone.txt")]), None);
        assert_eq!(check(&[a], &[inp.join("a.txt")]), Some(inp.join("a.txt")));
    }

    #[test]
    fn duplicate_names_split_off() {
        let input = |path: &str, name: &str| Input {
            path: path.into(),
            name: name.into(),
        };
        let (keep, dups) = split_duplicates(vec![
            input("a/x.txt", "x.txt"),
            input("b/x.txt", "x.txt"),
            input("a/y.txt", "y.txt"),
        ]);
        assert_eq!(keep, [input("a/x.txt", "x.txt"), input("a/y.txt", "y.txt")]);
        assert_eq!(dups, [(input("b/x.txt", "x.txt"), "a/x.txt".into())]);
    }
}
