//! A report folder holds one run's files, or the previous run's, never a mix (issue 13): the
//! folder is locked for a run, temporary files go on SIGTERM and with the next run, and files
//! of the report set a run does not write are removed, a user's own files never.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const MINI: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/mini");

fn tierscope() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_tierscope"));
    c.env("TIERSCOPE_TODAY", "2026-12-01");
    c
}

/// `report` of the mini dataset into `out`, with SVG charts unless `extra` says otherwise.
fn report(out: &Path, extra: &[&str]) -> Output {
    let mut c = tierscope();
    c.args(["report", MINI, "--out", out.to_str().unwrap()]);
    if !extra.contains(&"--charts") {
        c.args(["--charts", "svg"]);
    }
    c.args(extra).output().unwrap()
}

/// Every file under `dir`, relative, sorted.
fn files(dir: &Path) -> Vec<String> {
    common::files_under(dir)
        .iter()
        .map(|p| p.strip_prefix(dir).unwrap().to_string_lossy().into_owned())
        .collect()
}

/// Every file under `dir` with its bytes.
fn contents(dir: &Path) -> Vec<(String, Vec<u8>)> {
    files(dir)
        .into_iter()
        .map(|f| (f.clone(), std::fs::read(dir.join(&f)).unwrap()))
        .collect()
}

/// Arguments of a report of the mini dataset into `out` with only report.json.
fn json_only(out: &Path) -> [&str; 8] {
    [
        "report",
        MINI,
        "--out",
        out.to_str().unwrap(),
        "--format",
        "json",
        "--charts",
        "none",
    ]
}

fn temporaries(dir: &Path) -> Vec<String> {
    files(dir)
        .into_iter()
        .filter(|f| f.rsplit('/').next().unwrap().starts_with(".tierscope-") && f.ends_with(".tmp"))
        .collect()
}

