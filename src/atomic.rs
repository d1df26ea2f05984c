//! Writing files so that nobody ever sees half of one.
//!
//! The bytes go to a temporary file in the destination's folder, are flushed to disk, and the
//! temporary file is renamed over the destination: a reader, or a run killed at any moment,
//! sees the old file or the new one, never a mix. The new file keeps the permission bits
//! (`rwx` for each class, nothing more) of the regular file it replaces, or gets ordinary ones
//! (0644) instead of the private 0600 of a temporary file. A symbolic link at the destination
//! is replaced by the file, not written through, and lends it nothing: the new file does not
//! take the permissions of whatever the link points at.

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
            // the file replaced itself, not what a symlink there points at
            let mode = match std::fs::symlink_metadata(&path) {
                Ok(m) if m.file_type().is_file() => m.permissions().mode() & 0o777,
                _ => 0o644,
            };
            let perms = std::fs::Permissions::from_mode(mode);
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

    #[cfg(unix)]
    #[test]
    fn a_symlink_lends_no_permissions_and_is_replaced_not_followed() {
        use std::os::unix::fs::PermissionsExt;
        let d = tempfile::tempdir().unwrap();
        let target = d.path().join("script.sh");
        std::fs::write(&target, "keep").unwrap();
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o4755)).unwrap();
        let p = d.path().join("x.json");
        std::os::unix::fs::symlink(&target, &p).unwrap();
        write(&p, b"new").unwrap();
        let m = std::fs::symlink_metadata(&p).unwrap();
        assert!(m.file_type().is_file());
        assert_eq!(m.permissions().mode() & 0o7777, 0o644);
        assert_eq!(std::fs::read(&target).unwrap(), b"keep");
        // a replaced regular file lends its rwx bits, never setuid
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o4750)).unwrap();
        write(&p, b"newer").unwrap();
        assert_eq!(
            std::fs::metadata(&p).unwrap().permissions().mode() & 0o7777,
            0o750
        );
    }
}
