//! Index files this binary has checked whole before, so that loading one again costs the
//! checksum only, not the structural checks (issue 17: 0.38 s for a 1M-entry index).
//!
//! The structural checks ([`validate`](super::validate)) are what make a *crafted* index
//! harmless; the checksum, checked on every load, only tells damage apart from what gaztag
//! wrote (anyone can recompute a CRC, or a MAC whose key ships in the binary). What makes it
//! sound to skip them is not anything in the file but that **this binary has already checked
//! this very file, and the file has not changed since**:
//!
//! * after an index file passes every check, a line is added to a small record (at most
//!   [`MAX_ENTRIES`] lines) in the user's cache folder: the binary (its path's size and
//!   modification time, the crate and format versions), and the file: device, inode, size,
//!   modification and change times in nanoseconds, and its checksum;
//! * a later load of a file whose line is there, with the same binary, skips the structural
//!   checks; the header checks and the checksum over every byte still run.
//!
//! The change time (`ctime`) is set by the kernel on every write, truncation, rename onto the
//! path's inode or metadata change, and cannot be set back by an unprivileged process (unlike
//! the modification time): a file changed in any way since it was checked no longer matches
//! its line and is checked whole again. Only a file whose change time is at least
//! [`SETTLED`] in the past is recorded, so that a write in the same clock tick as the
//! recorded time cannot go unseen (the "racily clean" case of git's index). A file that
//! someone else sends is checked whole at its first load, exactly as before.
//!
//! What this trusts: the kernel's file times, and the record itself. The record is used only
//! when it is a regular file owned by the user running gaztag and writable by no one else;
//! whoever can write it can already run code as that user. Changing the clock as root, or
//! writing to the disk under the filesystem, is outside what it guards against; so is
//! rewriting a file in place while it is being loaded or used, which no check at load can
//! guard against (the bytes can change after they were checked; see `Gazetteer::load`).
//!
//! `GAZTAG_CHECKED_INDEXES` names the record (default
//! `$XDG_CACHE_HOME/gaztag/checked-indexes`, else `~/.cache/gaztag/checked-indexes`); set to
//! `off` (or empty), every load checks everything. Only on Linux; elsewhere every load checks
//! everything.

use std::path::{Path, PathBuf};

/// The most files the record keeps (the most recently checked).
pub const MAX_ENTRIES: usize = 64;

/// How long ago a file must have last changed to be recorded.
pub const SETTLED: std::time::Duration = std::time::Duration::from_secs(2);

/// The largest record read (a longer one is not gaztag's, and is ignored).
const MAX_RECORD: u64 = 64 * 1024;

/// Where the record is, unless it is turned off.
pub fn record_path() -> Option<PathBuf> {
    match std::env::var_os("GAZTAG_CHECKED_INDEXES") {
        Some(p) if p.is_empty() || p == "off" => None,
        Some(p) => Some(PathBuf::from(p)),
        None => {
            let cache = std::env::var_os("XDG_CACHE_HOME")
                .filter(|p| !p.is_empty())
                .map(PathBuf::from)
                .or_else(|| {
                    std::env::var_os("HOME")
                        .filter(|p| !p.is_empty())
                        .map(|h| PathBuf::from(h).join(".cache"))
                })?;
            Some(cache.join("gaztag").join("checked-indexes"))
        }
    }
}

/// An index file as the record names it: the binary that checked it, then the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Key(pub(crate) String);

#[cfg(target_os = "linux")]
mod imp {
    use super::*;
    use std::io::{Read as _, Write as _};
    use std::os::unix::fs::{DirBuilderExt as _, MetadataExt as _, PermissionsExt as _};

    /// The binary: its executable's size and modification time, and the versions.
    fn binary() -> Option<String> {
        let meta = std::fs::metadata(std::env::current_exe().ok()?).ok()?;
        Some(format!(
            "gaztag-{}/format-{}/{}/{}.{}",
            env!("CARGO_PKG_VERSION"),
            super::super::format::FORMAT_VERSION,
            meta.size(),
            meta.mtime(),
            meta.mtime_nsec()
        ))
    }

