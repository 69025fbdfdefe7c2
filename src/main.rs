use clap::Parser;
use std::process::ExitCode;
use tierscope::{cli::Cli, commands, error::EXIT_ERROR};

/// mimalloc instead of the system allocator: the analysis allocates and frees millions of
/// small strings and vectors (finding ids, messages, evidence paths) from several threads,
/// where glibc's malloc spent a fifth of the run at 1M supply rows (`benches/README.md`).
/// Wrapped so that running out of memory ends the run with exit code 2, not an abort
/// (`tierscope::oom`).
#[global_allocator]
static GLOBAL: tierscope::oom::Guarded<mimalloc::MiMalloc> =
    tierscope::oom::Guarded(mimalloc::MiMalloc);

/// mimalloc's `mi_option_purge_delay` (`mimalloc.h`; the same index in its v2 and v3).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() -> ExitCode {
    // Freed memory goes back to the system after a second unused, not after 10 ms. The
    // analysis frees and allocates hundreds of megabytes phase after phase; returned at
    // once, each page came back through a page fault and was zeroed again (system time and
    // the measured gain are in `benches/README.md`; -1, never returning memory, costs more
    // memory for no time).
    // SAFETY: sets an option of the allocator by its documented index before any thread is
    // started; mimalloc reads options atomically.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 1000) };
    let cli = Cli::parse();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let code = match commands::run(&cli, &mut out) {
        Ok(code) => code,
        Err(e) if commands::is_broken_pipe(&e) => 0,
        Err(e) => {
            commands::print_error(&e, &mut std::io::stderr().lock());
            e.exit_code()
        }
    };
    ExitCode::from(u8::try_from(code).unwrap_or(EXIT_ERROR as u8))
}
