//! The README's nightly recipe, end to end, with the real binary: the files of
//! `examples/nightly/` as they are committed (the README shows the same files, checked
//! below), in a copy of the parts of a clone they use, run by the cron line itself.
//!
//! Night 1 has no baseline; the team accepts its report; night 2 is unchanged (exit 0);
//! night 3 brings a new critical risk (exit 1, stderr names it); a retry of night 3 still
//! fails; night 4, after the risk is waived, passes; night 5, after the waiver expired,
//! fails again. Then `trend` over the history.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use tierscope::waiver::Date;

const EXAMPLE: &str = "examples/nightly";
const DATASET: &str = "datasets/legacy-semiconductors";
const CONFIG: &str = "examples/nightly/tierscope.toml";

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let p = entry.unwrap().path();
        if p.is_file() {
            std::fs::copy(&p, to.join(p.file_name().unwrap())).unwrap();
        }
    }
}

/// A home folder with the clone at `~/tierscope` (the dataset and the example) and the
/// binary where `cargo install` puts it, `~/.cargo/bin/tierscope`.
#[cfg(unix)]
struct Home {
    _tmp: tempfile::TempDir,
    home: PathBuf,
    clone: PathBuf,
}

#[cfg(unix)]
impl Home {
    fn new() -> Home {
        let tmp = tempfile::tempdir().unwrap();
        let home = tmp.path().to_path_buf();
        let clone = home.join("tierscope");
        copy_dir(Path::new(DATASET), &clone.join(DATASET));
        for name in ["tierscope.toml", "waivers.toml"] {
            let to = clone.join(EXAMPLE).join(name);
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(Path::new(EXAMPLE).join(name), to).unwrap();
        }
        let bin = home.join(".cargo/bin");
        std::fs::create_dir_all(&bin).unwrap();
        std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_tierscope"), bin.join("tierscope")).unwrap();
        Home {
            _tmp: tmp,
            home,
            clone,
        }
    }

