//! The env file on disk: an atomic, locked read-modify-write, and a reader with readable errors.

use std::cell::OnceCell;
use std::fmt;
use std::fs::{self, File, OpenOptions, Permissions};
use std::io::{self, Read, Seek, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use super::{EnvFileError, ForeignLine, edit_read, prepare, split_bom, syntax};

/// What [`update_file`] and [`LockedEnvFile::write`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// The file now has new contents (or was created), replaced atomically.
    Changed,
    /// The file now has new contents, but written in place, not atomically: renaming over it was
    /// refused (`EBUSY` or `EXDEV`, as on a bind-mounted file) or its directory cannot hold a
    /// temporary file. A crash during that write could have torn it; the caller should say so.
    ChangedInPlace,
    /// Every key already had its value, so the file was not rewritten.
    Unchanged,
}

/// What an env file says, with the lines passed over.
#[derive(Debug, Clone, Default)]
pub struct EnvFile {
    /// The entries in file order, duplicates included, as dotenvy reads them.
    pub entries: Vec<(String, String)>,
    /// Lines dotenvy refuses that mention no `GOTO_` key; they are kept as they are, and the
    /// caller should name them in a warning.
    pub foreign_lines: Vec<ForeignLine>,
}

/// Sets each `(key, value)` in the env file at `path` as [`edit`] does, atomically and safely
/// against other writers: [`LockedEnvFile::open`] followed by [`LockedEnvFile::write`].
///
/// # Errors
///
/// Keys and values are checked before the file system is touched, so [`EnvFileError::InvalidKey`]
/// and [`EnvFileError::Unportable`] never create or change a file. Every other error is one of
/// [`LockedEnvFile::open`]'s or [`LockedEnvFile::write`]'s.
pub fn update_file(path: &Path, updates: &[(&str, &str)]) -> Result<Written, EnvFileError> {
    prepare(updates).map_err(|error| error.in_file(path.to_owned()))?;
    LockedEnvFile::open(path)?.write(updates)
}

/// An env file opened for a read-modify-write and locked: the one way this crate writes a file.
///
/// Opening checks everything that could stop the write, so that a caller who opens the file
/// before a token exchange never has to throw a minted token away:
///
/// - A symlink is followed to its final target, and the target is replaced: the link stays a link.
/// - Only a regular file is used. A directory, FIFO, socket or device is refused, naming what it
///   is, and is never opened in a way that blocks (a FIFO without a writer would hang `open`).
/// - The file must be writable, and its owner's write bit set, even for root: a `0400` or `0444`
///   file is read-only by intent. A missing file is created with mode 0600 (it is about to hold
///   tokens), which also shows that its directory exists and is writable.
/// - The temporary file of the atomic write is tried: created in the same directory with the
///   file's permission bits, owner and group (so root writing a user's file leaves it theirs),
///   and removed again at once. An owner or group that cannot be kept refuses the open. A
///   directory that cannot hold the temporary file (read-only, as a single bind-mounted file's
///   often is) means the write will be made in place.
/// - An exclusive OS lock on the file is held from the open until the value is dropped, so two
///   runs at once cannot lose each other's keys, and a caller can decide under the lock whether
///   to write at all. Because a rename replaces the inode another writer may be waiting to lock,
///   the lock is only trusted once the path is seen to still name the locked inode; otherwise the
///   file is opened and locked again.
///
/// Nothing is left behind: no lock file; a file this value created is removed again when it is
/// dropped without a write. The temporary file exists only inside [`LockedEnvFile::write`], from
/// just before the new contents are written until the rename, and is removed on every error: while
/// the caller waits on a token exchange there is none, so a process ended by a signal at that
/// point (its default action, with no handler: a library installs none) leaves nothing behind.
/// Only a process ended inside the write itself can leave one, and the next writer removes it
/// under the lock.
pub struct LockedEnvFile {
    /// The path as the caller gave it, for messages.
    path: PathBuf,
    /// The file the path names after symlinks.
    target: PathBuf,
    file: File,
    created: bool,
    contents: String,
    /// What [`LockedEnvFile::parse`] read from `contents`, kept so that the write does not parse
    /// the same text again.
    parsed: OnceCell<EnvFile>,
    /// How the write will be made, as the open found.
    staging: Staging,
    written: bool,
}

