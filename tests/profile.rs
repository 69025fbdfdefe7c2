//! Federated risk profiles (issue #19), supplier side: `tierscope profile` and `keygen`.

mod common;
mod profile_common;

use common::oracle::Oracle;
use profile_common::{code, run, stderr};
use proptest::prelude::*;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Output;
use tierscope::analysis::paths::Upstream;
use tierscope::graph::ProductionGraph;
use tierscope::model::{Dataset, EntityIx};
use tierscope_core::profile::{self, Profile};

const DATASETS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/datasets");

/// Every entity upstream of `s`'s production nodes, `s` left out: its sub-tier.
fn sub_tier(ds: &Dataset, g: &ProductionGraph, s: EntityIx) -> BTreeSet<EntityIx> {
    let mut search = Upstream::new(g);
    let mut out = BTreeSet::new();
    for (&(e, _), &n) in &g.node_of {
        if e == s {
            search.run(g, n);
            out.extend(search.order.iter().map(|&m| g.node(m).entity));
        }
    }
    out.remove(&s);
    let _ = ds;
    out
}

/// Runs `profile` on Biocon in `src` signed with `key` into `out`; its output and profile.
fn signed_profile(
    cwd: &Path,
    src: &str,
    item: Option<&str>,
    key: &str,
    out: &str,
) -> (Output, Profile) {
    let mut args = vec![
        "profile",
        src,
        "--entity",
        "biocon-bengaluru",
        "--sign",
        key,
        "--out",
        out,
    ];
    if let Some(item) = item {
        args.extend(["--item", item]);
    }
    let o = run(cwd, &args);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let p = serde_json::from_slice(&std::fs::read(cwd.join(out)).unwrap()).unwrap();
    (o, p)
}

fn no_digest(_: &[u8]) -> String {
    "0".repeat(64)
}

#[test]
fn the_biocon_profile_holds_the_worked_example_numbers_and_no_sub_tier_id_or_name() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = format!("{DATASETS}/biologic-ingredients");
    let out = run(
        tmp.path(),
        &[
            "profile",
            &dir,
            "--entity",
            "biocon-bengaluru",
            "--item",
            "mab-drug-substance",
            "--as-of",
            "2026-12-07",
            "--out",
            "biocon.json",
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let bytes = std::fs::read(tmp.path().join("biocon.json")).unwrap();
    let text = String::from_utf8(bytes).unwrap();
    let ds = tierscope::ingest::load(Path::new(&dir)).unwrap().dataset;
    let g = ProductionGraph::build(&ds);
    let hidden = sub_tier(&ds, &g, ds.entity_ix["biocon-bengaluru"]);
    assert!(
        hidden.len() >= 15,
        "the sub-tier is mapped: {}",
        hidden.len()
    );
    for e in hidden {
        let ent = ds.entity(e);
        assert!(!text.contains(&ent.id), "the profile names {}", ent.id);
        assert!(!text.contains(&ent.name), "the profile names {}", ent.name);
    }
    let p: Profile = serde_json::from_str(&text).unwrap();
    let item = p.item("mab-drug-substance").unwrap();
    let cap = |c: &str| item.capacity[c];
    // The numbers of notes/research-datasets.md section 4, from `whatif` on the full data.
    for (c, v) in [
        ("US", 0.20),
        ("DE", 0.395),
        ("JP", 0.47),
        ("FR", 0.5),
        ("CN", 0.53),
        ("SE", 0.4),
        ("GB", 0.75),
        ("IN", 0.0),
    ] {
        assert!((cap(c) - v).abs() < 1e-9, "{c}: {}", cap(c));
    }
    assert!((item.untrusted - 0.53).abs() < 1e-9);
    assert_eq!(item.critical_countries, ["IN"]);
    assert_eq!(p.policy.untrusted_countries, ["CN", "HK", "RU"]);
    assert_eq!(p.as_of, "2026-12-07");
    // Valid against the published schema.
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let errors = profile_common::schema_errors(&json);
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn bad_requests_are_exit_2_with_a_clear_error_and_write_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = format!("{DATASETS}/biologic-ingredients");
    for (args, says) in [
        (
            vec!["--entity", "no-such-firm"],
            "unknown entity `no-such-firm`",
        ),
        (
            vec!["--entity", "biocon-bengaluru", "--item", "no-such-item"],
            "unknown item `no-such-item`",
        ),
        (
            vec!["--entity", "biocon-bengaluru", "--item", "crude-heparin"],
            "does not make item `crude-heparin`",
        ),
        (
            vec!["--entity", "biocon-bengaluru", "--as-of", "2026-13-40"],
            "is not a date",
        ),
        (
            vec!["--entity", "biocon-bengaluru", "--sign", "missing.key"],
            "missing.key",
        ),
    ] {
        let mut all = vec!["profile", dir.as_str(), "--out", "p.json"];
        all.extend(args);
        let out = run(tmp.path(), &all);
        assert_eq!(code(&out), 2, "{all:?}");
        assert!(stderr(&out).contains(says), "{all:?}: {}", stderr(&out));
        assert!(!tmp.path().join("p.json").exists());
    }
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0);
}

