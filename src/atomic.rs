//! Writing files so that nobody ever sees half of one.
//!
//! The bytes go to a temporary file in the destination's folder, are flushed to disk (for many
//! files at once with a [`Committer`]), and the temporary file is renamed over the destination: a reader, or a run killed at any moment,
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

    /// Ends the writing: gives the temporary file the permissions of the file it will replace
    /// (or ordinary ones) and, on Linux, closes it, so that many files can wait for their
    /// [`Committer::commit`] without holding a file descriptor each. The bytes are not yet
    /// flushed to disk, and the file is not in place; dropped, it leaves nothing behind.
    ///
    /// # Errors
    /// [`Error::Io`] naming `path`.
    pub fn seal(mut self) -> Result<Sealed> {
        self.tmp.flush().map_err(|e| Error::io(&self.path, e))?;
        let replaces = set_mode(self.tmp.as_file(), &self.path)?;
        let (file, tmp) = self.tmp.into_parts();
        #[cfg(target_os = "linux")]
        drop(file);
        Ok(Sealed {
            tmp,
            path: self.path,
            replaces,
            #[cfg(not(target_os = "linux"))]
            file,
        })
    }

    /// Gives the flushed file its permissions and renames it over `path`.
    fn put_in_place(self) -> Result<()> {
        let path = self.path;
        set_mode(self.tmp.as_file(), &path)?;
        self.tmp
            .persist(&path)
            .map_err(|e| Error::io(&path, e.error))?;
        Ok(())
    }
}

/// Gives `file`, which will replace `path`, the permission bits of the regular file at `path`
/// (`rwx` for each class), or 0644 when there is none (a symlink there lends nothing).
/// Returns whether something is at `path` (that the rename will replace).
fn set_mode(file: &std::fs::File, path: &Path) -> Result<bool> {
    let there = std::fs::symlink_metadata(path);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // the file replaces itself, not what a symlink there points at
        let mode = match &there {
            Ok(m) if m.file_type().is_file() => m.permissions().mode() & 0o777,
            _ => 0o644,
        };
        file.set_permissions(std::fs::Permissions::from_mode(mode))
            .map_err(|e| Error::io(path, e))?;
    }
    #[cfg(not(unix))]
    let _ = file;
    Ok(there.is_ok())
}