impl fmt::Debug for LockedEnvFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The contents hold secrets.
        f.debug_struct("LockedEnvFile")
            .field("path", &self.path)
            .field("target", &self.target)
            .field("created", &self.created)
            .finish_non_exhaustive()
    }
}

impl LockedEnvFile {
    /// Opens, checks and locks the env file at `path` (see the type's description), creating it
    /// with mode 0600 when it is missing, and reads it.
    ///
    /// # Errors
    ///
    /// - [`EnvFileError::NotRegular`]: the path names a directory, FIFO, socket or device.
    /// - [`EnvFileError::NotWritable`]: the file or its directory cannot be written, or the file
    ///   is read-only by its mode.
    /// - [`EnvFileError::OwnerNotKept`]: the new file could not be given the file's owner and
    ///   group.
    /// - [`EnvFileError::Read`], [`EnvFileError::NotUtf8`], [`EnvFileError::Lock`]: as they say.
    pub fn open(path: &Path) -> Result<LockedEnvFile, EnvFileError> {
        let read_error = |source| EnvFileError::Read {
            path: path.to_owned(),
            source,
        };
        let target = resolve_target(path).map_err(|source| match source.kind() {
            io::ErrorKind::NotFound => EnvFileError::NotWritable {
                path: path.to_owned(),
                reason: "its directory does not exist".to_owned(),
            },
            _ => read_error(source),
        })?;
        if !target.exists() {
            check_directory_writable(&target, path)?;
        }
        let (file, created) = open_locked(&target, path)?;
        // From here on, dropping `locked` removes a file this call created.
        let mut locked = LockedEnvFile {
            path: path.to_owned(),
            target,
            file,
            created,
            contents: String::new(),
            parsed: OnceCell::new(),
            staging: Staging::InPlace,
            written: false,
        };
        let metadata = locked.file.metadata().map_err(read_error)?;
        check_regular(path, &metadata)?;
        if metadata.mode() & 0o200 == 0 {
            return Err(EnvFileError::NotWritable {
                path: path.to_owned(),
                reason: format!(
                    "it is read-only (mode {:04o}); give its owner write permission with \
                     `chmod u+w {}` if the tool should store tokens in it",
                    metadata.mode() & 0o7777,
                    path.display()
                ),
            });
        }
        let mut bytes = Vec::new();
        (&locked.file).read_to_end(&mut bytes).map_err(read_error)?;
        locked.contents = text(bytes, path)?;
        // The trial run of the atomic write's first step. The temporary file is removed again at
        // once (a failed removal is untidy, not unsafe: the next writer removes it) and made
        // afresh by `write`.
        let owner = Owner::of(&metadata);
        locked.staging = match stage(&locked.target, owner, path)? {
            Some(trial) => {
                let _ = trial.close();
                Staging::Atomic(owner)
            }
            None => Staging::InPlace,
        };
        Ok(locked)
    }

    /// The file's text as it was when it was locked.
    pub fn contents(&self) -> &str {
        &self.contents
    }

    /// What the file says, read as [`read`] reads it. The reading is kept: a [`Self::write`]
    /// that follows edits from it instead of parsing the same text again.
    ///
    /// # Errors
    ///
    /// [`EnvFileError::Parse`] when dotenvy cannot read a line that mentions a `GOTO_` key.
    pub fn parse(&self) -> Result<EnvFile, EnvFileError> {
        if let Some(parsed) = self.parsed.get() {
            return Ok(parsed.clone());
        }
        let parsed = parse(&self.contents, &self.path)?;
        Ok(self.parsed.get_or_init(|| parsed).clone())
    }

    /// Whether this open created the file (it was missing).
    pub fn created(&self) -> bool {
        self.created
    }

