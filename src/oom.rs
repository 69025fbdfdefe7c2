//! Running out of memory ends the run with exit code 2 and a message, not an abort.
//!
//! Rust's default reaction to a failed allocation is to abort the process (SIGABRT, "memory
//! allocation of N bytes failed"), which a scheduler reports as a crash and which leaves the
//! run's temporary files behind. [`Guarded`] wraps the global allocator: when an allocation
//! fails it removes the run's temporary files ([`crate::report::cleanup`]), prints what
//! happened and how to narrow the run, and exits with code 2. It allocates nothing on that
//! path. Reports too large for the memory are refused before rendering
//! ([`crate::report::size`]); this is the last line, for the analysis itself.

use std::alloc::{GlobalAlloc, Layout};

/// A global allocator that ends the process with exit code 2 when `A` fails to allocate.
pub struct Guarded<A>(pub A);

// SAFETY: every call is passed to `A` unchanged; a null result ends the process instead of
// being returned.
unsafe impl<A: GlobalAlloc> GlobalAlloc for Guarded<A> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        let p = unsafe { self.0.alloc(layout) };
        if p.is_null() {
            out_of_memory(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        let p = unsafe { self.0.alloc_zeroed(layout) };
        if p.is_null() {
            out_of_memory(layout.size());
        }
        p
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        let p = unsafe { self.0.realloc(ptr, layout, new_size) };
        if p.is_null() {
            out_of_memory(new_size);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { self.0.dealloc(ptr, layout) }
    }
}

/// The message, in pieces around the size, written without allocating.
const BEFORE: &[u8] = b"error: out of memory: a request for ";
const AFTER: &[u8] = b" bytes failed; nothing was written (a previous report is as it was). \
The dataset needs more memory than this machine gives the run (expected a smaller run: narrow \
it with --level, e.g. --level country,untrusted, or --product ENTITY:ITEM, or use a machine \
with more memory)\n";

/// Removes the run's temporary files, says why on stderr, and exits with code 2.
fn out_of_memory(size: usize) -> ! {
    crate::report::cleanup::remove_all_without_waiting();
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut n = size;
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    write_stderr(BEFORE);
    write_stderr(&digits[at..]);
    write_stderr(AFTER);
    #[cfg(unix)]
    // SAFETY: ends the process at once, without running destructors or atexit handlers,
    // which could allocate.
    unsafe {
        libc::_exit(crate::error::EXIT_ERROR)
    }
    #[cfg(not(unix))]
    std::process::exit(crate::error::EXIT_ERROR)
}

#[cfg(not(unix))]
fn write_stderr(bytes: &[u8]) {
    use std::io::Write;
    let _ = std::io::stderr().write_all(bytes);
}

#[cfg(unix)]
fn write_stderr(bytes: &[u8]) {
    let mut rest = bytes;
    while !rest.is_empty() {
        // SAFETY: writes `rest.len()` bytes from a valid slice to file descriptor 2.
        let n = unsafe { libc::write(2, rest.as_ptr().cast(), rest.len()) };
        if n <= 0 {
            return;
        }
        rest = &rest[n as usize..];
    }
}