#[test]
fn keygen_then_sign_gives_a_profile_with_the_key_fingerprint() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = format!("{DATASETS}/biologic-ingredients");
    let out = run(tmp.path(), &["keygen", "--out", "s.key"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let public = std::fs::read_to_string(tmp.path().join("s.key.pub")).unwrap();
    assert!(public.starts_with("tierscope-ed25519-public "));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(tmp.path().join("s.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(
            mode & 0o077,
            0,
            "the secret key is readable by others: {mode:o}"
        );
    }
    // keygen never overwrites a key.
    let again = run(tmp.path(), &["keygen", "--out", "s.key"]);
    assert_eq!(code(&again), 2);
    assert!(stderr(&again).contains("never overwrites"));
    let (out, p) = signed_profile(tmp.path(), &dir, None, "s.key", "p.json");
    let sig = p.signature.clone().expect("signed");
    assert!(String::from_utf8_lossy(&out.stdout).contains(&sig.fingerprint));
    assert!(public.contains(&sig.public_key));
    assert_eq!(
        tierscope::profile::verify(&p, Path::new("p.json"), Some(&sig.fingerprint)).unwrap(),
        tierscope::profile::Trust::Signed(sig.fingerprint)
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// On random datasets, every number of a profile is the brute-force oracle's capacity of
    /// the node with that country (or the untrusted bloc) failed, every country left out leaves
    /// it at 1, and no sub-tier id or name is in the file.
    #[test]
    fn profile_numbers_equal_the_oracle_and_name_no_sub_tier(
        seed in any::<u64>(), size in 0usize..10, requirements in any::<bool>()
    ) {
        let files = common::random_dataset(seed, common::Shape::small_or_requirements(size, requirements));
        let ds = common::load(&files);
        let g = ProductionGraph::build(&ds);
        let oracle = Oracle::new(&ds);
        let makers: BTreeSet<EntityIx> = g.node_of.keys().map(|&(e, _)| e).collect();
        for s in makers {
            let p = profile::build(&ds, &g, s, None, "2026-12-07", &no_digest, None).unwrap();
            for ip in &p.items {
                let x = ds.item_ix[&ip.item];
                for c in &ds.countries {
                    let ci = ds.country_ix[&c.code];
                    let want = oracle.caps(&|e| ds.entity(e).country == ci)[&(s, x)];
                    let got = ip.capacity.get(&c.code).copied().unwrap_or(1.0);
                    prop_assert!((want - got).abs() < 1e-9, "{} {}: {want} vs {got}", ip.item, c.code);
                    prop_assert_eq!(ip.critical_countries.contains(&c.code), want <= 1e-12);
                }
                let want = oracle.caps(&|e| g.parties.untrusted[e.ix()] && e != s)[&(s, x)];
                prop_assert!((want - ip.untrusted).abs() < 1e-9);
            }
            // No sub-tier id (E<n>) or name (Firm <n>) as a token once S's own are removed.
            let text = serde_json::to_string(&p).unwrap();
            let text = text.replace(&format!("\"{}\"", p.entity.name), "\"\"");
            let tokens: BTreeSet<&str> = text
                .split(|ch: char| !ch.is_ascii_alphanumeric())
                .collect();
            for e in sub_tier(&ds, &g, s) {
                let ent = ds.entity(e);
                prop_assert!(!tokens.contains(ent.id.as_str()) || ent.id == p.entity.id, "{} in {text}", ent.id);
                prop_assert!(!text.contains(&ent.name), "{} in {text}", ent.name);
            }
        }
    }
}

/// The buyer's dataset: the bundled biologic chain with Biocon selling drug substance to the
/// US biotech, and `profiles.csv` naming Biocon's profile (written by `setup`).
fn buyer(tmp: &Path, key_column: &str) -> std::path::PathBuf {
    let dir = tmp.join("buyer");
    std::fs::create_dir_all(dir.join("profiles")).unwrap();
    for f in std::fs::read_dir(format!("{DATASETS}/biologic-ingredients")).unwrap() {
        let f = f.unwrap().path();
        if f.extension().is_some_and(|e| e == "csv") {
            std::fs::copy(&f, dir.join(f.file_name().unwrap())).unwrap();
        }
    }
    let supply = std::fs::read_to_string(dir.join("supply.csv")).unwrap();
    let supply = supply.replace(
        "wuxi-biologics-wuxi,us-biotech-fictional,mab-drug-substance,0.7,",
        "wuxi-biologics-wuxi,us-biotech-fictional,mab-drug-substance,0.5,",
    ) + "biocon-bengaluru,us-biotech-fictional,mab-drug-substance,0.2,true,60\n";
    std::fs::write(dir.join("supply.csv"), supply).unwrap();
    std::fs::write(
        dir.join("profiles.csv"),
        format!("entity,item,file,key\nbiocon-bengaluru,mab-drug-substance,profiles/biocon.json,{key_column}\n"),
    )
    .unwrap();
    dir
}

#[test]
fn a_buyer_uses_a_signed_profile_and_refuses_a_tampered_one_or_another_key() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    assert_eq!(code(&run(t, &["keygen", "--out", "biocon.key"])), 0);
    assert_eq!(code(&run(t, &["keygen", "--out", "other.key"])), 0);
    let src = format!("{DATASETS}/biologic-ingredients");
    let (_, p) = signed_profile(
        t,
        &src,
        Some("mab-drug-substance"),
        "biocon.key",
        "biocon.json",
    );
    let print = p.signature.clone().unwrap().fingerprint;
    let dir = buyer(t, &print);
    let text = std::fs::read_to_string(t.join("biocon.json")).unwrap();
    std::fs::write(dir.join("profiles/biocon.json"), &text).unwrap();
    let d = dir.to_str().unwrap();
    let args = [
        "analyze",
        d,
        "--prefer",
        "profile",
        "--level",
        "country,untrusted",
        "--format",
        "json",
    ];
    let out = run(t, &args);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["profiles"][0]["signed_by"], print.as_str());
    // Without --prefer, Biocon's own supply rows clash with its profile: exit 2 naming both.
    let out = run(t, &args[..2]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("supply.csv line") && stderr(&out).contains("profiles.csv line 2"),
        "{}",
        stderr(&out)
    );
    // One capacity changed after signing: refused.
    let tampered = text.replacen("\"CN\": 0.53", "\"CN\": 0.63", 1);
    assert_ne!(tampered, text);
    std::fs::write(dir.join("profiles/biocon.json"), &tampered).unwrap();
    let out = run(t, &args);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("does not verify"), "{}", stderr(&out));
    // Signed by another key than profiles.csv expects: refused.
    let other = run(
        t,
        &[
            "profile",
            &src,
            "--entity",
            "biocon-bengaluru",
            "--sign",
            "other.key",
            "--out",
            "other.json",
        ],
    );
    assert_eq!(code(&other), 0);
    std::fs::copy(t.join("other.json"), dir.join("profiles/biocon.json")).unwrap();
    let out = run(t, &args);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("not by the expected key"),
        "{}",
        stderr(&out)
    );
    // Unsigned, no key expected: a warning, and the run goes on.
    let dir = buyer(t, "");
    let out = run(
        t,
        &[
            "profile",
            &src,
            "--entity",
            "biocon-bengaluru",
            "--out",
            "buyer/profiles/biocon.json",
        ],
    );
    assert_eq!(code(&out), 0);
    let out = run(
        t,
        &[
            "analyze",
            dir.to_str().unwrap(),
            "--prefer",
            "profile",
            "--level",
            "country",
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stderr(&out).contains("is not signed"), "{}", stderr(&out));
}
