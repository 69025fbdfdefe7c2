//! `report.pdf`: the page printed by a Chromium-family browser, headless.
//!
//! The browser is `$TIERSCOPE_CHROMIUM` when set, else the first of [`CANDIDATES`] on the
//! `PATH`. The page is written to a private temporary folder, printed there with the page's
//! own `@media print` styles, and the PDF's bytes are handed to the report's sink, which
//! writes it atomically with the other files. A PDF carries the browser's time stamp, so it is
//! the one file of the report set that is not byte-identical from run to run.

use crate::error::{Error, Result};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;
use wait_timeout::ChildExt;

/// The environment variable naming the browser to print with.
pub const BROWSER_ENV: &str = "TIERSCOPE_CHROMIUM";

/// The programs looked for on the `PATH`, in this order.
pub const CANDIDATES: [&str; 4] = [
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
];

/// How long the browser may take to print before it is stopped.
const TIMEOUT: Duration = Duration::from_secs(300);

/// Where the browser was looked for, for messages.
pub fn looked_for() -> String {
    format!("{BROWSER_ENV}, then {} on the PATH", CANDIDATES.join(", "))
}

/// The browser to print with: `$TIERSCOPE_CHROMIUM` (a path, or a name on the PATH), else
/// the first candidate on the PATH. `None` when there is none, or when the variable names a
/// program that does not exist (it is never silently replaced by another browser).
pub fn find_browser() -> Option<PathBuf> {
    match std::env::var_os(BROWSER_ENV) {
        Some(v) if !v.is_empty() => on_path(Path::new(&v)),
        _ => CANDIDATES.iter().find_map(|c| on_path(Path::new(c))),
    }
}

/// `program` itself when it is a path to a file, else the first file of that name in the
/// folders of the `PATH`.
fn on_path(program: &Path) -> Option<PathBuf> {
    if program.components().count() > 1 || program.is_absolute() {
        return program.is_file().then(|| program.to_path_buf());
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
}

/// Prints `page` (the bytes of report.html) with `browser` and returns the PDF's bytes.
pub fn print(browser: &Path, page: &[u8]) -> Result<Vec<u8>> {
    let dir = tempfile::Builder::new()
        .prefix("tierscope-pdf-")
        .tempdir()
        .map_err(|source| Error::Write {
            path: std::env::temp_dir(),
            source,
        })?;
    let html = dir.path().join("report.html");
    let pdf = dir.path().join("report.pdf");
    std::fs::write(&html, page).map_err(|source| Error::Write {
        path: html.clone(),
        source,
    })?;
    let failed = |what: String| {
        Error::Render(format!(
            "cannot print report.pdf with {}: {what}",
            browser.display()
        ))
    };
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-extensions",
            "--no-first-run",
            "--no-pdf-header-footer",
        ])
        .arg(format!(
            "--user-data-dir={}",
            dir.path().join("profile").display()
        ))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(file_url(&html))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| failed(e.to_string()))?;
    let status = match child
        .wait_timeout(TIMEOUT)
        .map_err(|e| failed(e.to_string()))?
    {
        Some(status) => status,
        None => {
            let _ = child.kill();
            let _ = child.wait();
            return Err(failed(format!(
                "it did not finish within {} s",
                TIMEOUT.as_secs()
            )));
        }
    };
    match std::fs::read(&pdf) {
        Ok(bytes) if status.success() && bytes.starts_with(b"%PDF") => Ok(bytes),
        _ => Err(failed(format!("it exited with {status} and wrote no PDF"))),
    }
}

/// A `file://` URL for an absolute path, with the characters a URL cannot hold escaped.
fn file_url(path: &Path) -> String {
    let mut url = String::from("file://");
    for b in path.display().to_string().bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
            url.push(b as char);
        } else {
            url.push_str(&format!("%{b:02X}"));
        }
    }
    url
}
