//! The error type of the library.
//!
//! Every error that comes from a file names it, and errors in gazetteer sources also name the
//! line, so that a message can be acted on without a debugger.

use std::fmt;
use std::path::PathBuf;

/// A `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in gaztag.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// Reading or writing a file failed.
    Io {
        /// The file concerned.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A line of an input file is malformed: a gazetteer source, CoNLL data, annotation JSON.
    Source {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// A compiled gazetteer is truncated, corrupted, or of another version.
    Index {
        /// Where it came from (a file, or `<embedded>`).
        origin: String,
        /// What is wrong.
        message: String,
    },
    /// A document is not valid UTF-8.
    Encoding {
        /// The document.
        path: PathBuf,
        /// Byte offset of the first invalid sequence.
        offset: usize,
    },
    /// A document is not valid in the encoding it was read as (other than UTF-8).
    Decode {
        /// The document.
        path: PathBuf,
        /// The encoding's name (`UTF-16LE`, `windows-1256`, `ISO-8859-6`).
        encoding: &'static str,
        /// Byte offset, in the file, of the first invalid sequence.
        offset: usize,
    },
    /// A document holds a NUL byte: it is binary, not text.
    Binary {
        /// The document.
        path: PathBuf,
        /// Byte offset of the first NUL.
        offset: usize,
    },
}

impl Error {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    pub(crate) fn source(
        path: impl Into<PathBuf>,
        line: usize,
        message: impl Into<String>,
    ) -> Error {
        Error::Source {
            path: path.into(),
            line,
            message: message.into(),
        }
    }

    pub(crate) fn index(origin: impl Into<String>, message: impl Into<String>) -> Error {
        Error::Index {
            origin: origin.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io { path, source } => write!(f, "{}: {}", Shown(path), source),
            Error::Source {
                path,
                line,
                message,
            } => {
                write!(f, "{}:{}: {}", Shown(path), line, message)
            }
            Error::Index { origin, message } => {
                write!(f, "{origin}: not a usable gaztag index: {message}")
            }
            Error::Encoding { path, offset } => write!(
                f,
                "{}: not valid UTF-8 (first invalid byte at offset {offset})",
                Shown(path)
            ),
            Error::Decode {
                path,
                encoding,
                offset,
            } => write!(
                f,
                "{}: not valid {encoding} (first invalid sequence at byte offset {offset})",
                Shown(path)
            ),
            Error::Binary { path, offset } => write!(
                f,
                "{}: binary file, not text (NUL byte at offset {offset}): skipped",
                Shown(path)
            ),
        }
    }
}

/// A path as a report shows it: control characters (an escape sequence in a scraped file's
/// name, a line break) become U+FFFD, so that a file name cannot drive the terminal or forge a
/// line of the report.
struct Shown<'a>(&'a std::path::Path);

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = self.0.to_string_lossy();
        if !text.chars().any(char::is_control) {
            return f.write_str(&text);
        }
        let shown: String = text
            .chars()
            .map(|c| if c.is_control() { '\u{FFFD}' } else { c })
            .collect();
        f.write_str(&shown)
    }
}

/// The cause of an [`Error::Io`] is part of its message (`PATH: the system's reason`), so it is
/// not returned as a `source()` as well: a report that prints the chain of causes (anyhow's
/// `{:#}`) would print it twice. [`Error::io_error`] gives it.
impl std::error::Error for Error {}

impl Error {
    /// The system's error, for an [`Error::Io`].
    pub fn io_error(&self) -> Option<&std::io::Error> {
        match self {
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The system's reason is in the message once, and not again as a cause.
    #[test]
    fn an_io_error_prints_its_cause_once() {
        let e = Error::io("a.txt", std::io::Error::from(std::io::ErrorKind::NotFound));
        let shown = format!("{:#}", anyhow::Error::new(e));
        let reason = std::io::Error::from(std::io::ErrorKind::NotFound).to_string();
        assert_eq!(shown, format!("a.txt: {reason}"));
    }

    /// A file name holding an escape sequence or a line break is shown with U+FFFD in their
    /// place: the report cannot clear the screen or forge a line.
    #[test]
    fn control_characters_in_file_names_are_not_printed() {
        let e = Error::Binary {
            path: "x\u{1b}[2J\nfake.txt".into(),
            offset: 3,
        };
        let shown = e.to_string();
        assert!(!shown.chars().any(char::is_control), "{shown:?}");
        assert!(
            shown.starts_with("x\u{FFFD}[2J\u{FFFD}fake.txt: binary file"),
            "{shown:?}"
        );
    }
}
