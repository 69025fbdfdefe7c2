//! Bounds on what a run takes and writes (issue 13): an output too large is refused before it
//! is rendered, running out of memory is exit code 2 and not an abort, and a file given on
//! the command line that is not a regular file is refused before it is opened.

mod common;

use common::hostile::deep_chain;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const MINI: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/mini");

fn tierscope(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tierscope"))
        .args(args)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A chain `levels` deep in a temporary folder, and an output folder holding a previous
/// report (of the mini dataset) with its files' paths.
fn chain_and_previous_report(levels: usize) -> (tempfile::TempDir, PathBuf, PathBuf, Vec<PathBuf>) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("chain");
    common::write(&deep_chain(levels), &data);
    let out = dir.path().join("out");
    assert!(
        tierscope(&["report", MINI, "--out", out.to_str().unwrap()])
            .status
            .success()
    );
    let before = common::files_under(&out);
    (dir, data, out, before)
}

#[test]
fn a_report_larger_than_max_output_is_refused_before_it_is_written() {
    // A previous report in the folder stays as it was.
    let (_dir, data, out, before) = chain_and_previous_report(1500);
    let o = tierscope(&[
        "report",
        data.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(
        err.contains("error: the report would be about")
            && err.contains("report.json")
            && err.contains("over the limit of 64.0 MiB (the default --max-output")
            && err.contains(
                "3002 findings carry 1127255 evidence nodes, the longest path 1501 nodes"
            )
            && err.contains("--level")
            && err.contains("--product"),
        "{err}"
    );
    assert_eq!(common::files_under(&out), before);
    // Narrowed as the message says, it is written.
    let o = tierscope(&[
        "report",
        data.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--level",
        "country,untrusted",
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    // `analyze` is bound the same way, and --max-output sets the limit.
    let o = tierscope(&["analyze", data.to_str().unwrap(), "--format", "json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty());
    assert!(
        text(&o.stderr).contains("the output would be about"),
        "{}",
        text(&o.stderr)
    );
    let o = tierscope(&["analyze", MINI, "--max-output", "2K"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("over the limit of 2.0 KiB (--max-output)"),
        "{}",
        text(&o.stderr)
    );
    assert!(
        tierscope(&["analyze", MINI, "--max-output", "1M"])
            .status
            .success()
    );
    let o = tierscope(&["analyze", MINI, "--max-output", "lots"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("`lots` is not a size"),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn the_size_estimate_is_close_to_what_is_written() {
    use tierscope::cli::ReportFormat;
    for (name, files) in [
        ("chain", deep_chain(400)),
        (
            "random",
            common::random_dataset(7, common::Shape::small(400)),
        ),
    ] {
        let ds = common::load(&files);
        let g = tierscope::graph::ProductionGraph::build(&ds);
        let report = tierscope::gate::Reviewed::plain(
            tierscope::analysis::analyze(&ds, &g, &tierscope::analysis::Settings::default())
                .unwrap(),
        );
        let estimate = tierscope::report::size::report_files(&report, &ReportFormat::ALL, false);
        let written =
            tierscope::report::render_files(&report, &ds, &g, &ReportFormat::ALL, &[]).unwrap();
        for f in written {
            let name_of = f.path.to_string_lossy().into_owned();
            let est = estimate.files.iter().find(|e| e.0 == name_of).unwrap().1 as f64;
            let real = f.bytes.len() as f64;
            // Proportional, with an allowance for the fixed parts (the page's style and
            // methodology, the charts counted at their likely size).
            assert!(
                est >= 0.8 * real && est <= 1.6 * real + 512.0 * 1024.0,
                "{name} {name_of}: estimated {est}, written {real}"
            );
        }
    }
}

/// The case: a 10,000-level chain with a different supplier per level needs several
/// gigabytes to analyse. With 512 MiB of address space the run ends with exit code 2 and a
/// message, not SIGABRT, and leaves no temporary file and the previous report as it was.
#[cfg(target_os = "linux")]
#[test]
fn running_out_of_memory_is_exit_code_2_not_an_abort() {
    use std::os::unix::process::CommandExt;
    let (_dir, data, out, before) = chain_and_previous_report(10_000);
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tierscope"));
    cmd.args([
        "report",
        data.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ])
    // A generous limit on the output: the memory, not the estimate, is what stops it.
    .args(["--max-output", "100G"])
    .env("RAYON_NUM_THREADS", "2")
    .env("TIERSCOPE_MEMORY_AVAILABLE", "100000000000");
    // SAFETY: setrlimit is async-signal-safe; it limits the child's address space only.
    unsafe {
        cmd.pre_exec(|| {
            let limit = libc::rlimit {
                rlim_cur: 512 << 20,
                rlim_max: 512 << 20,
            };
            if libc::setrlimit(libc::RLIMIT_AS, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let o = cmd.output().unwrap();
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{:?}: {err}", o.status);
    assert!(err.contains("error: out of memory"), "{err}");
    assert!(err.contains("--level"), "{err}");
    assert_eq!(
        common::files_under(&out),
        before,
        "the previous report changed"
    );
}

/// Runs tierscope with `args` and fails if it has not ended within 20 seconds.
fn finishes(args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tierscope"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(20) {
            child.kill().unwrap();
            panic!("tierscope {args:?} hung");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

#[cfg(unix)]
fn fifo(path: &Path) {
    let c = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
    // SAFETY: creates a named pipe at a valid path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
}

#[cfg(unix)]
#[test]
fn a_named_pipe_given_as_any_input_file_is_refused_not_waited_on() {
    let dir = tempfile::tempdir().unwrap();
    let pipe = dir.path().join("pipe.csv");
    fifo(&pipe);
    let p = pipe.to_str().unwrap();
    let vendors = format!("{ROOT}/tests/fixtures/screen/vendors.csv");
    for args in [
        vec!["screen", MINI, "--vendors", &vendors, "--list", p],
        vec!["screen", MINI, "--vendors", p],
        vec!["analyze", MINI, "--config", p],
        vec!["analyze", MINI, "--waivers", p],
        vec!["analyze", MINI, "--baseline", p],
        vec!["diff", p, p],
    ] {
        let o = finishes(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = text(&o.stderr);
        assert!(
            err.contains("is not a regular file but a pipe, socket or device"),
            "{args:?}: {err}"
        );
    }
    // A folder too, and every problem of the screening inputs at once.
    let o = finishes(&[
        "screen",
        MINI,
        "--vendors",
        p,
        "--list",
        dir.path().to_str().unwrap(),
    ]);
    let err = text(&o.stderr);
    assert!(
        err.contains("error[not-a-file]: is a folder (expected a restricted-party list file)"),
        "{err}"
    );
    assert!(
        err.contains("error[not-a-file]: is not a regular file"),
        "{err}"
    );
}

#[test]
fn a_binary_list_is_not_a_csv_list_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let vendors = format!("{ROOT}/tests/fixtures/screen/vendors.csv");
    // Screens the mini dataset's vendors against a list of `bytes`: exit code 2 and stderr.
    let screen = |bytes: &[u8]| -> String {
        let list = dir.path().join("list.csv");
        std::fs::write(&list, bytes).unwrap();
        let o = finishes(&[
            "screen",
            MINI,
            "--vendors",
            &vendors,
            "--list",
            list.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(2));
        text(&o.stderr)
    };
    let mut binary = b"name\nACME".to_vec();
    binary.extend((0u8..=255).cycle().take(4096));
    let err = screen(&binary);
    assert!(
        err.contains(
            "error[list-format]: not a CSV list: it holds a NUL byte at byte 10: a binary file"
        ),
        "{err}"
    );
    let err = screen(b"name\nSoci\xe9t\xe9 G\xe9n\xe9rale\n");
    assert!(
        err.contains("not a CSV list: it is not UTF-8 text (byte 10 is not valid UTF-8)"),
        "{err}"
    );
}
