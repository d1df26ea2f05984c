//! Writing files so that nobody ever sees half of one.
//!
//! The bytes go to a temporary file in the destination's folder, are flushed to disk (for many
//! files at once with [`commit_all`]), and the temporary file is renamed over the destination: a reader, or a run killed at any moment,
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
        self.tmp
            .as_file()
            .sync_all()
            .map_err(|e| Error::io(&self.path, e))?;
        self.put_in_place()
    }

    /// The folder the file goes into.
    fn folder(&self) -> PathBuf {
        self.path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_owned()
    }

    /// Gives the flushed file its permissions and renames it over `path`.
    fn put_in_place(self) -> Result<()> {
        let path = self.path;
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

/// Puts many written files in place with one flush to disk for them all, instead of one per
/// file: the bytes of every file are flushed (on Linux one `syncfs` per filesystem; elsewhere
/// each file is synced), then each file gets its permissions and is renamed into place as
/// [`AtomicFile::commit`] does, then each folder that received a file is synced once, so that
/// the renames last too. A file still appears only complete.
///
/// `groups` are the files of one document each: the first result tells, per group, whether
/// all its files were put in place; the second whether the folders were synced.
///
/// # Errors
/// [`Error::Io`] naming the file (or folder) that could not be flushed or renamed; when the
/// flush fails, no file is put in place.
pub fn commit_all(groups: Vec<Vec<AtomicFile>>) -> (Vec<Result<()>>, Result<()>) {
    let all = || groups.iter().flatten();
    if all().next().is_none() {
        return (groups.iter().map(|_| Ok(())).collect(), Ok(()));
    }
    if let Err((path, e)) = flush_all(all()) {
        let results = groups
            .iter()
            .map(|_| {
                Err(Error::io(
                    &path,
                    std::io::Error::new(e.kind(), e.to_string()),
                ))
            })
            .collect();
        return (results, Ok(()));
    }
    let mut folders: Vec<PathBuf> = Vec::new();
    let results = groups
        .into_iter()
        .map(|files| {
            for file in files {
                let folder = file.folder();
                if !folders.contains(&folder) {
                    folders.push(folder);
                }
                file.put_in_place()?;
            }
            Ok(())
        })
        .collect();
    let synced = folders.iter().try_for_each(|f| sync_folder(f));
    (results, synced)
}

/// Flushes the bytes of `files` to disk: one `syncfs` per filesystem they are on.
#[cfg(target_os = "linux")]
fn flush_all<'a>(
    files: impl Iterator<Item = &'a AtomicFile>,
) -> std::result::Result<(), (PathBuf, std::io::Error)> {
    use std::os::fd::AsRawFd as _;
    use std::os::unix::fs::MetadataExt as _;
    let mut devices = Vec::new();
    for file in files {
        let f = file.tmp.as_file();
        let dev = f.metadata().map_err(|e| (file.path.clone(), e))?.dev();
        if devices.contains(&dev) {
            continue;
        }
        devices.push(dev);
        // SAFETY: the descriptor is open for as long as `file` is borrowed
        if unsafe { libc::syncfs(f.as_raw_fd()) } != 0 {
            return Err((file.path.clone(), std::io::Error::last_os_error()));
        }
    }
    Ok(())
}

/// Flushes the bytes of `files` to disk, one by one.
#[cfg(not(target_os = "linux"))]
fn flush_all<'a>(
    files: impl Iterator<Item = &'a AtomicFile>,
) -> std::result::Result<(), (PathBuf, std::io::Error)> {
    for file in files {
        file.tmp
            .as_file()
            .sync_all()
            .map_err(|e| (file.path.clone(), e))?;
    }
    Ok(())
}

/// Syncs a folder, so that the renames into it last (nothing to do outside Unix).
fn sync_folder(folder: &Path) -> Result<()> {
    #[cfg(unix)]
    std::fs::File::open(folder)
        .and_then(|f| f.sync_all())
        .map_err(|e| Error::io(folder, e))?;
    #[cfg(not(unix))]
    let _ = folder;
    Ok(())
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

    #[test]
    fn commit_all_puts_every_file_in_place_and_names_the_one_that_fails() {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir(d.path().join("sub")).unwrap();
        let start = |name: &str, bytes: &[u8]| {
            let mut f = AtomicFile::create(&d.path().join(name)).unwrap();
            f.write_all(bytes).unwrap();
            f
        };
        std::fs::write(d.path().join("a"), "old").unwrap();
        let groups = vec![
            vec![start("a", b"1"), start("sub/b", b"2")],
            vec![],
            vec![start("c", b"3")],
        ];
        // nothing appears before the commit
        assert!(!d.path().join("c").exists());
        assert_eq!(std::fs::read(d.path().join("a")).unwrap(), b"old");
        let (results, folders) = commit_all(groups);
        assert!(results.iter().all(Result::is_ok) && results.len() == 3);
        folders.unwrap();
        for (name, bytes) in [("a", b"1"), ("sub/b", b"2"), ("c", b"3")] {
            assert_eq!(std::fs::read(d.path().join(name)).unwrap(), bytes);
        }
        // no temporary file is left
        assert_eq!(std::fs::read_dir(d.path()).unwrap().count(), 3);
        // a rename that fails (a folder in the way) fails its group only
        std::fs::create_dir(d.path().join("dir")).unwrap();
        std::fs::write(d.path().join("dir/x"), "").unwrap();
        let (results, _) = commit_all(vec![vec![start("dir", b"4")], vec![start("e", b"5")]]);
        let e = results[0].as_ref().unwrap_err().to_string();
        assert!(e.contains("dir"), "{e}");
        assert!(results[1].is_ok());
        assert_eq!(std::fs::read(d.path().join("e")).unwrap(), b"5");
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
