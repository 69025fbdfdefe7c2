//! The run's temporary files, removed when the run is stopped: by SIGINT or SIGTERM (a
//! handler thread, installed when the first output file is staged), or by running out of
//! memory (the allocator's last word, [`remove_all_without_waiting`]). A SIGKILL cannot be
//! caught: the next run that writes to the same folder removes what it left
//! ([`super::write::Staging::report_set`]).

use std::ffi::CString;
use std::path::Path;
use std::sync::{Mutex, Once};

/// Paths of the temporary files that exist now, as C strings made when they were created, so
/// that removing them needs no allocation.
static TEMPS: Mutex<Vec<CString>> = Mutex::new(Vec::new());

/// Held while a report set is renamed into place: a signal waits for the renames to finish,
/// so that a stopped run leaves its set or the previous one, never a mix.
pub static COMMIT: Mutex<()> = Mutex::new(());

static INSTALL: Once = Once::new();

fn c_path(path: &Path) -> Option<CString> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        CString::new(path.as_os_str().as_bytes()).ok()
    }
    #[cfg(not(unix))]
    {
        CString::new(path.to_string_lossy().as_bytes()).ok()
    }
}

/// Creates the temporary file at `path` with `create`, and registers it in the same step: a
/// signal sees either no file or a registered one.
pub fn create_registered<R>(
    path: &Path,
    create: impl FnOnce(&Path) -> std::io::Result<R>,
) -> std::io::Result<R> {
    install();
    let c = c_path(path);
    let mut temps = TEMPS.lock().unwrap_or_else(|e| e.into_inner());
    let made = create(path)?;
    if let Some(c) = c {
        temps.push(c);
    }
    Ok(made)
}

/// Forgets `path` (renamed into place, or removed).
pub fn unregister(path: &Path) {
    let Some(c) = c_path(path) else { return };
    let mut temps = TEMPS.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(k) = temps.iter().position(|t| *t == c) {
        temps.swap_remove(k);
    }
}

/// Removes every registered temporary file. Called with the registry held, so that no new
/// one appears behind it.
fn remove(temps: &mut Vec<CString>) {
    for t in temps.iter() {
        // SAFETY: `t` is a valid NUL-terminated path; unlink only reads it.
        #[cfg(unix)]
        unsafe {
            libc::unlink(t.as_ptr());
        }
        #[cfg(not(unix))]
        let _ = std::fs::remove_file(t.to_string_lossy().as_ref());
    }
    temps.clear();
}

/// For the out-of-memory path: removes the registered files if the registry is free, without
/// waiting and without allocating.
pub fn remove_all_without_waiting() {
    if let Ok(mut temps) = TEMPS.try_lock() {
        remove(&mut temps);
    }
}

/// Installs the SIGINT/SIGTERM handler (once): a thread that, on the first signal, waits for
/// a commit under way, removes the temporary files and ends the process as the signal would
/// have (the default action, so the shell sees the signal).
pub fn install() {
    INSTALL.call_once(|| {
        #[cfg(unix)]
        {
            use signal_hook::consts::{SIGINT, SIGTERM};
            let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM]) else {
                return;
            };
            let _ = std::thread::Builder::new()
                .name("tierscope-signals".into())
                .spawn(move || {
                    if let Some(signal) = signals.forever().next() {
                        let _commit = COMMIT.lock().unwrap_or_else(|e| e.into_inner());
                        let mut temps = TEMPS.lock().unwrap_or_else(|e| e.into_inner());
                        remove(&mut temps);
                        let _ = signal_hook::low_level::emulate_default_handler(signal);
                        std::process::exit(128 + signal);
                    }
                });
        }
    });
}