    /// Sets each `(key, value)` as [`edit`] does and writes the result: atomically through the
    /// temporary file where the file system allows it, else in place. The new contents are read
    /// back with dotenvy before they are written, and are not written unless every updated key
    /// reads back exactly. When nothing would change, nothing is written. The lock is released
    /// when this returns.
    ///
    /// # Errors
    ///
    /// [`EnvFileError::InvalidKey`], [`EnvFileError::Unportable`], [`EnvFileError::Parse`] and
    /// [`EnvFileError::Verify`] leave the file untouched. [`EnvFileError::Write`] means creating
    /// the temporary file (which the open tried, but which is only made now), writing or syncing
    /// failed; the file is either untouched or, when only the final directory sync failed,
    /// already replaced.
    pub fn write(mut self, updates: &[(&str, &str)]) -> Result<Written, EnvFileError> {
        let path = self.path.clone();
        // What `parse` read, if it was called: the contents have not changed since.
        let read = self
            .parsed
            .get()
            .map(|file| (file.entries.as_slice(), file.foreign_lines.as_slice()));
        let edited = edit_read(&self.contents, read, updates)
            .map_err(|error| error.in_file(path.clone()))?;
        if edited == self.contents {
            self.written = true;
            return Ok(if self.created {
                Written::Changed
            } else {
                Written::Unchanged
            });
        }
        let write_error = |source| EnvFileError::Write {
            path: path.clone(),
            source,
        };
        let staged = match &self.staging {
            Staging::Atomic(owner) => {
                stage(&self.target, *owner, &path).map_err(|error| not_staged(error, &path))?
            }
            Staging::InPlace => None,
        };
        let written = match staged {
            Some(staged) => match replace(staged, &self.target, &edited) {
                Ok(()) => Written::Changed,
                Err(error) if rename_refused(&error) => {
                    write_in_place(&self.file, &edited).map_err(write_error)?;
                    Written::ChangedInPlace
                }
                Err(error) => return Err(write_error(error)),
            },
            // The directory could hold a temporary file at the open but no longer can (made
            // read-only since): in place, as if the open had found it so.
            None => {
                write_in_place(&self.file, &edited).map_err(write_error)?;
                Written::ChangedInPlace
            }
        };
        self.written = true;
        Ok(written)
    }
}

/// How [`LockedEnvFile::write`] will write, as [`LockedEnvFile::open`] found by trying.
enum Staging {
    /// Through a temporary file given the file's owner, group and permission bits as they were
    /// when it was locked, then renamed over the file.
    Atomic(Owner),
    /// Over the file itself: its directory cannot hold a temporary file.
    InPlace,
}

/// The owner, group and permission bits a file's replacement must be given.
#[derive(Debug, Clone, Copy)]
struct Owner {
    uid: u32,
    gid: u32,
    mode: u32,
}

impl Owner {
    fn of(metadata: &fs::Metadata) -> Owner {
        Owner {
            uid: metadata.uid(),
            gid: metadata.gid(),
            mode: metadata.mode() & 0o7777,
        }
    }
}

/// The error of a temporary file that the open could make but the write cannot (the directory
/// filled up, or its owner or group changed meanwhile). It is a failed write, after any request:
/// the open's own errors would say that nothing was sent.
fn not_staged(error: EnvFileError, path: &Path) -> EnvFileError {
    let source = match error {
        EnvFileError::Write { source, .. } | EnvFileError::OwnerNotKept { source, .. } => source,
        other => io::Error::other(other.to_string()),
    };
    EnvFileError::Write {
        path: path.to_owned(),
        source: io::Error::new(
            source.kind(),
            format!(
                "the temporary file of the atomic write could not be made ({source}); the file \
                 was left unchanged"
            ),
        ),
    }
}

impl Drop for LockedEnvFile {
    fn drop(&mut self) {
        // Do not leave behind an empty file that only this value created. Best effort: a leftover
        // empty file is untidy, not unsafe. The lock is released when `file` closes, after this.
        if self.created && !self.written && is_same_file(&self.file, &self.target).unwrap_or(false)
        {
            let _ = fs::remove_file(&self.target);
        }
    }
}

/// Refuses to create a file in a directory whose owner may not write it: a read-only directory is
/// meant to stay as it is, also for root, who could write it regardless.
fn check_directory_writable(target: &Path, path: &Path) -> Result<(), EnvFileError> {
    let directory = parent_dir(target);
    match fs::metadata(directory) {
        Ok(metadata) if metadata.mode() & 0o200 == 0 => Err(EnvFileError::NotWritable {
            path: path.to_owned(),
            reason: format!(
                "the file is missing and its directory {} is read-only (mode {:04o})",
                directory.display(),
                metadata.mode() & 0o7777
            ),
        }),
        _ => Ok(()),
    }
}