    /// Runs the cron line's command, as cron would: `sh -c`, with HOME set, on the night
    /// of `date` (`SOURCE_DATE_EPOCH`, as a CI system or a rerun of an old night sets it).
    fn night(&self, date: &str) -> Output {
        let crontab = std::fs::read_to_string(Path::new(EXAMPLE).join("crontab")).unwrap();
        let line = crontab
            .lines()
            .find(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .expect("a cron line");
        // Five time fields, then the command.
        let command = line.splitn(6, ' ').nth(5).unwrap();
        let epoch = Date::parse(date).unwrap().to_unix_days() * 86_400 + 2 * 3600 + 17 * 60;
        Command::new("sh")
            .arg("-c")
            .arg(command)
            .env("HOME", &self.home)
            .env("SOURCE_DATE_EPOCH", epoch.to_string())
            .env_remove("TIERSCOPE_TODAY")
            .output()
            .expect("sh runs")
    }

    /// Runs tierscope in the clone, as a person at a terminal would.
    fn tierscope(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_tierscope"))
            .current_dir(&self.clone)
            .args(args)
            .output()
            .expect("the binary runs")
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.clone.join(EXAMPLE).join(rel)
    }

    fn read(&self, rel: &str) -> Vec<u8> {
        std::fs::read(self.path(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }
}

/// The ids the failing gate names on stderr: `  SEVERITY ID  MESSAGE` lines.
#[cfg(unix)]
fn tripped(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .filter(|l| l.starts_with("  ") && !l.starts_with("  ..."))
        .filter_map(|l| l.split_whitespace().nth(1).map(str::to_string))
        .collect()
}

#[cfg(unix)]
#[test]
fn the_nightly_recipe_end_to_end() {
    let home = Home::new();
    let baseline = "baseline/report.json";

    // Night 1: no baseline yet. The run goes on, writes its report and the history, and
    // fails on the criticals it finds (every finding is new); no baseline is written.
    let o = home.night("2026-12-01");
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert_eq!(text(&o.stdout), "", "--quiet: no wrote lines");
    assert!(
        err.starts_with(
            "FAILED: 49 findings at or above critical, not waived (with no baseline, every finding is new):\n"
        ),
        "{err}"
    );
    // The example's waiver covers the Mahindra SUV's single points of failure.
    assert!(!err.contains("spof:country:CN:mahindra-chakan"), "{err}");
    assert!(
        err.contains("report: examples/nightly/out/report.html\n"),
        "{err}"
    );
    assert!(!home.path(baseline).exists());
    assert!(home.path("history/2026-12-01.json").is_file());

    // The team reads the report and accepts it, as the failure says how.
    let accept = err
        .lines()
        .find_map(|l| l.strip_prefix("to accept these findings as they are: tierscope "))
        .expect("how to accept");
    let args: Vec<&str> = accept.split_whitespace().collect();
    let o = home.tierscope(&args);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(home.read(baseline), home.read("out/report.json"));
    // The README's way says the same with the config's baseline path.
    let o = home.tierscope(&[
        "baseline",
        "accept",
        "examples/nightly/out/report.json",
        "--config",
        CONFIG,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(home.read(baseline), home.read("out/report.json"));

    // Night 2: nothing changed. It passes, silently, and the baseline is rewritten with it.
    let o = home.night("2026-12-02");
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(
        (text(&o.stdout).as_str(), text(&o.stderr).as_str()),
        ("", "")
    );
    assert_eq!(home.read(baseline), home.read("out/report.json"));
    let accepted = home.read(baseline);

    // Night 3: Infineon Melaka stops shipping power MOSFETs to Aptiv Juárez; what is left
    // comes from China, so China can now stop Ford's pickup on its own.
    let supply = home.clone.join(DATASET).join("supply.csv");
    let before = std::fs::read_to_string(&supply).unwrap();
    let after: String = before
        .lines()
        .filter(|l| !l.starts_with("infineon-melaka,aptiv-juarez,power-mosfet,"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_ne!(before, after);
    std::fs::write(&supply, after).unwrap();
    let o = home.night("2026-12-03");
    let err3 = text(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err3}");
    assert!(
        err3.starts_with(
            "FAILED: 3 findings at or above critical, new or worse since the baseline and not waived:\n"
        ),
        "{err3}"
    );
    assert!(
        err3.contains(
            "  critical spof:country:CN:ford-kentucky-truck:pickup-truck  [ESCALATED from capacity at risk] China (CN) alone can stop Full-size pickup truck"
        ),
        "{err3}"
    );
    assert!(
        err3.contains("baseline kept as it was: examples/nightly/baseline/report.json"),
        "{err3}"
    );
    assert_eq!(home.read(baseline), accepted);

    // A retry of night 3 (a CI system retrying a flaky job) fails the same way.
    let o = home.night("2026-12-03");
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(text(&o.stderr), err3);
    assert_eq!(home.read(baseline), accepted);
    assert!(home.path("history/2026-12-03-2.json").is_file());

    // The team waives what failed, until the end of March, with a reason.
    let ids = tripped(&err3);
    assert_eq!(ids.len(), 3, "{ids:?}");
    let mut waivers = std::fs::read_to_string(home.path("waivers.toml")).unwrap();
    for id in &ids {
        waivers.push_str(&format!(
            "\n[[waiver]]\nid = \"{id}\"\nreason = \"Infineon Melaka requalification, ticket SC-204\"\nexpires = 2027-03-31\n"
        ));
    }
    std::fs::write(home.path("waivers.toml"), waivers).unwrap();

    // Night 4: the risk is waived. It passes, and the baseline takes the waived findings.
    let o = home.night("2026-12-04");
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(home.read(baseline), home.read("out/report.json"));
    assert_ne!(home.read(baseline), accepted);

    // Night 5, after the waivers expired: the baseline held those findings only under a
    // waiver, so they fail the run again.
    let o = home.night("2027-03-31");
    let err5 = text(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err5}");
    assert_eq!(tripped(&err5), ids);
    assert!(
        err5.contains("(the baseline accepted it only under a waiver, which no longer applies)"),
        "{err5}"
    );

    // The history: one file per run, the retry numbered.
    let mut kept: Vec<String> = std::fs::read_dir(home.path("history"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    kept.sort();
    assert_eq!(
        kept,
        [
            "2026-12-01.json",
            "2026-12-02.json",
            "2026-12-03-2.json",
            "2026-12-03.json",
            "2026-12-04.json",
            "2027-03-31.json"
        ]
    );

    // The trend over it: one line per day (the day's last run), and Ford's pickup, whose
    // untrusted exposure went from 77% to 100%.
    let o = home.tierscope(&["trend", "--config", CONFIG, "--out", "trend"]);
    let out = text(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(
        out.starts_with(
            "legacy-semiconductors: 5 days of kept reports, 2026-12-01 to 2027-03-31 (each day's last run)\n"
        ),
        "{out}"
    );
    // Each day's line holds the counts of that day's last kept report, and the change line
    // their difference from the first day to the last.
    let counts = |file: &str| -> Vec<i64> {
        let v: serde_json::Value =
            serde_json::from_slice(&home.read(&format!("history/{file}"))).unwrap();
        let by = &v["summary"]["by_severity"];
        let c: Vec<i64> = ["critical", "high", "medium", "low"]
            .iter()
            .map(|k| by[k].as_i64().unwrap_or(0))
            .collect();
        let total = c.iter().sum();
        c.into_iter().chain([total]).collect()
    };
    for (day, file) in [
        ("2026-12-01", "2026-12-01.json"),
        ("2026-12-03", "2026-12-03-2.json"),
        ("2027-03-31", "2027-03-31.json"),
    ] {
        let c = counts(file);
        let line = format!(
            "\n{day}  {:>8}{:>8}{:>8}{:>8}{:>8}\n",
            c[0], c[1], c[2], c[3], c[4]
        );
        assert!(out.contains(&line), "{line:?} in {out}");
    }
    let (first, last) = (counts("2026-12-01.json"), counts("2027-03-31.json"));
    let change: String = first
        .iter()
        .zip(&last)
        .map(|(a, b)| format!("{:>8}", format!("{:+}", b - a)))
        .collect();
    assert!(out.contains(&format!("\nchange      {change}\n")), "{out}");
    assert!(
        last[0] > first[0],
        "the critical count rose: {first:?} -> {last:?}"
    );
    assert!(
        out.contains(
            "  +23 points    77% -> 100%  ford-kentucky-truck:pickup-truck  Full-size pickup truck (Ford Kentucky Truck Plant (Louisville)) (since 2026-12-01)"
        ),
        "{out}"
    );
    assert!(
        out.contains("wrote trend/trend.svg\nwrote trend/trend.png\n"),
        "{out}"
    );
    // The SVG has a point per day and severity.
    let svg = std::fs::read_to_string(home.clone.join("trend/trend.svg")).unwrap();
    assert_eq!(
        svg.matches("opacity=\"0.999\"").count(),
        5 * 4 + 1,
        "20 points and 1 bar"
    );
    assert_png_is_not_blank(&home.clone.join("trend/trend.png"));
}

/// The PNG decodes, has the chart's size, and is mostly white with a good part drawn: the
/// title, axes, four coloured lines and the bars.
#[cfg(unix)]
fn assert_png_is_not_blank(path: &Path) {
    assert_png_bytes_are_not_blank(&std::fs::read(path).unwrap());
}

fn assert_png_bytes_are_not_blank(bytes: &[u8]) {
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!((info.width, info.color_type), (1200, png::ColorType::Rgb));
    let pixels = &buf[..info.buffer_size()];
    let count = pixels.len() / 3;
    let drawn = pixels.chunks(3).filter(|p| p != &[255, 255, 255]).count();
    assert!(
        drawn > count / 50 && drawn < count / 2,
        "{drawn} of {count} pixels drawn"
    );
    // The severities' colours are there: the lines were drawn, not only text.
    for color in [
        [0xB3, 0x26, 0x1E],
        [0xD9, 0x73, 0x0D],
        [0xC9, 0xA2, 0x27],
        [0x5B, 0x8D, 0xEF],
    ] {
        assert!(
            pixels.chunks(3).filter(|p| *p == color).count() > 500,
            "colour {color:?} missing"
        );
    }
}

/// The README shows the example's files as they are: what a reader copies is what this
/// test runs.
#[test]
fn the_readme_shows_the_example_files_as_they_are() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    for name in [
        "tierscope.toml",
        "waivers.toml",
        "crontab",
        "github-actions.yml",
    ] {
        let file = std::fs::read_to_string(Path::new(EXAMPLE).join(name)).unwrap();
        assert!(
            readme.contains(&file),
            "README.md does not show examples/nightly/{name} as it is"
        );
    }
    assert!(
        readme.contains("cargo install --path ."),
        "the install line"
    );
    assert!(readme.contains("~/.cargo/bin"), "where the binary lands");
}

/// Every tierscope command of the GitHub Actions snippet parses, names files that exist
/// in a clone, and caches the folders the config keeps its state in.
#[test]
fn the_github_actions_snippet_runs_real_commands() {
    use clap::Parser;
    let yml = std::fs::read_to_string(Path::new(EXAMPLE).join("github-actions.yml")).unwrap();
    let commands: Vec<&str> = yml
        .lines()
        .filter_map(|l| l.trim().strip_prefix("run: "))
        .filter(|c| c.starts_with("tierscope "))
        .collect();
    assert_eq!(commands.len(), 3, "{commands:?}");
    for c in &commands {
        let args: Vec<&str> = c.split_whitespace().collect();
        let cli = tierscope::cli::Cli::try_parse_from(&args)
            .unwrap_or_else(|e| panic!("`{c}` does not parse: {e}"));
        if let Some(config) = &cli.config {
            assert!(config.is_file(), "`{c}` names {}", config.display());
        }
    }
    assert!(yml.contains("run: cargo install --path . --locked"));
    let config = tierscope::config::Config::load(Some(Path::new(CONFIG))).unwrap();
    for (key, dir) in [
        (
            "baseline",
            config.baseline.unwrap().parent().unwrap().to_path_buf(),
        ),
        ("history", config.history.unwrap()),
    ] {
        let cached = format!("path: {}", dir.display());
        assert!(
            yml.matches(&cached).count() == 2,
            "the snippet restores and saves the {key} folder ({cached})"
        );
    }
}

/// The trend chart on its own: a point per day and severity, a bar per mover, placed by
/// date; one day, or a history with no finding, still draws.
#[test]
fn the_trend_chart_draws_every_day_and_mover() {
    use std::collections::BTreeMap;
    use tierscope::analysis::findings::Severity;
    use tierscope::history::{Mover, Run, Trend};
    let run = |date: &str, counts: [usize; 4]| Run {
        date: Date::parse(date).unwrap(),
        file: format!("{date}.json"),
        dataset: "d".into(),
        findings: counts.iter().sum(),
        by_severity: Severity::ALL
            .into_iter()
            .zip(counts)
            .collect::<BTreeMap<_, _>>(),
    };
    let mover = |entity: &str, first: f64, last: f64| Mover {
        entity: entity.into(),
        item: "x".into(),
        name: format!("Product of {entity}"),
        since: Date::parse("2026-01-01").unwrap(),
        first,
        last,
    };
    let trend = Trend {
        runs: vec![
            run("2026-01-01", [3, 10, 20, 40]),
            run("2026-01-02", [4, 12, 20, 38]),
            run("2026-02-15", [1, 9, 25, 30]),
        ],
        datasets: Vec::new(),
        movers: vec![mover("a", 0.2, 0.6), mover("b", 0.9, 0.5)],
    };
    let chart = tierscope::chart::render(&tierscope::chart::TrendChart::new(&trend)).unwrap();
    assert_eq!(
        (chart.name, chart.title.as_str()),
        ("trend", "Findings by severity over time: d")
    );
    assert_eq!(chart.svg.matches("opacity=\"0.999\"").count(), 3 * 4 + 2);
    for date in ["2026-01-01", "2026-02-15"] {
        assert!(chart.svg.contains(date), "{date} is named");
    }
    assert!(chart.svg.contains("20% → 60%") && chart.svg.contains("90% → 50%"));
    assert_png_bytes_are_not_blank(&chart.png);
    // The first two days are a day apart, the third six weeks on: placed by date.
    let xs: Vec<f64> = chart
        .svg
        .match_indices("<circle")
        .take(3)
        .map(|(at, _)| {
            let rest = &chart.svg[at..];
            let cx = &rest[rest.find("cx=\"").unwrap() + 4..];
            cx[..cx.find('"').unwrap()].parse().unwrap()
        })
        .collect();
    assert!(xs[1] - xs[0] < (xs[2] - xs[1]) / 20.0, "{xs:?}");
    // One day and no finding at all.
    let one = Trend {
        runs: vec![run("2026-01-01", [0, 0, 0, 0])],
        datasets: Vec::new(),
        movers: Vec::new(),
    };
    let chart = tierscope::chart::render(&tierscope::chart::TrendChart::new(&one)).unwrap();
    assert_eq!(chart.svg.matches("opacity=\"0.999\"").count(), 4);
}
