//! The env file on disk: an atomic, locked read-modify-write, and a reader with readable errors.

use std::fs::{self, File, OpenOptions, Permissions};
use std::io::{self, Read, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use super::{EditError, EnvFileError, edit, prepare, split_bom, syntax};

/// What [`update_file`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// The file now has new contents (or was created).
    Changed,
    /// Every key already had its value, so the file was not rewritten.
    Unchanged,
}

/// Sets each `(key, value)` in the env file at `path` as [`edit`] does, atomically and safely
/// against other writers.
///
/// - A symlink is followed to its final target, and the target is replaced: the link stays a link.
/// - An exclusive OS lock on the file is held from before the read until after the rename, so two
///   runs at once cannot lose each other's keys. Because a rename replaces the inode another
///   writer may be waiting to lock, the lock is only trusted once the path is seen to still name
///   the locked inode; otherwise the file is opened and locked again.
/// - The new contents go to a temporary file in the same directory, which gets the old file's
///   permission bits, is synced, and is renamed over the file; then the directory is synced. A
///   crash leaves the old file or the new one, never a torn one.
/// - A missing file is created with mode 0600, since it is about to hold tokens.
/// - Nothing else is left behind: no lock file, and no temporary file on any error.
/// - The new contents are read back with dotenvy before the rename, and are not written unless
///   every updated key reads back exactly.
/// - When nothing would change, nothing is written.
///
/// # Errors
///
/// Keys and values are checked before the file system is touched, so [`EnvFileError::InvalidKey`]
/// and [`EnvFileError::Unportable`] never create or change a file. [`EnvFileError::NotUtf8`] and
/// [`EnvFileError::Parse`] leave the file untouched, as do [`EnvFileError::Read`] and
/// [`EnvFileError::Lock`]. [`EnvFileError::Write`] means writing or syncing failed; the file is
/// either untouched or, when only the final directory sync failed, already replaced.
pub fn update_file(path: &Path, updates: &[(&str, &str)]) -> Result<Written, EnvFileError> {
    let in_file = |error: EditError| error.in_file(path.to_owned());
    prepare(updates).map_err(in_file)?;

    let target = resolve_target(path).map_err(|source| EnvFileError::Read {
        path: path.to_owned(),
        source,
    })?;
    let (locked, created) = open_locked(&target, path)?;
    let result = rewrite(&locked, created, &target, path, updates);
    if result.is_err() && created {
        // Do not leave behind an empty file that only this failed call created. Best effort: the
        // error being returned matters more than one about the clean-up.
        if is_same_file(&locked, &target).unwrap_or(false) {
            let _ = fs::remove_file(&target);
        }
    }
    // Dropping `locked` releases the lock, after the rename.
    result
}

/// The read-modify-write itself, under the lock.
fn rewrite(
    locked: &File,
    created: bool,
    target: &Path,
    path: &Path,
    updates: &[(&str, &str)],
) -> Result<Written, EnvFileError> {
    let mut bytes = Vec::new();
    (&*locked)
        .read_to_end(&mut bytes)
        .map_err(|source| EnvFileError::Read {
            path: path.to_owned(),
            source,
        })?;
    let contents = text(bytes, path)?;
    let edited = edit(&contents, updates).map_err(|error| error.in_file(path.to_owned()))?;
    if edited == contents {
        return Ok(if created {
            Written::Changed
        } else {
            Written::Unchanged
        });
    }
    let write_error = |source| EnvFileError::Write {
        path: path.to_owned(),
        source,
    };
    let mode = locked.metadata().map_err(write_error)?.mode() & 0o7777;
    replace(target, &edited, Permissions::from_mode(mode)).map_err(write_error)?;
    Ok(Written::Changed)
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

/// Opens `target`, creating it with mode 0600 if it is missing, and locks it exclusively. Returns
/// the locked file and whether this call created it.
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
    loop {
        let created = OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(target);
        let (file, created) = match created {
            Ok(file) => (file, true),
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {
                match File::open(target) {
                    Ok(file) => (file, false),
                    // Removed between the two opens: try creating it again.
                    Err(error) if error.kind() == io::ErrorKind::NotFound => continue,
                    Err(error) => return Err(read_error(error)),
                }
            }
            Err(error) => return Err(read_error(error)),
        };
        file.lock().map_err(|source| EnvFileError::Lock {
            path: path.to_owned(),
            source,
        })?;
        if is_same_file(&file, target).map_err(read_error)? {
            return Ok((file, created));
        }
    }
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

/// Atomically replaces `target` with `contents`: a synced temporary file in the same directory
/// (so the rename cannot cross file systems), renamed over the target, then a synced directory so
/// the rename itself survives a crash. On any error the temporary file is removed.
///
/// The caller holds the lock on the file `target` names, so no other writer is between creating
/// its temporary file and renaming it: any temporary file already there was left by a writer that
/// was killed, and is removed first.
fn replace(target: &Path, contents: &str, permissions: Permissions) -> io::Result<()> {
    let directory = parent_dir(target);
    let name = target.file_name().unwrap_or_default().to_string_lossy();
    remove_stale_temporaries(directory, &name);
    let mut temporary = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .rand_bytes(TEMPORARY_RANDOM_LEN)
        .suffix(".tmp")
        .tempfile_in(directory)?;
    temporary.write_all(contents.as_bytes())?;
    temporary.as_file().set_permissions(permissions)?;
    temporary.as_file().sync_all()?;
    temporary.persist(target).map_err(|error| error.error)?;
    File::open(directory)?.sync_all()
}

/// Removes the temporary files a killed writer left beside `name`: exactly `.{name}.` followed by
/// [`TEMPORARY_RANDOM_LEN`] letters or digits and `.tmp`, the names [`replace`] creates, so no
/// file of the user's is touched. Failures are ignored: a leftover is untidy, not unsafe.
fn remove_stale_temporaries(directory: &Path, name: &str) {
    let Ok(entries) = fs::read_dir(directory) else {
        return;
    };
    let prefix = format!(".{name}.");
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

/// Reads the env file at `path` with dotenvy's rules and returns its entries in file order,
/// duplicates included (dotenvy's loaders use the first occurrence).
///
/// Unlike `dotenvy::from_path_iter`, a UTF-8 byte order mark is skipped, as dotenvy's loading
/// functions do. `$NAME` substitution follows dotenvy, looking at the process environment first.
///
/// # Errors
///
/// - [`EnvFileError::NotFound`] when there is no file, so callers can say how to create one.
/// - [`EnvFileError::Read`] and [`EnvFileError::NotUtf8`] when it cannot be read as text.
/// - [`EnvFileError::Parse`] when dotenvy cannot read it, with the line number and a hint but
///   none of the line's text, which may be a secret.
pub fn read_file(path: &Path) -> Result<Vec<(String, String)>, EnvFileError> {
    let bytes = fs::read(path).map_err(|source| match source.kind() {
        io::ErrorKind::NotFound => EnvFileError::NotFound {
            path: path.to_owned(),
        },
        _ => EnvFileError::Read {
            path: path.to_owned(),
            source,
        },
    })?;
    let contents = text(bytes, path)?;
    let (_, body) = split_bom(&contents);
    syntax::read_entries(body).map_err(|(line, hint)| EnvFileError::Parse {
        path: path.to_owned(),
        line,
        hint,
    })
}