/// Refuses anything but a regular file, naming what it is.
fn check_regular(path: &Path, metadata: &fs::Metadata) -> Result<(), EnvFileError> {
    match kind_name(&metadata.file_type()) {
        None => Ok(()),
        Some(kind) => Err(EnvFileError::NotRegular {
            path: path.to_owned(),
            kind,
        }),
    }
}

/// What a file that is not a regular file is, in words; `None` for a regular file.
pub fn kind_name(file_type: &fs::FileType) -> Option<&'static str> {
    use std::os::unix::fs::FileTypeExt;
    Some(if file_type.is_file() {
        return None;
    } else if file_type.is_dir() {
        "a directory"
    } else if file_type.is_fifo() {
        "a FIFO (named pipe)"
    } else if file_type.is_socket() {
        "a socket"
    } else if file_type.is_char_device() {
        "a character device"
    } else if file_type.is_block_device() {
        "a block device"
    } else if file_type.is_symlink() {
        "a symbolic link"
    } else {
        "not a regular file"
    })
}

/// Whether a failed rename is one that writing in place gets around: the file is a mount point
/// (`EBUSY`, a bind-mounted single file) or the temporary file is on another file system
/// (`EXDEV`).
fn rename_refused(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::ResourceBusy | io::ErrorKind::CrossesDevices
    )
}

/// Writes `contents` over the locked file itself and syncs it: the fallback where the file cannot
/// be replaced. It keeps the inode, owner, group and mode by its nature.
fn write_in_place(mut file: &File, contents: &str) -> io::Result<()> {
    file.seek(io::SeekFrom::Start(0))?;
    file.write_all(contents.as_bytes())?;
    file.set_len(contents.len() as u64)?;
    file.sync_all()
}

/// The file's bytes as text: every env-file reader expects UTF-8.
fn text(bytes: Vec<u8>, path: &Path) -> Result<String, EnvFileError> {
    String::from_utf8(bytes).map_err(|_| EnvFileError::NotUtf8 {
        path: path.to_owned(),
    })
}

/// The longest chain of symlinks we follow, as Linux's `MAXSYMLINKS`.
const MAX_SYMLINK_HOPS: usize = 40;

/// Follows `path` through any symlinks to the file to replace, as an absolute path with no
/// symlinks left. The file itself may be missing (also at the end of a dangling link); its
/// directory may not.
fn resolve_target(path: &Path) -> io::Result<PathBuf> {
    let mut current = path.to_owned();
    for _ in 0..MAX_SYMLINK_HOPS {
        match fs::symlink_metadata(&current) {
            Ok(metadata) if metadata.file_type().is_symlink() => {
                // A relative link is relative to the directory holding the link.
                let link = fs::read_link(&current)?;
                current = parent_dir(&current).join(link);
            }
            Ok(_) => return fs::canonicalize(&current),
            Err(error) if error.kind() == io::ErrorKind::NotFound => {
                let name = current.file_name().ok_or_else(|| {
                    io::Error::new(io::ErrorKind::InvalidInput, "the path does not name a file")
                })?;
                return Ok(fs::canonicalize(parent_dir(&current))?.join(name));
            }
            Err(error) => return Err(error),
        }
    }
    Err(io::Error::other("too many levels of symbolic links"))
}

/// The directory holding `path`, `.` for a bare file name.
fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

