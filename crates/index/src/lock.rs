//! One writer per index. `<dir>.lock` (beside the index folder, so a rebuild that clears the
//! folder keeps it) holds an OS file lock for as long as a `rasoat index` runs, and the pid of
//! that process, so a second run fails at once with "locked by process N" instead of racing
//! the first one's rebuild. The OS drops the lock when the process dies (`kill -9` included).

use crate::IndexError;
use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

pub struct IndexLock {
    _file: File,
    pub path: PathBuf,
}

/// The lock file of index folder `dir`.
pub fn lock_path(dir: &Path) -> PathBuf {
    let name = dir
        .file_name()
        .map(|n| format!("{}.lock", n.to_string_lossy()))
        .unwrap_or_else(|| "index.lock".into());
    dir.with_file_name(name)
}

impl IndexLock {
    /// Take the writer lock of `dir`, or say which process holds it.
    pub fn acquire(dir: &Path) -> Result<IndexLock, IndexError> {
        let path = lock_path(dir);
        let io = |e: std::io::Error| IndexError::Io(path.display().to_string(), e.to_string());
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(io)?;
        }
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io)?;
        match file.try_lock() {
            Ok(()) => {
                file.set_len(0).map_err(io)?;
                file.seek(SeekFrom::Start(0)).map_err(io)?;
                write!(file, "{}", std::process::id()).map_err(io)?;
                file.flush().map_err(io)?;
                Ok(IndexLock { _file: file, path })
            }
            Err(TryLockError::WouldBlock) => {
                let mut pid = String::new();
                let _ = file.read_to_string(&mut pid);
                let pid = pid.trim();
                Err(IndexError::Other(format!(
                    "index {} is locked by process {} (another `rasoat index` is writing it); wait for it to finish",
                    dir.display(),
                    if pid.is_empty() { "?" } else { pid }
                )))
            }
            Err(TryLockError::Error(e)) => Err(io(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_writer_is_told_who_holds_the_lock() {
        let d = tempfile::tempdir().unwrap();
        let dir = d.path().join("index");
        let first = IndexLock::acquire(&dir).expect("first lock");
        assert_eq!(first.path, d.path().join("index.lock"));
        let err = IndexLock::acquire(&dir)
            .err()
            .expect("second is refused")
            .to_string();
        assert!(
            err.contains(&format!("locked by process {}", std::process::id())),
            "{err}"
        );
        drop(first);
        IndexLock::acquire(&dir).expect("free again once the first is gone");
    }
}
