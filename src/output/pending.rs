//! One output file being written: either a temporary file next to the target that [`Pending::commit`]
//! renames into place (a regular file, or nothing, at the target), or the target itself opened and written
//! through (a FIFO, device, socket or symlink the user named on the command line).

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::Error;

/// An output being written. Dropping it (or [`Pending::abort`]) removes the temporary file and leaves the
/// target untouched; only [`Pending::commit`] puts the content in place.
pub struct Pending {
    path: PathBuf,
    sink: Sink,
}

enum Sink {
    /// Written to a temporary file in the target's directory, renamed over the target on commit.
    Atomic {
        tmp: tempfile::NamedTempFile,
        /// The replaced file's permission bits, applied on commit (`None`: the temp file was created with
        /// 0666 minus the umask, which is the mode of a new file).
        mode: Option<u32>,
    },
    /// The target itself, opened for writing (FIFO, device, symlink target).
    Through { file: File, regular: bool },
    /// A Unix domain socket at the target path, connected.
    #[cfg(unix)]
    Socket(std::os::unix::net::UnixStream),
}

impl Pending {
    /// An output the user named (`--out FILE`, `--valid-out`): a FIFO, a character or block device, a
    /// socket or a symlink is written through (the symlink's target gets the content, `/dev/fd/N` works);
    /// a regular file, or nothing, is replaced atomically. Missing parent directories are created.
    pub fn named(path: &Path) -> Result<Pending, Error> {
        let meta = match std::fs::symlink_metadata(path) {
            Ok(meta) => Some(meta),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(Error::io("write", path, e)),
        };
        #[cfg(unix)]
        if let Some(fd) = descriptor_path(path) {
            return Pending::descriptor(path, fd);
        }
        match meta {
            Some(meta) if meta.is_dir() => Err(is_a_directory(path)),
            Some(meta) if meta.is_file() => Pending::atomic(path, Some(&meta)),
            Some(meta) => Pending::through(path, meta.file_type().is_symlink()),
            None => {
                if let Some(dir) = parent(path) {
                    std::fs::create_dir_all(dir)
                        .map_err(|e| Error::io("create directory", dir, e))?;
                }
                Pending::atomic(path, None)
            }
        }
    }

    /// An output inside an output directory: whatever is at `path` (a regular file, a symlink, a FIFO...)
    /// is replaced by a new regular file, never followed. The parent directory must exist.
    pub fn replace(path: &Path) -> Result<Pending, Error> {
        match std::fs::symlink_metadata(path) {
            Ok(meta) if meta.is_dir() => Err(is_a_directory(path)),
            Ok(meta) if meta.is_file() => Pending::atomic(path, Some(&meta)),
            Ok(_) => Pending::atomic(path, None),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Pending::atomic(path, None),
            Err(e) => Err(Error::io("write", path, e)),
        }
    }

    /// The target path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Put the content in place: flush, fsync, and for an atomic output rename the temporary file over the
    /// target and fsync the directory. For a written-through output the bytes are already there; a
    /// regular file behind a symlink is fsynced.
    pub fn commit(self) -> Result<(), Error> {
        let path = self.path;
        let fail = |e| Error::io("write", &path, e);
        match self.sink {
            Sink::Atomic { mut tmp, mode } => {
                tmp.flush().map_err(fail)?;
                #[cfg(unix)]
                if let Some(mode) = mode {
                    use std::os::unix::fs::PermissionsExt;
                    tmp.as_file()
                        .set_permissions(std::fs::Permissions::from_mode(mode))
                        .map_err(fail)?;
                }
                #[cfg(not(unix))]
                let _ = mode;
                tmp.as_file().sync_all().map_err(fail)?;
                tmp.persist(&path).map_err(|e| fail(e.error))?;
                sync_dir(parent(&path).unwrap_or(Path::new(".")))
            }
            Sink::Through { mut file, regular } => {
                file.flush().map_err(fail)?;
                if regular {
                    file.sync_all().map_err(fail)?;
                }
                Ok(())
            }
            #[cfg(unix)]
            Sink::Socket(mut stream) => stream.flush().map_err(fail),
        }
    }

    /// Give up: the temporary file is removed and the target is left as it was. (A written-through output
    /// has already received what was written.)
    pub fn abort(self) {
        drop(self);
    }