/// Opens `target` for reading and writing, creating it with mode 0600 if it is missing, and
/// locks it exclusively. Returns the locked file and whether this call created it.
///
/// A path that exists but is not a regular file is refused before it is opened, and the open
/// itself is non-blocking, so a FIFO that appears in between cannot hang it either; the caller
/// checks the opened file's type.
///
/// Another writer may replace the file between our open and our lock (its rename makes a new
/// inode at the path and leaves us holding the old one), so after locking we check that the path
/// still names the inode we hold, and start over if not. Each retry means another writer
/// finished, so this does not spin.
fn open_locked(target: &Path, path: &Path) -> Result<(File, bool), EnvFileError> {
    let read_error = |source| EnvFileError::Read {
        path: path.to_owned(),
        source,
    };
    let not_writable = |error: io::Error| EnvFileError::NotWritable {
        path: path.to_owned(),
        reason: match error.kind() {
            io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
            io::ErrorKind::ReadOnlyFilesystem => "it is on a read-only file system".to_owned(),
            io::ErrorKind::NotFound => "its directory does not exist".to_owned(),
            _ => error.to_string(),
        },
    };
    loop {
        match fs::metadata(target) {
            Ok(metadata) => check_regular(path, &metadata)?,
            Err(error) if error.kind() == io::ErrorKind::NotFound => {}
            Err(error) => return Err(read_error(error)),
        }
        let created = OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .mode(0o600)
            .custom_flags(libc::O_NONBLOCK)
            .open(target);
        let (file, created) = match created {
            Ok(file) => (file, true),
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {
                match OpenOptions::new()
                    .read(true)
                    .write(true)
                    .custom_flags(libc::O_NONBLOCK)
                    .open(target)
                {
                    Ok(file) => (file, false),
                    // Removed between the two opens: try creating it again.
                    Err(error) if error.kind() == io::ErrorKind::NotFound => continue,
                    Err(error) if is_not_writable(&error) => return Err(not_writable(error)),
                    Err(error) => return Err(read_error(error)),
                }
            }
            Err(error) if is_not_writable(&error) || error.kind() == io::ErrorKind::NotFound => {
                return Err(not_writable(error));
            }
            Err(error) => return Err(read_error(error)),
        };
        check_regular(path, &file.metadata().map_err(read_error)?)?;
        file.lock().map_err(|source| EnvFileError::Lock {
            path: path.to_owned(),
            source,
        })?;
        if is_same_file(&file, target).map_err(read_error)? {
            return Ok((file, created));
        }
    }
}

/// Whether an open failed because the file may not be written (as opposed to not read).
fn is_not_writable(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem
    )
}

/// Whether `target` still names the inode `file` has open.
fn is_same_file(file: &File, target: &Path) -> io::Result<bool> {
    let open = file.metadata()?;
    match fs::metadata(target) {
        Ok(now) => Ok(now.dev() == open.dev() && now.ino() == open.ino()),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(error) => Err(error),
    }
}

/// How many random characters the temporary file's name carries (tempfile's default, spelled
/// out because [`remove_stale_temporaries`] recognises the names by it).
const TEMPORARY_RANDOM_LEN: usize = 6;

/// The part of the temporary file's name that says it is ours: `.{name}.goto-auth.XXXXXX.tmp`.
/// Without it, a user's own `.env.backup.tmp`-like file could match the clean-up's pattern.
const TEMPORARY_MARK: &str = "goto-auth.";

/// Creates the temporary file of the atomic write beside `target`, with the file's permission
/// bits, owner and group. `Ok(None)` when the directory cannot hold it, so the write will be made
/// in place.
///
/// [`LockedEnvFile::open`] calls it as a trial and removes what it made at once;
/// [`LockedEnvFile::write`] calls it again for the write itself. The caller holds the lock on the
/// file `target` names, so no other writer is between creating its temporary file and renaming
/// it: any temporary file already there was left by a writer that was killed, and is removed
/// first.
fn stage(
    target: &Path,
    owner: Owner,
    path: &Path,
) -> Result<Option<tempfile::NamedTempFile>, EnvFileError> {
    let directory = parent_dir(target);
    // A directory whose owner may not write it is read-only by intent, even for root: write the
    // file in place rather than put a temporary file there.
    if fs::metadata(directory).is_ok_and(|metadata| metadata.mode() & 0o200 == 0) {
        return Ok(None);
    }
    let name = target.file_name().unwrap_or_default().to_string_lossy();
    remove_stale_temporaries(directory, &name);
    let temporary = match tempfile::Builder::new()
        .prefix(&format!(".{name}.{TEMPORARY_MARK}"))
        .rand_bytes(TEMPORARY_RANDOM_LEN)
        .suffix(".tmp")
        .permissions(Permissions::from_mode(0o600))
        .tempfile_in(directory)
    {
        Ok(temporary) => temporary,
        Err(error) if is_not_writable(&error) => return Ok(None),
        Err(source) => {
            return Err(EnvFileError::Write {
                path: path.to_owned(),
                source,
            });
        }
    };
    let new = temporary.as_file();
    let current = new.metadata().map_err(|source| EnvFileError::Write {
        path: path.to_owned(),
        source,
    })?;
    if (current.uid(), current.gid()) != (owner.uid, owner.gid) {
        std::os::unix::fs::fchown(new, Some(owner.uid), Some(owner.gid)).map_err(|source| {
            EnvFileError::OwnerNotKept {
                path: path.to_owned(),
                uid: owner.uid,
                gid: owner.gid,
                source,
            }
        })?;
    }
    // After the chown, which may clear set-id bits.
    new.set_permissions(Permissions::from_mode(owner.mode))
        .map_err(|source| EnvFileError::Write {
            path: path.to_owned(),
            source,
        })?;
    Ok(Some(temporary))
}