/// The folder `path` goes into.
fn folder_of(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// A file written whole to its temporary file, with its permissions, waiting to be put in
/// place by [`Committer::commit`] ([`AtomicFile::seal`]). Dropped, it leaves nothing behind.
#[derive(Debug)]
pub struct Sealed {
    tmp: tempfile::TempPath,
    path: PathBuf,
    /// Whether it replaces something (whose removal the rename pays for).
    replaces: bool,
    /// Kept open to be synced on its own (only Linux flushes a whole filesystem at once).
    #[cfg(not(target_os = "linux"))]
    file: std::fs::File,
}

impl Sealed {
    /// The file this will become.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Puts many sealed files in place, batch after batch, with one flush to disk per batch
/// instead of one per file, and no file under its name before its bytes are on disk.
///
/// On Linux each [`Committer::commit`] flushes the batch's files with one `syncfs` per
/// filesystem (the bytes of every file written so far, and every rename made so far, so the
/// renames of the batch before too), then renames them into place; [`Committer::finish`] then
/// syncs the folders of the last batch, so that its renames last too. Elsewhere each file is
/// synced on its own, and each folder that received one is synced after the batch's renames. A
/// crash at any moment leaves every output either absent or whole: at worst the renames of the
/// last batch are lost, and `tag --resume` writes those files again.
#[derive(Debug, Default)]
pub struct Committer {
    /// Folders that received a file whose rename no flush has covered yet, with the
    /// filesystem they are on.
    unsynced: Vec<(PathBuf, u64)>,
}

impl Committer {
    /// A committer with nothing pending.
    pub fn new() -> Committer {
        Committer::default()
    }

    /// Flushes the bytes of every file of `groups` to disk, then puts each in place.
    /// `groups` are the files of one document each; the result tells, per group, whether all
    /// its files were put in place. When the flush fails, no file of the batch is put in place
    /// and every group fails, naming the folder or file that could not be flushed.
    pub fn commit(&mut self, groups: Vec<Vec<Sealed>>) -> Vec<Result<()>> {
        let all = || groups.iter().flatten();
        if all().next().is_none() {
            return groups.iter().map(|_| Ok(())).collect();
        }
        let devices = match self.flush(all()) {
            Ok(devices) => devices,
            Err((path, e)) => {
                return groups
                    .iter()
                    .map(|_| {
                        Err(Error::io(
                            &path,
                            std::io::Error::new(e.kind(), e.to_string()),
                        ))
                    })
                    .collect();
            }
        };
        for (folder, dev) in devices {
            if !self.unsynced.iter().any(|(f, _)| *f == folder) {
                self.unsynced.push((folder, dev));
            }
        }
        // A rename over a file frees the old one, and a filesystem may wait for the disk there
        // (ext4 without a journal discards the freed blocks at once: ~3 ms a file on a virtual
        // disk): those renames are spread over threads that wait side by side. A group stays
        // on one thread, in order, so that its first failure still stops it.
        let replacing = groups.iter().flatten().filter(|f| f.replaces).count();
        let threads = (replacing / REPLACED_PER_THREAD).clamp(1, RENAME_THREADS);
        if threads == 1 {
            return groups.into_iter().map(put_group_in_place).collect();
        }
        let per = groups.len().div_ceil(threads);
        let mut groups = groups.into_iter();
        let chunks: Vec<Vec<Vec<Sealed>>> = (0..threads)
            .map(|_| groups.by_ref().take(per).collect())
            .collect();
        std::thread::scope(|scope| {
            let handles: Vec<_> = chunks
                .into_iter()
                .map(|chunk| {
                    scope.spawn(move || {
                        chunk
                            .into_iter()
                            .map(put_group_in_place)
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().expect("a rename thread panicked"))
                .collect()
        })
    }

    /// Makes the last renames last: syncs each folder that received a file since the last
    /// flush. Call it once, after the last [`Committer::commit`].
    ///
    /// # Errors
    /// [`Error::Io`] naming the folder that could not be synced.
    pub fn finish(mut self) -> Result<()> {
        std::mem::take(&mut self.unsynced)
            .iter()
            .try_for_each(|(folder, _)| sync_folder(folder))
    }

    /// Flushes the bytes of `files` (and every rename made before) to disk: one `syncfs` per
    /// filesystem their folders are on. Returns each folder with its filesystem.
    #[cfg(target_os = "linux")]
    fn flush<'a>(
        &mut self,
        files: impl Iterator<Item = &'a Sealed>,
    ) -> std::result::Result<Vec<(PathBuf, u64)>, (PathBuf, std::io::Error)> {
        use std::os::fd::AsRawFd as _;
        use std::os::unix::fs::MetadataExt as _;
        let mut folders: Vec<(PathBuf, u64)> = Vec::new();
        let mut synced: Vec<u64> = Vec::new();
        for file in files {
            let folder = folder_of(&file.path);
            if folders.iter().any(|(f, _)| *f == folder) {
                continue;
            }
            let fail = |e| (folder.to_owned(), e);
            let dir = std::fs::File::open(folder).map_err(fail)?;
            let dev = dir.metadata().map_err(fail)?.dev();
            folders.push((folder.to_owned(), dev));
            if synced.contains(&dev) {
                continue;
            }
            // SAFETY: `dir` is an open descriptor for the duration of the call
            if unsafe { libc::syncfs(dir.as_raw_fd()) } != 0 {
                return Err(fail(std::io::Error::last_os_error()));
            }
            synced.push(dev);
        }
        // the renames before this flush are on disk now
        self.unsynced.retain(|(_, dev)| !synced.contains(dev));
        Ok(folders)
    }

    /// Flushes the bytes of `files` to disk one by one, and syncs the folders that received
    /// the previous batch (whose renames are done).
    #[cfg(not(target_os = "linux"))]
    fn flush<'a>(
        &mut self,
        files: impl Iterator<Item = &'a Sealed>,
    ) -> std::result::Result<Vec<(PathBuf, u64)>, (PathBuf, std::io::Error)> {
        for (folder, _) in std::mem::take(&mut self.unsynced) {
            sync_folder(&folder)
                .map_err(|e| (folder.clone(), std::io::Error::other(e.to_string())))?;
        }
        let mut folders: Vec<(PathBuf, u64)> = Vec::new();
        for file in files {
            file.file.sync_all().map_err(|e| (file.path.clone(), e))?;
            let folder = folder_of(&file.path);
            if !folders.iter().any(|(f, _)| *f == folder) {
                folders.push((folder.to_owned(), 0));
            }
        }
        Ok(folders)
    }
}

/// Renames over files made per thread at least, before [`Committer::commit`] uses more than one.
const REPLACED_PER_THREAD: usize = 16;

/// Threads [`Committer::commit`] renames with at most (they wait for the disk, not the CPU).
const RENAME_THREADS: usize = 16;

/// Renames the flushed files of one group into place, in order, up to the first failure (the
/// files after it are dropped, so they leave nothing behind).
fn put_group_in_place(files: Vec<Sealed>) -> Result<()> {
    for file in files {
        let path = file.path;
        // Linux frees a file replaced by a rename inside the rename, with its folder locked,
        // so renames into one folder would wait for each other's freeing: a reference held
        // across the rename moves the freeing to its drop, after the lock, side by side.
        #[cfg(target_os = "linux")]
        let replaced = file.replaces.then(|| {
            use std::os::unix::fs::OpenOptionsExt as _;
            std::fs::OpenOptions::new()
                .read(true)
                .custom_flags(libc::O_PATH | libc::O_NOFOLLOW)
                .open(&path)
                .ok()
        });
        file.tmp
            .persist(&path)
            .map_err(|e| Error::io(&path, e.error))?;
        #[cfg(target_os = "linux")]
        drop(replaced);
    }
    Ok(())
}

/// Puts many written files in place with one flush to disk for them all, instead of one per
/// file ([`AtomicFile::seal`] each, then one [`Committer::commit`] and
/// [`Committer::finish`]). A file still appears only complete.
///
/// `groups` are the files of one document each: the first result tells, per group, whether
/// all its files were put in place; the second whether the folders were synced.
///
/// # Errors
/// [`Error::Io`] naming the file (or folder) that could not be flushed or renamed; when the
/// flush fails, no file is put in place.
pub fn commit_all(groups: Vec<Vec<AtomicFile>>) -> (Vec<Result<()>>, Result<()>) {
    let mut sealed = Vec::with_capacity(groups.len());
    let mut failed = Vec::with_capacity(groups.len());
    for files in groups {
        match files
            .into_iter()
            .map(AtomicFile::seal)
            .collect::<Result<Vec<_>>>()
        {
            Ok(files) => {
                sealed.push(files);
                failed.push(None);
            }
            Err(e) => {
                sealed.push(Vec::new());
                failed.push(Some(e));
            }
        }
    }
    let mut committer = Committer::new();
    let results = committer
        .commit(sealed)
        .into_iter()
        .zip(failed)
        .map(|(r, failed)| failed.map_or(r, Err))
        .collect();
    (results, committer.finish())
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

    #[test]
    fn a_committer_puts_batch_after_batch_in_place_and_a_dropped_seal_leaves_nothing() {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir(d.path().join("sub")).unwrap();
        let seal = |name: &str, bytes: &[u8]| {
            let mut f = AtomicFile::create(&d.path().join(name)).unwrap();
            f.write_all(bytes).unwrap();
            f.seal().unwrap()
        };
        std::fs::write(d.path().join("a"), "old").unwrap();
        let mut committer = Committer::new();
        let first = vec![vec![seal("a", b"1")], vec![seal("sub/b", b"2")]];
        assert_eq!(first[1][0].path(), d.path().join("sub/b"));
        // sealed is not in place: the old file is still there, the new one absent
        assert_eq!(std::fs::read(d.path().join("a")).unwrap(), b"old");
        assert!(!d.path().join("sub/b").exists());
        assert!(committer.commit(first).iter().all(Result::is_ok));
        assert_eq!(std::fs::read(d.path().join("a")).unwrap(), b"1");
        assert_eq!(std::fs::read(d.path().join("sub/b")).unwrap(), b"2");
        // a second batch, with a group whose rename fails (a folder in the way) and one dropped
        std::fs::create_dir(d.path().join("dir")).unwrap();
        std::fs::write(d.path().join("dir/x"), "").unwrap();
        drop(seal("never", b"0"));
        let results =
            committer.commit(vec![vec![seal("dir", b"3")], vec![], vec![seal("c", b"4")]]);
        assert_eq!(results.len(), 3);
        let e = results[0].as_ref().unwrap_err().to_string();
        assert!(e.contains("dir"), "{e}");
        assert!(results[1].is_ok() && results[2].is_ok());
        assert_eq!(std::fs::read(d.path().join("c")).unwrap(), b"4");
        committer.finish().unwrap();
        // no temporary file is left, and the dropped one never appeared
        let mut names: Vec<String> = std::fs::read_dir(d.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["a", "c", "dir", "sub"]);
        assert_eq!(std::fs::read_dir(d.path().join("sub")).unwrap().count(), 1);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &str| {
                std::fs::metadata(d.path().join(p))
                    .unwrap()
                    .permissions()
                    .mode()
                    & 0o777
            };
            assert_eq!(mode("c"), 0o644);
            // a sealed file takes the rwx bits of the file it replaces
            std::fs::set_permissions(d.path().join("c"), std::fs::Permissions::from_mode(0o600))
                .unwrap();
            let mut committer = Committer::new();
            assert!(committer.commit(vec![vec![seal("c", b"5")]])[0].is_ok());
            committer.finish().unwrap();
            assert_eq!(mode("c"), 0o600);
        }
    }

    #[test]
    fn renames_over_many_files_are_spread_over_threads_and_keep_each_groups_result() {
        let d = tempfile::tempdir().unwrap();
        let n = 3 * REPLACED_PER_THREAD + 5;
        for i in 0..n {
            std::fs::write(d.path().join(format!("f{i}")), "old").unwrap();
        }
        // group 7 is a folder in the way: its first file fails, its second is never renamed
        std::fs::remove_file(d.path().join("f7")).unwrap();
        std::fs::create_dir(d.path().join("f7")).unwrap();
        std::fs::write(d.path().join("f7/x"), "").unwrap();
        let seal = |name: &str, bytes: &[u8]| {
            let mut f = AtomicFile::create(&d.path().join(name)).unwrap();
            f.write_all(bytes).unwrap();
            f.seal().unwrap()
        };
        let groups: Vec<Vec<Sealed>> = (0..n)
            .map(|i| {
                let mut g = vec![seal(&format!("f{i}"), format!("new {i}").as_bytes())];
                if i == 7 {
                    g.push(seal("g7", b"never"));
                }
                g
            })
            .collect();
        assert!(groups.iter().flatten().filter(|f| f.replaces).count() >= 2 * REPLACED_PER_THREAD);
        let mut committer = Committer::new();
        let results = committer.commit(groups);
        committer.finish().unwrap();
        assert_eq!(results.len(), n);
        for (i, r) in results.iter().enumerate() {
            if i == 7 {
                assert!(r.as_ref().unwrap_err().to_string().contains("f7"));
            } else {
                r.as_ref().unwrap();
                let got = std::fs::read_to_string(d.path().join(format!("f{i}"))).unwrap();
                assert_eq!(got, format!("new {i}"));
            }
        }
        assert!(!d.path().join("g7").exists());
        // every file and the folder, no temporary file left
        assert_eq!(std::fs::read_dir(d.path()).unwrap().count(), n);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_sealed_file_holds_no_descriptor() {
        let d = tempfile::tempdir().unwrap();
        let mut f = AtomicFile::create(&d.path().join("x")).unwrap();
        f.write_all(b"x").unwrap();
        let tmp = f.tmp.path().to_owned();
        let sealed = f.seal().unwrap();
        // no descriptor of this process is open on the temporary file any more
        let open = std::fs::read_dir("/proc/self/fd")
            .unwrap()
            .filter_map(|e| std::fs::read_link(e.unwrap().path()).ok())
            .any(|target| target == tmp);
        assert!(!open);
        assert_eq!(std::fs::read(&tmp).unwrap(), b"x");
        drop(sealed);
        assert!(!tmp.exists());
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