    fn atomic(path: &Path, existing: Option<&std::fs::Metadata>) -> Result<Pending, Error> {
        let dir = parent(path).unwrap_or(Path::new("."));
        let mut builder = tempfile::Builder::new();
        builder.prefix(".evdef-tmp-");
        #[cfg(unix)]
        let mode = {
            use std::os::unix::fs::PermissionsExt;
            // A new file gets 0666 minus the umask: the kernel applies the umask when the temp file is
            // created with mode 0666. A replaced file keeps its bits, set on commit (private until then).
            let create = if existing.is_some() { 0o600 } else { 0o666 };
            builder.permissions(std::fs::Permissions::from_mode(create));
            existing.map(|m| m.permissions().mode() & 0o7777)
        };
        #[cfg(not(unix))]
        let mode = existing.map(|_| 0);
        let tmp = builder
            .tempfile_in(dir)
            .map_err(|e| Error::io("write", path, e))?;
        Ok(Pending {
            path: path.to_path_buf(),
            sink: Sink::Atomic { tmp, mode },
        })
    }

    /// `/dev/stdout`, `/dev/stderr`, `/dev/fd/N`: the descriptor the shell opened. For 1 and 2 it is
    /// duplicated, so the writes share its offset with evdef's own stdout or stderr (reopening
    /// `/proc/self/fd/1` on a redirected file would start a second offset at 0 and overwrite the report).
    /// Other descriptors are reopened in append mode, never truncated: `3>>log` keeps what it had.
    #[cfg(unix)]
    fn descriptor(path: &Path, fd: u32) -> Result<Pending, Error> {
        use std::os::fd::AsFd;
        let fail = |e| Error::io("write", path, e);
        let file = match fd {
            1 => File::from(
                std::io::stdout()
                    .as_fd()
                    .try_clone_to_owned()
                    .map_err(fail)?,
            ),
            2 => File::from(
                std::io::stderr()
                    .as_fd()
                    .try_clone_to_owned()
                    .map_err(fail)?,
            ),
            _ => OpenOptions::new().append(true).open(path).map_err(fail)?,
        };
        let regular = file.metadata().is_ok_and(|m| m.is_file());
        Ok(Pending {
            path: path.to_path_buf(),
            sink: Sink::Through { file, regular },
        })
    }

    fn through(path: &Path, symlink: bool) -> Result<Pending, Error> {
        let target = std::fs::metadata(path);
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileTypeExt;
            if let Ok(meta) = &target
                && meta.file_type().is_socket()
            {
                let stream = std::os::unix::net::UnixStream::connect(path)
                    .map_err(|e| Error::io("write", path, e))?;
                return Ok(Pending {
                    path: path.to_path_buf(),
                    sink: Sink::Socket(stream),
                });
            }
        }
        // A symlink to a regular file (or to nothing yet) is truncated or created through the link; a FIFO
        // or device is only opened for writing.
        let regular = match &target {
            Ok(meta) => meta.is_file(),
            Err(_) => symlink,
        };
        let file = OpenOptions::new()
            .write(true)
            .create(symlink)
            .truncate(regular)
            .open(path)
            .map_err(|e| Error::io("write", path, e))?;
        Ok(Pending {
            path: path.to_path_buf(),
            sink: Sink::Through { file, regular },
        })
    }
}

impl Write for Pending {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.sink {
            Sink::Atomic { tmp, .. } => tmp.write(buf),
            Sink::Through { file, .. } => file.write(buf),
            #[cfg(unix)]
            Sink::Socket(stream) => stream.write(buf),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match &mut self.sink {
            Sink::Atomic { tmp, .. } => tmp.write_all(buf),
            Sink::Through { file, .. } => file.write_all(buf),
            #[cfg(unix)]
            Sink::Socket(stream) => stream.write_all(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.sink {
            Sink::Atomic { tmp, .. } => tmp.flush(),
            Sink::Through { file, .. } => file.flush(),
            #[cfg(unix)]
            Sink::Socket(stream) => stream.flush(),
        }
    }
}

/// The descriptor a path names, when it is one of the shell's descriptor files: `/dev/stdout` (1),
/// `/dev/stderr` (2), `/dev/fd/N`, `/proc/self/fd/N`.
#[cfg(unix)]
fn descriptor_path(path: &Path) -> Option<u32> {
    let text = path.to_str()?;
    match text {
        "/dev/stdout" => Some(1),
        "/dev/stderr" => Some(2),
        _ => text
            .strip_prefix("/dev/fd/")
            .or_else(|| text.strip_prefix("/proc/self/fd/"))?
            .parse()
            .ok(),
    }
}

/// The directory a path is in, `None` for a bare file name (the working directory).
pub(crate) fn parent(path: &Path) -> Option<&Path> {
    path.parent().filter(|d| !d.as_os_str().is_empty())
}

/// Make a rename durable: fsync the directory that holds the entry.
pub(crate) fn sync_dir(dir: &Path) -> Result<(), Error> {
    #[cfg(unix)]
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| Error::io("sync directory", dir, e))?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

fn is_a_directory(path: &Path) -> Error {
    Error::Output {
        path: path.to_path_buf(),
        message: "it is a directory".into(),
    }
}