/// Atomically replaces `target` with `contents`: the staged temporary file, synced, renamed over
/// the target, then a synced directory so the rename itself survives a crash. On any error the
/// temporary file is removed.
fn replace(
    mut temporary: tempfile::NamedTempFile,
    target: &Path,
    contents: &str,
) -> io::Result<()> {
    temporary.write_all(contents.as_bytes())?;
    temporary.as_file().sync_all()?;
    temporary.persist(target).map_err(|error| error.error)?;
    File::open(parent_dir(target))?.sync_all()
}

/// Removes the temporary files a killed writer left beside `name`: exactly `.{name}.goto-auth.`
/// followed by [`TEMPORARY_RANDOM_LEN`] letters or digits and `.tmp`, the names [`stage`]
/// creates, so no file of the user's is touched. Failures are ignored: a leftover is untidy, not
/// unsafe.
fn remove_stale_temporaries(directory: &Path, name: &str) {
    let Ok(entries) = fs::read_dir(directory) else {
        return;
    };
    let prefix = format!(".{name}.{TEMPORARY_MARK}");
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(file_name) = file_name.to_str() else {
            continue;
        };
        let is_ours = file_name
            .strip_prefix(&prefix)
            .and_then(|rest| rest.strip_suffix(".tmp"))
            .is_some_and(|random| {
                random.len() == TEMPORARY_RANDOM_LEN
                    && random.chars().all(|c| c.is_ascii_alphanumeric())
            });
        if is_ours {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Reads the env file at `path` with dotenvy's rules: its entries in file order, duplicates
/// included (dotenvy's loaders use the first occurrence), and the lines passed over.
///
/// Unlike `dotenvy::from_path_iter`, a UTF-8 byte order mark is skipped, as dotenvy's loading
/// functions do. `$NAME` substitution follows dotenvy, looking at the process environment first.
/// A line dotenvy refuses that mentions no `GOTO_` key is passed over and listed in
/// [`EnvFile::foreign_lines`]. Only a regular file is read, and it is opened without blocking, so
/// a FIFO never hangs a run.
///
/// # Errors
///
/// - [`EnvFileError::NotFound`] when there is no file, so callers can say how to create one.
/// - [`EnvFileError::NotRegular`] when it is a directory, FIFO, socket or device.
/// - [`EnvFileError::Read`] and [`EnvFileError::NotUtf8`] when it cannot be read as text.
/// - [`EnvFileError::Parse`] when dotenvy cannot read a line that mentions a `GOTO_` key, with the
///   line number and a hint but none of the line's text, which may be a secret.
pub fn read(path: &Path) -> Result<EnvFile, EnvFileError> {
    let io_error = |source: io::Error| match source.kind() {
        io::ErrorKind::NotFound => EnvFileError::NotFound {
            path: path.to_owned(),
        },
        _ => EnvFileError::Read {
            path: path.to_owned(),
            source,
        },
    };
    check_regular(path, &fs::metadata(path).map_err(io_error)?)?;
    let mut file = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
        .map_err(io_error)?;
    check_regular(path, &file.metadata().map_err(io_error)?)?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes).map_err(io_error)?;
    parse(&text(bytes, path)?, path)
}

/// The entries of [`read`], without the lines passed over.
///
/// # Errors
///
/// As [`read`].
pub fn read_file(path: &Path) -> Result<Vec<(String, String)>, EnvFileError> {
    read(path).map(|file| file.entries)
}

fn parse(contents: &str, path: &Path) -> Result<EnvFile, EnvFileError> {
    let (_, body) = split_bom(contents);
    let (entries, foreign_lines) =
        syntax::read_tolerant(body).map_err(|(line, hint)| EnvFileError::Parse {
            path: path.to_owned(),
            line,
            hint,
        })?;
    Ok(EnvFile {
        entries,
        foreign_lines,
    })
}