/// A report run paused after `files` files are written to their temporary names (the
/// test-only `TIERSCOPE_PAUSE_AFTER_FILES`), once those files are there.
fn paused_report(out: &Path, files: usize, extra: &[&str]) -> Child {
    let child = tierscope()
        .args([
            "report",
            MINI,
            "--out",
            out.to_str().unwrap(),
            "--charts",
            "svg",
        ])
        .args(extra)
        .env("TIERSCOPE_PAUSE_AFTER_FILES", files.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while temporaries(out).len() < files {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the run never paused"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child
}

#[test]
fn a_second_run_on_a_folder_in_use_exits_2_or_waits_with_wait() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    assert!(report(&out, &[]).status.success());
    let before = std::fs::read(out.join("report.json")).unwrap();
    let mut first = paused_report(&out, 2, &[]);
    // The second run stops at once, before its analysis, and touches nothing.
    let o = report(&out, &["--format", "md"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(
        err.contains("another tierscope run is writing a report to this folder")
            && err.contains("--wait"),
        "{err}"
    );
    assert_eq!(
        temporaries(&out).len(),
        2,
        "the second run touched the first's files"
    );
    // With --wait it waits for the first, then writes its own set whole.
    let mut second = tierscope()
        .args(json_only(&out))
        .arg("--wait")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(500));
    assert!(second.try_wait().unwrap().is_none(), "--wait did not wait");
    first.kill().unwrap();
    first.wait().unwrap();
    let waited = second.wait_with_output().unwrap();
    let err = String::from_utf8(waited.stderr).unwrap();
    assert!(waited.status.success(), "{err}");
    assert!(err.contains("waiting for another tierscope run"), "{err}");
    // The killed run's temporary files are gone, and the folder is the second run's set.
    assert_eq!(files(&out), [".tierscope-manifest", "report.json"]);
    assert_eq!(std::fs::read(out.join("report.json")).unwrap(), before);
}

#[cfg(unix)]
#[test]
fn sigterm_and_sigint_remove_the_temporary_files_and_keep_the_previous_report() {
    for signal in [libc::SIGTERM, libc::SIGINT] {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        assert!(report(&out, &[]).status.success());
        let before: Vec<(String, Vec<u8>)> = contents(&out);
        let child = paused_report(&out, 3, &["--format", "json,csv,md"]);
        // SAFETY: sends a signal to the child this test started.
        assert_eq!(unsafe { libc::kill(child.id() as i32, signal) }, 0);
        let o = child.wait_with_output().unwrap();
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(o.status.signal(), Some(signal), "{:?}", o.status);
        assert_eq!(temporaries(&out), Vec::<String>::new());
        let after: Vec<(String, Vec<u8>)> = contents(&out);
        assert_eq!(
            after, before,
            "signal {signal}: the previous report changed"
        );
    }
}

#[test]
fn temporary_files_of_killed_runs_are_removed_by_the_next_run_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    assert!(report(&out, &[]).status.success());
    // A run killed with SIGKILL (which no handler sees) leaves its temporary files.
    let mut killed = paused_report(&out, 3, &[]);
    killed.kill().unwrap();
    killed.wait().unwrap();
    assert_eq!(temporaries(&out).len(), 3);
    // A user's files that look alike, and a folder named like a temporary file, stay.
    let own = [
        "mine.tmp",
        ".tierscope-notes.txt",
        "charts/.tierscope.tmp",
        "charts/notes.tierscope-x.tmp",
    ];
    for f in own {
        std::fs::write(out.join(f), "mine").unwrap();
    }
    std::fs::create_dir(out.join(".tierscope-folder.tmp")).unwrap();
    std::fs::write(out.join(".tierscope-folder.tmp/keep"), "mine").unwrap();
    assert!(report(&out, &[]).status.success());
    assert_eq!(temporaries(&out), Vec::<String>::new());
    for f in own {
        assert_eq!(std::fs::read_to_string(out.join(f)).unwrap(), "mine", "{f}");
    }
    assert!(out.join(".tierscope-folder.tmp/keep").is_file());
}

/// The mini dataset without time data: no time-exposure chart.
fn mini_without_time(dir: &Path) -> PathBuf {
    let data = dir.join("no-time");
    std::fs::create_dir_all(&data).unwrap();
    for entry in std::fs::read_dir(MINI).unwrap() {
        let path = entry.unwrap().path();
        let mut text = std::fs::read_to_string(&path).unwrap();
        if path.ends_with("entities.csv") {
            text = text
                .lines()
                .map(|l| l.rsplit_once(',').unwrap().0.to_string() + "\n")
                .collect();
        }
        std::fs::write(data.join(path.file_name().unwrap()), text).unwrap();
    }
    data
}

#[test]
fn files_of_the_report_set_this_run_does_not_write_are_removed_a_users_are_not() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    assert!(report(&out, &[]).status.success());
    assert!(out.join("charts/time-exposure.svg").is_file());
    std::fs::write(out.join("notes.md"), "mine").unwrap();
    std::fs::write(out.join("charts/mine.svg"), "mine").unwrap();
    // A dataset without time data into the same folder: its report has no time chart.
    let data = mini_without_time(dir.path());
    let o = tierscope()
        .args([
            "report",
            data.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--charts",
            "svg",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        !out.join("charts/time-exposure.svg").exists(),
        "the old time chart stayed"
    );
    assert!(out.join("report.html").is_file());
    // Only JSON, no charts: the other formats and every chart go; the user's files stay.
    assert!(
        report(&out, &["--format", "json", "--charts", "none"])
            .status
            .success()
    );
    assert_eq!(
        files(&out),
        [
            ".tierscope-manifest",
            "charts/mine.svg",
            "notes.md",
            "report.json"
        ]
    );
    let manifest = std::fs::read_to_string(out.join(".tierscope-manifest")).unwrap();
    assert_eq!(
        manifest
            .lines()
            .filter(|l| !l.starts_with('#'))
            .collect::<Vec<_>>(),
        ["report.json"]
    );
    // A manifest that names other files (edited, or copied from elsewhere) removes none.
    std::fs::write(
        out.join(".tierscope-manifest"),
        "notes.md\n../outside.txt\n/etc/hostname\ncharts/../notes.md\nreport.json\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("outside.txt"), "mine").unwrap();
    assert!(
        report(&out, &["--format", "md", "--charts", "none"])
            .status
            .success()
    );
    assert!(out.join("notes.md").is_file() && dir.path().join("outside.txt").is_file());
    assert!(!out.join("report.json").exists());
    // Without a manifest (a folder written by an older version) nothing is removed.
    std::fs::remove_file(out.join(".tierscope-manifest")).unwrap();
    std::fs::write(out.join("report.json"), "{}").unwrap();
    assert!(
        report(&out, &["--format", "md", "--charts", "none"])
            .status
            .success()
    );
    assert!(out.join("report.json").is_file());
}

#[test]
fn a_failed_run_leaves_the_previous_set_and_manifest_as_they_were() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    assert!(report(&out, &[]).status.success());
    let before: Vec<(String, Vec<u8>)> = contents(&out);
    let o = tierscope()
        .args(json_only(&out))
        .env("TIERSCOPE_FAIL_AFTER_BYTES", "100")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let after: Vec<(String, Vec<u8>)> = contents(&out);
    assert_eq!(after, before);
}
