//! Writing files so that nobody ever sees half of one.
//!
//! The bytes go to a temporary file in the destination's folder, are flushed to disk, and the
//! temporary file is renamed over the destination: a reader, or a run killed at any moment,
//! sees the old file or the new one, never a mix. The new file keeps the permissions of the file
//! it replaces, or gets ordinary ones (0644 before the umask would apply, as `File::create`
//! would) instead of the private 0600 of a temporary file.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Writes `bytes` to `path` atomically (see the module docs).
///
/// # Errors
/// [`Error::Io`] naming `path` (or its folder) when the folder is not writable, the disk is
/// full, or the rename fails.
pub fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut file = AtomicFile::create(path)?;
    file.write_all(bytes).map_err(|e| Error::io(path, e))?;
    file.commit()
}

/// A file being written atomically, for output written piece by piece (see the module
/// docs): the bytes go to a temporary file beside `path`, and [`AtomicFile::commit`] puts it
/// in place. Dropped without a commit, it leaves nothing behind.
#[derive(Debug)]
pub struct AtomicFile {
    tmp: tempfile::NamedTempFile,
    path: PathBuf,
}

impl AtomicFile {
    /// Starts writing `path`.
    ///
    /// # Errors
    /// [`Error::Io`] naming the folder when the temporary file cannot be created there.
    pub fn create(path: &Path) -> Result<AtomicFile> {
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let tmp = tempfile::Builder::new()
            .prefix(".gaztag-")
            .tempfile_in(dir)
            .map_err(|e| Error::io(dir, e))?;
        Ok(AtomicFile {
            tmp,
            path: path.to_owned(),
        })
    }

    /// The file this will become.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Flushes the bytes to disk, gives the file the permissions of the one it replaces (or
    /// ordinary ones), and renames it over `path`.
    ///
    /// # Errors
    /// [`Error::Io`] naming `path`.
    pub fn commit(self) -> Result<()> {
        let path = self.path;
        self.tmp
            .as_file()
            .sync_all()
            .map_err(|e| Error::io(&path, e))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let perms = match std::fs::metadata(&path) {
                Ok(m) => m.permissions(),
                Err(_) => std::fs::Permissions::from_mode(0o644),
            };
            self.tmp
                .as_file()
                .set_permissions(perms)
                .map_err(|e| Error::io(&path, e))?;
        }
        self.tmp
            .persist(&path)
            .map_err(|e| Error::io(&path, e.error))?;
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.tmp.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.tmp.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_whole_and_leaves_no_temporary_file() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("x.json");
        write(&p, b"one").unwrap();
        write(&p, b"two").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        assert_eq!(std::fs::read_dir(d.path()).unwrap().count(), 1);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&p).unwrap().permissions().mode() & 0o777,
                0o644
            );
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
            write(&p, b"three").unwrap();
            assert_eq!(
                std::fs::metadata(&p).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
        let e = write(&d.path().join("missing/x.json"), b"")
            .unwrap_err()
            .to_string();
        assert!(e.contains("missing"), "{e}");
    }
}
