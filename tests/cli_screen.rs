//! `tierscope screen` through the real binary, each run in its own temporary folder.

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};
use tempfile::TempDir;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

fn run(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tierscope"))
        .current_dir(cwd)
        .args(args)
        .output()
        .expect("the binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("stderr is UTF-8")
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("the binary exits with a code")
}

fn json(o: &Output) -> Value {
    serde_json::from_str(&stdout(o))
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", stdout(o)))
}

/// A folder with `mini/` (the dataset), `vendors.csv`, `sdn.csv` (the excerpt),
/// `csl.csv` and `watch.csv`.
fn workspace() -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mini = dir.path().join("mini");
    std::fs::create_dir(&mini).unwrap();
    for entry in std::fs::read_dir(Path::new(FIXTURES).join("mini")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), mini.join(entry.file_name())).unwrap();
    }
    for (from, to) in [
        ("screen/vendors.csv", "vendors.csv"),
        ("sdn-excerpt.csv", "sdn.csv"),
        ("screen/csl-sample.csv", "csl.csv"),
        ("screen/restricted-list.csv", "watch.csv"),
    ] {
        std::fs::copy(Path::new(FIXTURES).join(from), dir.path().join(to)).unwrap();
    }
    dir
}

fn candidate<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no candidate {id}"))
}

#[test]
fn text_gives_each_verdict_first_most_severe_first() {
    let ws = workspace();
    let o = run(
        ws.path(),
        &[
            "screen",
            "mini",
            "--vendors",
            "vendors.csv",
            "--list",
            "sdn.csv",
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.starts_with("Screening 6 candidates for mini: 4 BLOCKED, 1 REVIEW, 1 CLEAR\n"),
        "{out}"
    );
    assert!(out.contains("  sdn.csv: read as OFAC SDN CSV (no header, 12 fields); 326 rows, 184 organisations screened (117 individuals, 19 vessels, 6 aircraft not screened as vendors)\n"), "{out}");
    // Candidate headers: verdict first, most severe first.
    let verdicts: Vec<&str> = out
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|w| ["BLOCKED", "REVIEW", "CLEAR"].contains(w))
        .collect();
    assert_eq!(
        verdicts,
        [
            "BLOCKED", "BLOCKED", "BLOCKED", "BLOCKED", "REVIEW", "CLEAR"
        ]
    );
    assert!(out.contains("BLOCKED  iMaxChip Technology Co., Ltd. (imax) — CN, untrusted\n  - name matches \"IMAXCHIP TECHNOLOGY CO., LIMITED\" on SDN (sdn.csv:308, entry 46627), score 1.00\n"), "{out}");
    assert!(
        out.contains("restricted owners hold 60% of it: blocked by the 50 percent rule"),
        "{out}"
    );
    assert!(
        out.contains("REVIEW   Minority Wafer Partners (minority)"),
        "{out}"
    );
    assert!(
        out.contains("Microcontroller of OEM Corp (oem-us:chip): removes SPOF entity ga-cn (doubtful: its input Silicon wafer: all 2 known sources depend on Gallium Refinery (ga-cn)), owner parent-jp (doubtful: its input Photoresist: the only known source, Resist Chemical (resist-jp), belongs to Parent Holdings (parent-jp)), country CN (doubtful: its input Silicon wafer: all 2 known sources depend on CN), country JP (doubtful: its input Photoresist: the only known source, Resist Chemical (resist-jp), is in JP), all untrusted suppliers (doubtful: its input Silicon wafer: all 2 known sources depend on untrusted suppliers); untrusted exposure 100% -> 70%"),
        "{out}"
    );
    assert!(out.contains("\nQualify these first:"), "{out}");
    assert!(
        out.contains("  1. Wafer GmbH (wafer-de) -> OEM Corp (oem-us): die (supply.csv line 10): 5 SPOFs removed, 0 added"),
        "{out}"
    );
    // The warning-free fixture prints no warnings section.
    assert!(!out.contains("Warnings:"), "{out}");
}