    impl Key {
        /// The key of the open file `meta` describes, whose header carries `checksum`.
        pub fn of(meta: &std::fs::Metadata, checksum: u32) -> Option<Key> {
            Some(Key(format!(
                "{} {} {} {} {}.{} {}.{} {checksum:08x}",
                binary()?,
                meta.dev(),
                meta.ino(),
                meta.size(),
                meta.mtime(),
                meta.mtime_nsec(),
                meta.ctime(),
                meta.ctime_nsec()
            )))
        }

        /// Whether the file changed at least [`SETTLED`] before `now`.
        pub(crate) fn settled(meta: &std::fs::Metadata, now: std::time::SystemTime) -> bool {
            let Ok(now) = now.duration_since(std::time::UNIX_EPOCH) else {
                return false;
            };
            let latest = meta.ctime().max(meta.mtime());
            i64::try_from(now.saturating_sub(SETTLED).as_secs()).is_ok_and(|s| latest < s)
        }
    }

    /// The record's lines, if it is there and can be trusted (a regular file of the user's,
    /// writable by no one else, not too long).
    fn lines(path: &std::path::Path) -> Option<Vec<String>> {
        let mut file = std::fs::File::open(path).ok()?;
        let meta = file.metadata().ok()?;
        // SAFETY: geteuid has no preconditions and cannot fail.
        let me = unsafe { libc::geteuid() };
        if !meta.is_file()
            || meta.uid() != me
            || meta.permissions().mode() & 0o022 != 0
            || meta.len() > MAX_RECORD
        {
            return None;
        }
        let mut text = String::new();
        file.read_to_string(&mut text).ok()?;
        Some(text.lines().map(str::to_owned).collect())
    }

    /// Whether the record at `record` holds `key`.
    pub fn is_checked(record: &Path, key: &Key) -> bool {
        lines(record).is_some_and(|lines| lines.contains(&key.0))
    }

    /// Adds `key` to the record at `path`, if the file it names has settled at `now` (see
    /// [`SETTLED`]). Any failure leaves the record as it was: it is only an optimisation.
    pub fn remember(path: &Path, key: &Key, meta: &std::fs::Metadata, now: std::time::SystemTime) {
        if !Key::settled(meta, now) {
            return;
        }
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let _ = (|| -> std::io::Result<()> {
            std::fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(dir)?;
            let mut lines = lines(path).unwrap_or_default();
            // the same file checked by the same binary before: its old line goes
            let same_file = |l: &str| l.split(' ').take(3).eq(key.0.split(' ').take(3));
            lines.retain(|l| *l != key.0 && !same_file(l));
            lines.push(key.0.clone());
            let keep = lines.len().saturating_sub(MAX_ENTRIES);
            let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
            tmp.as_file()
                .set_permissions(std::fs::Permissions::from_mode(0o600))?;
            for l in &lines[keep..] {
                writeln!(tmp, "{l}")?;
            }
            tmp.persist(path).map_err(|e| e.error)?;
            Ok(())
        })();
    }
}

#[cfg(not(target_os = "linux"))]
mod imp {
    use super::*;

    impl Key {
        /// No record off Linux: every load checks everything.
        pub fn of(_: &std::fs::Metadata, _: u32) -> Option<Key> {
            None
        }
    }

    /// Never: every load checks everything.
    pub fn is_checked(_: &Path, _: &Key) -> bool {
        false
    }

    /// Nothing is recorded.
    pub fn remember(_: &Path, _: &Key, _: &std::fs::Metadata, _: std::time::SystemTime) {}
}

pub use imp::{is_checked, remember};

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn keys_name_the_binary_and_the_file_and_change_with_it() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("x.gaz");
        std::fs::write(&f, b"abc").unwrap();
        let meta = std::fs::metadata(&f).unwrap();
        let k = Key::of(&meta, 0xdead_beef).unwrap();
        assert!(
            k.0.starts_with("gaztag-") && k.0.ends_with(" deadbeef"),
            "{k:?}"
        );
        assert_ne!(k, Key::of(&meta, 1).unwrap());
        std::fs::write(&f, b"abd").unwrap();
        assert_ne!(
            k,
            Key::of(&std::fs::metadata(&f).unwrap(), 0xdead_beef).unwrap()
        );
        // just written: not settled, not recorded
        let now = std::time::SystemTime::now();
        assert!(!Key::settled(&meta, now));
        assert!(Key::settled(&meta, now + SETTLED + SETTLED));
    }
}
