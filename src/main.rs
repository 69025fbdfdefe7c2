use clap::Parser;
use std::process::ExitCode;
use tierscope::{app, cli::Cli, error::EXIT_ERROR};

/// mimalloc instead of the system allocator: the analysis allocates and frees millions of
/// small strings and vectors (finding ids, messages, evidence paths) from several threads,
/// where glibc's malloc spent a fifth of the run at 1M supply rows (`benches/README.md`).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let code = match app::run(&cli, &mut out) {
        Ok(code) => code,
        Err(e) if app::is_broken_pipe(&e) => 0,
        Err(e) => {
            app::print_error(&e, &mut std::io::stderr().lock());
            e.exit_code()
        }
    };
    ExitCode::from(u8::try_from(code).unwrap_or(EXIT_ERROR as u8))
}