#[test]
fn json_has_verdicts_matches_ownership_chains_and_impact() {
    let ws = workspace();
    let o = run(
        ws.path(),
        &[
            "screen",
            "mini",
            "--vendors",
            "vendors.csv",
            "--list",
            "sdn.csv",
            "--format",
            "json",
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let r = json(&o);
    assert_eq!(r["schema_version"], 1);
    assert_eq!(r["dataset"], "mini");
    assert_eq!(r["settings"]["threshold"], 0.88);
    assert_eq!(r["settings"]["block_threshold"], 0.97);
    assert_eq!(
        r["summary"],
        serde_json::json!({"candidates": 6, "blocked": 4, "review": 1, "clear": 1, "not_screened": 0})
    );
    // A name match against the dataset's own restricted.csv, with the reason.
    let galref = candidate(&r, "galref");
    assert_eq!(galref["verdict"], "BLOCKED");
    let m = &galref["matches"][0];
    assert_eq!(m["format"], "restricted-csv");
    assert_eq!(m["entity"], "ga-cn");
    assert_eq!(m["score"], 1.0);
    assert_eq!(m["strength"], "strong");
    assert_eq!(
        m["why"][0],
        "exact after normalisation (legal form `co ltd` ignored)"
    );
    // A name match against the SDN excerpt.
    let imax = candidate(&r, "imax");
    let m = &imax["matches"][0];
    assert_eq!(
        (&m["format"], &m["entry_id"], &m["line"]),
        (
            &Value::from("ofac-sdn"),
            &Value::from("46627"),
            &Value::from(308)
        )
    );
    assert_eq!(m["programs"], serde_json::json!(["RUSSIA-EO14024"]));
    // The 50 percent rule through ownership.csv's restricted owner ...
    let mfab = candidate(&r, "mfab-trading");
    assert_eq!(mfab["verdict"], "BLOCKED");
    assert_eq!(mfab["ownership"]["restricted_share"], 0.6);
    assert_eq!(mfab["ownership"]["chain"][0]["owner"], "parent-cn");
    assert_eq!(mfab["ownership"]["chain"][0]["status"], "restricted");
    // ... and through another candidate that matched the SDN list.
    let sub = candidate(&r, "imax-sub");
    assert_eq!(sub["verdict"], "BLOCKED");
    let link = &sub["ownership"]["chain"][0];
    assert_eq!(
        (&link["owner"], &link["owner_kind"], &link["share"]),
        (
            &Value::from("imax"),
            &Value::from("candidate"),
            &Value::from(1.0)
        )
    );
    // A restricted minority stake is a review, not a block.
    let minority = candidate(&r, "minority");
    assert_eq!(minority["verdict"], "REVIEW");
    assert_eq!(minority["ownership"]["restricted_share"], 0.3);
    // A clear vendor with two proposals; the first removes the chip's five SPOFs.
    let diewerk = candidate(&r, "diewerk");
    assert_eq!(diewerk["verdict"], "CLEAR");
    assert!(diewerk.get("ownership").is_none());
    let proposals = diewerk["proposals"].as_array().unwrap();
    assert_eq!(proposals.len(), 2);
    assert_eq!(
        (&proposals[0]["buyer"], &proposals[0]["item"]),
        (&Value::from("oem-us"), &Value::from("die"))
    );
    assert_eq!(proposals[0]["shares"]["share"], 0.3);
    assert_eq!(proposals[0]["shares"]["existing_scaled_by"], 0.7);
    let chip = &proposals[0]["impact"]["products"][0];
    assert_eq!(
        (&chip["entity"], &chip["item"]),
        (&Value::from("oem-us"), &Value::from("chip"))
    );
    let removed: Vec<String> = chip["spofs_removed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            format!(
                "{}:{}",
                s["level"].as_str().unwrap(),
                s["subject"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        removed,
        [
            "entity:ga-cn",
            "owner:parent-jp",
            "country:CN",
            "country:JP",
            "untrusted:untrusted"
        ]
    );
    assert_eq!(chip["exposure_before"], 1.0);
    assert_eq!(chip["exposure_after"], 0.7);
    assert_eq!(proposals[0]["impact"]["delta"]["spofs_removed"], 5);
    // The blocked vendor's own supply removes SPOFs but not the untrusted one: it is
    // restricted itself, so exposure stays at 100%.
    let sub_chip = &sub["proposals"][0]["impact"]["products"][0];
    assert!(
        !sub_chip["spofs_removed"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["level"] == "untrusted")
    );
    // Qualify these first: the one alternate, ranked.
    let alt = &r["alternates"][0];
    assert_eq!(
        (
            &alt["rank"],
            &alt["supplier"],
            &alt["buyer"],
            &alt["item"],
            &alt["line"]
        ),
        (
            &Value::from(1),
            &Value::from("wafer-de"),
            &Value::from("oem-us"),
            &Value::from("die"),
            &Value::from(10)
        )
    );
    assert_eq!(alt["impact"]["delta"]["spofs_removed"], 5);
    assert!(r["warnings"].as_array().unwrap().is_empty());
}

#[test]
fn csv_has_one_row_per_candidate_and_match() {
    let ws = workspace();
    let o = run(
        ws.path(),
        &[
            "screen",
            "mini",
            "--vendors",
            "vendors.csv",
            "--list",
            "sdn.csv",
            "--format",
            "csv",
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = stdout(&o);
    let mut reader = csv::Reader::from_reader(out.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header, tierscope::screen::render::CSV_COLUMNS);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let summary: Vec<(&str, &str, &str)> = rows.iter().map(|r| (&r[0], &r[3], &r[4])).collect();
    assert_eq!(
        summary,
        [
            ("galref", "BLOCKED", "name"),
            ("mfab-trading", "BLOCKED", "ownership"),
            ("minority", "REVIEW", "ownership"),
            ("imax", "BLOCKED", "name"),
            ("imax-sub", "BLOCKED", "ownership"),
            ("diewerk", "CLEAR", ""),
        ]
    );
    let imax = &rows[3];
    assert_eq!(&imax[5], "1.000");
    assert_eq!(&imax[8], "ofac-sdn");
    assert_eq!(&imax[10], "46627");
    assert_eq!(&imax[11], "IMAXCHIP TECHNOLOGY CO., LIMITED");
}

#[test]
fn list_formats_are_told_from_the_content_and_said() {
    let ws = workspace();
    std::fs::write(
        ws.path().join("probe.csv"),
        "id,name,country\n\
         zph,ZPH Shenzhen,CN\n\
         doe,\"Doe, John\",US\n\
         reem,Reem Pharmaceutical,SY\n\
         nw,Northwind Precision Components Ltd,CN\n\
         star,Example Star,IR\n",
    )
    .unwrap();
    // A dataset without SY and IR: use CN for all.
    let probe = std::fs::read_to_string(ws.path().join("probe.csv"))
        .unwrap()
        .replace(",SY\n", ",CN\n")
        .replace(",IR\n", ",CN\n");
    std::fs::write(ws.path().join("probe.csv"), probe).unwrap();
    let args = [
        "screen",
        "mini",
        "--vendors",
        "probe.csv",
        "--list",
        "sdn.csv",
        "--list",
        "csl.csv",
        "--list",
        "watch.csv",
    ];
    let o = run(ws.path(), &args);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = stdout(&o);
    for line in [
        "  mini/restricted.csv: read as restricted.csv (tierscope format); 2 rows, 2 organisations screened\n",
        "  sdn.csv: read as OFAC SDN CSV (no header, 12 fields); 326 rows",
        "  csl.csv: read as US Consolidated Screening List CSV; 5 rows, 3 organisations screened (1 individual, 1 vessel not screened as vendors)\n",
        "  watch.csv: read as restricted.csv (tierscope format); 2 rows, 2 organisations screened\n",
    ] {
        assert!(out.contains(line), "missing {line:?} in\n{out}");
    }
    let o = run(ws.path(), &[&args[..], &["--format", "json"]].concat());
    let r = json(&o);
    let formats: Vec<&str> = r["lists"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["format"].as_str().unwrap())
        .collect();
    assert_eq!(
        formats,
        ["restricted-csv", "ofac-sdn", "csl", "restricted-csv"]
    );
    // A CSL alias (alt_names, `;`-separated) matches.
    let zph = &candidate(&r, "zph")["matches"][0];
    assert_eq!(
        (&zph["format"], &zph["alias"], &zph["entry_name"]),
        (
            &Value::from("csl"),
            &Value::from("alt_names"),
            &Value::from("Zenith Photonics Holdings Co., Ltd.")
        )
    );
    // The same party on two lists is found on both.
    let reem: Vec<&str> = candidate(&r, "reem")["matches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["format"].as_str().unwrap())
        .collect();
    assert_eq!(reem, ["ofac-sdn", "csl"]);
    // Individuals and vessels are not matched against vendors.
    assert_eq!(candidate(&r, "doe")["verdict"], "CLEAR");
    assert_eq!(candidate(&r, "star")["verdict"], "CLEAR");
    // A restricted.csv-format --list is matched like the others.
    let nw = &candidate(&r, "nw")["matches"][0];
    assert_eq!(nw["source"], "Internal watch list");
    assert_eq!(candidate(&r, "nw")["verdict"], "BLOCKED");
}

#[test]
fn a_bad_candidates_file_lists_every_error_with_its_position_and_exits_2() {
    let ws = workspace();
    std::fs::write(
        ws.path().join("bad.csv"),
        "id,name,country,owner,owner_share,item,buyer,share\n\
         a,Alpha Ltd,XX,,,,,\n\
         b,Beta Ltd,DE,,,wafr,oem-us,0.5\n\
         c,Gamma Ltd,DE,,,die,oem-uss,50%\n\
         d,Delta Ltd,DE,nobody,0.6,,,\n\
         e,Epsilon Ltd,DE,,,die,,\n\
         oem-us,Omega Ltd,DE,,,,,\n\
         f,,DE,,,,,\n",
    )
    .unwrap();
    let o = run(ws.path(), &["screen", "mini", "--vendors", "bad.csv"]);
    assert_eq!(code(&o), 2, "{}", stdout(&o));
    assert!(stdout(&o).is_empty());
    let err = stderr(&o);
    for want in [
        "bad.csv:2:3: error[unknown-country]: `country` is `XX`, neither in countries.csv nor an ISO 3166-1 alpha-2 code",
        "bad.csv:3:6: error[unknown-reference]: `item` names unknown item `wafr` (expected an id defined in items.csv; did you mean `wafer`?)",
        "bad.csv:4:7: error[unknown-reference]: `buyer` names unknown entity `oem-uss`",
        "bad.csv:4:8: error[bad-value]: `share` is `50%`, a percentage",
        "bad.csv:5:4: error[unknown-reference]: `owner` names unknown entity `nobody`",
        "bad.csv:6:6: error[incomplete-proposal]: `item` is given without `buyer`",
        "bad.csv:7:1: error[duplicate-id]: candidate id `oem-us` is already an entity in entities.csv",
        "bad.csv:8:2: error[empty-required-cell]: required cell `name` is empty",
    ] {
        assert!(err.contains(want), "missing {want:?} in\n{err}");
    }
    assert!(
        err.trim_end().ends_with("error: bad.csv has 8 errors"),
        "{err}"
    );
}

#[test]
fn owner_cycles_and_missing_columns_are_errors() {
    let ws = workspace();
    std::fs::write(
        ws.path().join("cycle.csv"),
        "id,name,country,owner\nx,X Ltd,DE,y\ny,Y Ltd,DE,x\n",
    )
    .unwrap();
    let o = run(ws.path(), &["screen", "mini", "--vendors", "cycle.csv"]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("cycle.csv:2: error[ownership-cycle]"),
        "{}",
        stderr(&o)
    );
    std::fs::write(ws.path().join("cols.csv"), "id,title\nx,X Ltd\n").unwrap();
    let o = run(ws.path(), &["screen", "mini", "--vendors", "cols.csv"]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains(
            "cols.csv:1: error[missing-column]: missing required columns `name`, `country`"
        ),
        "{}",
        stderr(&o)
    );
}

#[test]
fn unreadable_or_unrecognised_lists_exit_2() {
    let ws = workspace();
    // A list that does not exist.
    let o = run(
        ws.path(),
        &[
            "screen",
            "mini",
            "--vendors",
            "vendors.csv",
            "--list",
            "missing.csv",
        ],
    );
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("cannot read missing.csv"),
        "{}",
        stderr(&o)
    );
    // A list whose format cannot be told.
    std::fs::write(ws.path().join("odd.csv"), "a,b,c\n1,2,3\n").unwrap();
    let o = run(
        ws.path(),
        &[
            "screen",
            "mini",
            "--vendors",
            "vendors.csv",
            "--list",
            "odd.csv",
        ],
    );
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("odd.csv: error[list-format]: cannot tell the list's format"),
        "{}",
        stderr(&o)
    );
    // An SDN file with a broken row: reported with its line, all at once.
    let mut sdn = std::fs::read(ws.path().join("sdn.csv")).unwrap();
    let broken = b"99999,\"BROKEN ROW\",-0- ,\"X\"\r\n";
    let at = sdn.windows(2).position(|w| w == b"\r\n").unwrap() + 2;
    sdn.splice(at..at, broken.iter().copied());
    std::fs::write(ws.path().join("sdn-bad.csv"), sdn).unwrap();
    let o = run(
        ws.path(),
        &[
            "screen",
            "mini",
            "--vendors",
            "vendors.csv",
            "--list",
            "sdn-bad.csv",
        ],
    );
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains(
            "sdn-bad.csv:2: error[field-count]: row has 4 fields (expected the SDN file's 12"
        ),
        "{}",
        stderr(&o)
    );
    // A missing candidates file.
    let o = run(ws.path(), &["screen", "mini", "--vendors", "nope.csv"]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("nope.csv: no such file"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn thresholds_are_checked_and_change_what_matches() {
    let ws = workspace();
    for bad in [
        &["--threshold", "1.5"][..],
        &["--threshold", "0.9", "--block-threshold", "0.8"][..],
    ] {
        let o = run(
            ws.path(),
            &[&["screen", "mini", "--vendors", "vendors.csv"][..], bad].concat(),
        );
        assert_eq!(code(&o), 2, "{bad:?}");
        assert!(stderr(&o).starts_with("error: --"), "{}", stderr(&o));
    }
    // A plural is a strong match and a doubled letter a possible one at the default
    // thresholds; neither reaches 0.99.
    std::fs::write(
        ws.path().join("typo.csv"),
        "id,name,country\nk,Krasnoznamensk Semiconductor Factory Arsenal,CN\nr,Reeem Pharmaceutical,CN\n",
    )
    .unwrap();
    let screen = |extra: &[&str]| {
        let o = run(
            ws.path(),
            &[
                &[
                    "screen",
                    "mini",
                    "--vendors",
                    "typo.csv",
                    "--list",
                    "sdn.csv",
                    "--format",
                    "json",
                ][..],
                extra,
            ]
            .concat(),
        );
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        json(&o)
    };
    let r = screen(&[]);
    assert_eq!(candidate(&r, "k")["verdict"], "BLOCKED");
    assert_eq!(candidate(&r, "r")["verdict"], "REVIEW");
    assert_eq!(candidate(&r, "r")["matches"][0]["strength"], "possible");
    // A higher threshold does not hide a name that holds every word of a listed one: the
    // containment rule keeps it at REVIEW, and says so.
    let r = screen(&["--threshold", "0.99", "--block-threshold", "0.995"]);
    for id in ["k", "r"] {
        let c = candidate(&r, id);
        assert_eq!(c["verdict"], "REVIEW", "{c}");
        assert_eq!(
            c["matches"][0]["why"][0],
            "all words of the candidate are in the listed name"
        );
    }
    std::fs::write(
        ws.path().join("typo.csv"),
        "id,name,country\nk,Krasnoznamensk Foundry,CN\n",
    )
    .unwrap();
    let r = screen(&["--threshold", "0.99", "--block-threshold", "0.995"]);
    assert_eq!(candidate(&r, "k")["verdict"], "CLEAR");
}

#[test]
fn a_proposal_that_changes_nothing_is_a_warning_not_an_error() {
    let ws = workspace();
    std::fs::write(
        ws.path().join("noop.csv"),
        "name,country,item,buyer\nGallium Supply GmbH,DE,gallium,oem-us\n",
    )
    .unwrap();
    let o = run(ws.path(), &["screen", "mini", "--vendors", "noop.csv"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("Warnings:\n  noop.csv:2: warning[no-effect]: `oem-us` makes nothing that needs `gallium`"),
        "{out}"
    );
    // The candidate without an id is named after its line.
    assert!(out.contains("Gallium Supply GmbH (candidate-2)"), "{out}");
}

#[test]
fn a_candidate_in_a_country_outside_the_dataset_is_screened_with_a_warning() {
    let ws = workspace();
    std::fs::write(
        ws.path().join("hk.csv"),
        "id,name,country,item,buyer,share\n\
         hk,Harbour Wafer Ltd,HK,wafer,fab-cn,0.5\n\
         il,Negev Resist Ltd,IL,,,\n",
    )
    .unwrap();
    let args = ["screen", "mini", "--vendors", "hk.csv", "--format", "json"];
    let o = run(ws.path(), &args);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let r = json(&o);
    let hk = candidate(&r, "hk");
    assert_eq!(hk["verdict"], "CLEAR");
    assert_eq!(hk["country"], "HK");
    assert_eq!(hk["country_trust"], "neutral");
    assert_eq!(
        hk["country_note"],
        "not in countries.csv (Hong Kong): added for the screening as neutral"
    );
    // Its proposal is measured like any other: a new country group of its own.
    assert!(
        !hk["proposals"][0]["impact"]["products"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert_eq!(candidate(&r, "il")["country_trust"], "neutral");
    let warnings = r["warnings"].to_string();
    assert!(warnings.contains("country-not-in-dataset"), "{warnings}");
    assert!(
        warnings.contains("country `HK` (Hong Kong) is not in countries.csv"),
        "{warnings}"
    );
    // --untrust accepts any ISO code for screening, and the trust carries to the candidate.
    let o = run(ws.path(), &[&args[..], &["--untrust", "HK"]].concat());
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let r = json(&o);
    assert_eq!(candidate(&r, "hk")["country_trust"], "untrusted");
    assert_eq!(
        candidate(&r, "hk")["country_note"],
        "not in countries.csv (Hong Kong): added for the screening as untrusted"
    );
    // The text and CSV say so too.
    let text = stdout(&run(ws.path(), &args[..4]));
    assert!(
        text.contains("country HK: not in countries.csv (Hong Kong)"),
        "{text}"
    );
    let csv = stdout(&run(
        ws.path(),
        &[&args[..4], &["--format", "csv"]].concat(),
    ));
    assert!(
        csv.contains("not in countries.csv (Hong Kong): added for the screening as neutral"),
        "{csv}"
    );
    // A code that is not ISO 3166-1 is still refused by --untrust.
    let o = run(ws.path(), &[&args[..], &["--untrust", "ZZ"]].concat());
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("ZZ"), "{}", stderr(&o));
}

#[test]
fn a_bad_candidate_row_among_good_ones_leaves_the_others_screened() {
    let ws = workspace();
    std::fs::write(
        ws.path().join("mixed.csv"),
        "id,name,country,owner\n\
         ok1,Die Werk Europa GmbH,DE,\n\
         bad,Broken Ltd,ZZ,\n\
         ok2,\"iMaxChip Technology Co., Ltd.\",CN,\n\
         orphan,Orphan Ltd,DE,bad\n",
    )
    .unwrap();
    let o = run(
        ws.path(),
        &[
            "screen",
            "mini",
            "--vendors",
            "mixed.csv",
            "--list",
            "sdn.csv",
            "--format",
            "json",
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let r = json(&o);
    assert_eq!(r["summary"]["candidates"], 2);
    assert_eq!(r["summary"]["not_screened"], 2);
    assert_eq!(candidate(&r, "ok2")["verdict"], "BLOCKED");
    let errors = r["errors"].as_array().unwrap();
    assert_eq!(errors[0]["line"], 3);
    assert_eq!(errors[0]["column"], 3);
    assert_eq!(errors[0]["code"], "unknown-country");
    // The orphan's owner was the bad row: left out too, and said so.
    assert!(errors.iter().any(|e| {
        e["code"] == "unknown-reference"
            && e["message"]
                .as_str()
                .unwrap()
                .contains("candidate `orphan` left out")
    }));
    let text = stdout(&run(
        ws.path(),
        &["screen", "mini", "--vendors", "mixed.csv"],
    ));
    assert!(text.starts_with("Screening 2 candidates"), "{text}");
    assert!(
        text.contains("NOT SCREENED: 2 rows or candidates of mixed.csv left out"),
        "{text}"
    );
    assert!(
        text.contains("mixed.csv:3:3: error[unknown-country]"),
        "{text}"
    );
}

#[test]
fn a_removal_whose_input_comes_only_from_the_failing_group_is_doubtful() {
    let ws = workspace();
    // A new wafer maker for fab-cn: wafers need gallium, whose only known source is ga-cn.
    std::fs::write(
        ws.path().join("ga.csv"),
        "id,name,country,item,buyer,share,input_countries\n\
         w,Wafer Newco,DE,wafer,fab-cn,0.5,\n\
         w2,Wafer Declared,DE,wafer,fab-tw,0.5,JP;DE\n",
    )
    .unwrap();
    let o = run(
        ws.path(),
        &["screen", "mini", "--vendors", "ga.csv", "--format", "json"],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let r = json(&o);
    let impact = &candidate(&r, "w")["proposals"][0]["impact"];
    let die = impact["products"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["entity"] == "fab-cn")
        .unwrap();
    let removed = die["spofs_removed"].as_array().unwrap();
    let ga = removed.iter().find(|x| x["subject"] == "ga-cn").unwrap();
    assert_eq!(
        ga["doubtful"],
        "its input Gallium: the only known source is Gallium Refinery (ga-cn)"
    );
    // A removal that does not depend on gallium stands.
    let jp = removed.iter().find(|x| x["subject"] == "wafer-jp").unwrap();
    assert!(jp.get("doubtful").is_none(), "{jp}");
    // Doubtful removals are counted apart and not scored.
    let d = &impact["delta"];
    assert!(d["spofs_removed_doubtful"].as_u64().unwrap() >= 2, "{d}");
    let sure: f64 = impact["products"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let sure = p["spofs_removed"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|x| x.get("doubtful").is_none())
                .count();
            p["weight"].as_f64().unwrap()
                * (sure as f64 - p["spofs_added"].as_array().unwrap().len() as f64)
        })
        .sum();
    assert!(
        (d["spof_score"].as_f64().unwrap() - sure).abs() < 1e-6,
        "{d} vs {sure}"
    );
    // A vendor that declares where its inputs come from settles the country level.
    let w2 = &candidate(&r, "w2")["proposals"][0]["impact"]["products"];
    for p in w2.as_array().unwrap() {
        for x in p["spofs_removed"].as_array().unwrap() {
            if x["level"] == "country" && x["subject"] == "CN" {
                assert!(x.get("doubtful").is_none(), "{x}");
            }
        }
    }
    let text = stdout(&run(ws.path(), &["screen", "mini", "--vendors", "ga.csv"]));
    assert!(
        text.contains("entity ga-cn (doubtful: its input Gallium: the only known source is Gallium Refinery (ga-cn))"),
        "{text}"
    );
}

#[test]
fn the_output_carries_an_audit_trail() {
    let ws = workspace();
    let o = Command::new(env!("CARGO_BIN_EXE_tierscope"))
        .current_dir(ws.path())
        .env("SOURCE_DATE_EPOCH", "1714761803")
        .args([
            "screen",
            "mini",
            "--vendors",
            "vendors.csv",
            "--list",
            "sdn.csv",
            "--list",
            "csl.csv",
            "--list-date",
            "sdn.csv=2024-05-03",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let r = json(&o);
    assert_eq!(r["screened_at"], "2024-05-03T18:43:23Z");
    assert_eq!(
        r["tool"],
        format!("tierscope {}", env!("CARGO_PKG_VERSION"))
    );
    assert_eq!(
        r["settings"]["list_dates"][0],
        serde_json::json!(["sdn.csv", "2024-05-03"])
    );
    assert_eq!(r["settings"]["analysis"]["capacity_threshold"], 0.5);
    let bytes = std::fs::read(ws.path().join("sdn.csv")).unwrap();
    let sdn = r["lists"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["path"] == "sdn.csv")
        .unwrap();
    assert_eq!(sdn["bytes"], bytes.len());
    assert_eq!(sdn["sha256"].as_str().unwrap().len(), 64);
    assert_eq!(sdn["published"], "2024-05-03");
    assert_eq!(sdn["rows"], 326);
    let csl = r["lists"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["path"] == "csl.csv")
        .unwrap();
    assert!(csl.get("published").is_none(), "{csl}");
    assert_eq!(r["candidates_file"]["path"], "vendors.csv");
    assert_eq!(r["candidates_file"]["rows"], 7);
    // The same bytes give the same digest: the digest is the file's, not the run's.
    let o2 = Command::new(env!("CARGO_BIN_EXE_tierscope"))
        .current_dir(ws.path())
        .env("SOURCE_DATE_EPOCH", "1714761803")
        .args([
            "screen",
            "mini",
            "--vendors",
            "vendors.csv",
            "--list",
            "sdn.csv",
            "--format",
            "csv",
        ])
        .output()
        .unwrap();
    let csv = stdout(&o2);
    assert!(
        csv.lines()
            .next()
            .unwrap()
            .ends_with(",list_sha256,country_note"),
        "{csv}"
    );
    assert!(csv.contains(sdn["sha256"].as_str().unwrap()), "{csv}");
    // A date that is not a calendar day, or a file that is not a --list, is a usage error.
    for bad in ["2024-02-30", "nope.csv=2024-05-03"] {
        let o = run(
            ws.path(),
            &[
                "screen",
                "mini",
                "--vendors",
                "vendors.csv",
                "--list",
                "sdn.csv",
                "--list-date",
                bad,
            ],
        );
        assert_eq!(code(&o), 2, "{bad}");
    }
}

#[test]
fn alternates_can_be_limited_to_the_best_n() {
    let ws = workspace();
    let o = run(
        ws.path(),
        &[
            "screen",
            "mini",
            "--vendors",
            "vendors.csv",
            "--alternates",
            "0",
            "--format",
            "json",
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let r = json(&o);
    assert_eq!(r["alternates_ranked"], 1);
    assert!(r["alternates"].as_array().unwrap().is_empty());
    let text = stdout(&run(
        ws.path(),
        &[
            "screen",
            "mini",
            "--vendors",
            "vendors.csv",
            "--alternates",
            "0",
        ],
    ));
    assert!(
        text.contains("(the best 0 of 1 ranked alternates; --alternates sets how many)"),
        "{text}"
    );
}
