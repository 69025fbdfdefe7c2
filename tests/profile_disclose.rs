//! Federated profiles (issue #19): `--disclose entities`, `entities.lei`, the `common_cause`
//! finding, what-if bounds and what the buyer's outputs say about a profile. Hand-made
//! datasets: two "independent" tier-1 suppliers of a module, each with a private dataset, and
//! a buyer that sees only the two suppliers and their profiles.

mod profile_common;

use profile_common::{ok, run};
use std::path::{Path, PathBuf};
use tierscope_core::ingest::lei;

/// An invented LEI with valid check digits.
fn invented_lei(base: &str) -> String {
    format!("{base}{}", lei::check_digits(base))
}

fn write(dir: &Path, files: &[(&str, String)]) {
    std::fs::create_dir_all(dir).unwrap();
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
}

const COUNTRIES: &str = "code,name,trust\nUS,United States,trusted\nTW,Taiwan,trusted\nKR,South Korea,trusted\nJP,Japan,trusted\nCN,China,untrusted\n";

/// A tier-1 supplier's private dataset: `s` (in `country`) makes a module from a die, all
/// from the fab `fab` (`fab_name`, `fab_country`, `fab_lei`), and a substrate, 0.3 from a
/// Korean and 0.7 from a Taiwanese maker named `tw_sub` (the Korean one's failure leaves 0.7:
/// not critical; the Taiwanese one's leaves 0.3).
fn supplier(dir: &Path, s: &str, country: &str, fab: (&str, &str, &str, &str), tw_sub: &str) {
    let (fab, fab_name, fab_country, fab_lei) = fab;
    write(
        dir,
        &[
            ("countries.csv", COUNTRIES.into()),
            (
                "entities.csv",
                format!(
                    "id,name,country,kind,restricted,recovery_days,lei\n{s},Supplier {s},{country},site,,,\n{fab},{fab_name},{fab_country},fab,,,{fab_lei}\nsub-kr,Korean Substrate Works,KR,site,,,\nsub-tw,{tw_sub},TW,site,,,\n"
                ),
            ),
            (
                "items.csv",
                "id,name,sector,critical\nmodule,Module,,\ndie,Die,,\nsubstrate,Substrate,,\n"
                    .into(),
            ),
            (
                "bom.csv",
                "item,input,quantity\nmodule,die,1\nmodule,substrate,1\n".into(),
            ),
            (
                "supply.csv",
                format!(
                    "supplier,buyer,item,share,qualified,lead_time_days\n{fab},{s},die,1,,\nsub-kr,{s},substrate,0.3,,\nsub-tw,{s},substrate,0.7,,\n"
                ),
            ),
            (
                "products.csv",
                format!("entity,item,annual_revenue,inventory_days\n{s},module,1000000,30\n"),
            ),
        ],
    );
}

/// The buyer's dataset: a US device made of a module bought half from each supplier, both
/// standing in by their profiles (`profiles/a.json`, `profiles/b.json`).
fn buyer(dir: &Path) {
    write(
        dir,
        &[
            ("countries.csv", COUNTRIES.into()),
            (
                "entities.csv",
                "id,name,country\noem-us,OEM Corp,US\na-tw,Supplier a-tw,TW\nb-kr,Supplier b-kr,KR\n".into(),
            ),
            ("items.csv", "id,name\ndevice,Device\nmodule,Module\n".into()),
            ("bom.csv", "item,input,quantity\ndevice,module,1\n".into()),
            (
                "supply.csv",
                "supplier,buyer,item,share\na-tw,oem-us,module,0.5\nb-kr,oem-us,module,0.5\n".into(),
            ),
            (
                "products.csv",
                "entity,item,annual_revenue,inventory_days\noem-us,device,5000000,20\n".into(),
            ),
            (
                "profiles.csv",
                "entity,item,file\na-tw,module,profiles/a.json\nb-kr,module,profiles/b.json\n"
                    .into(),
            ),
        ],
    );
    std::fs::create_dir_all(dir.join("profiles")).unwrap();
}

/// Both suppliers' private data, their signed disclosing profiles (a fresh key each), and the
/// buyer's dataset with them. B's fab is A's (`shared`) or another one; B's Taiwanese
/// substrate maker is A's when `same_sub` (both disclose it by name). Returns the buyer's
/// folder and the two keys' fingerprints.
fn setup(t: &Path, shared: bool, same_sub: bool) -> (PathBuf, [String; 2]) {
    let fab_lei = invented_lei("INVENTEDFAB0000001");
    let jp = ("fab-jp", "Hidden Fab KK", "JP", fab_lei.as_str());
    supplier(&t.join("a"), "a-tw", "TW", jp, "Taiwan Substrate Works");
    let other_lei = invented_lei("INVENTEDFAB0000002");
    let b_fab = if shared {
        jp
    } else {
        ("fab-cn", "Other Fab Co", "CN", other_lei.as_str())
    };
    let b_sub = if same_sub {
        "Taiwan Substrate Works"
    } else {
        "Hsinchu Substrate Co"
    };
    supplier(&t.join("b"), "b-kr", "KR", b_fab, b_sub);
    let dir = t.join("buyer");
    buyer(&dir);
    let mut prints = Vec::new();
    for (s, name) in [("a-tw", "a"), ("b-kr", "b")] {
        let key = format!("{name}.key");
        if !t.join(&key).exists() {
            ok(&run(t, &["keygen", "--out", &key]));
        }
        let out = format!("buyer/profiles/{name}.json");
        let said = ok(&run(
            t,
            &[
                "profile",
                name,
                "--entity",
                s,
                "--disclose",
                "entities",
                "--sign",
                &key,
                "--as-of",
                "2026-12-07",
                "--out",
                &out,
            ],
        ));
        let p: serde_json::Value =
            serde_json::from_slice(&std::fs::read(t.join(&out)).unwrap()).unwrap();
        let print = p["signature"]["fingerprint"].as_str().unwrap().to_string();
        assert!(said.contains(&print));
        prints.push(print);
    }
    (dir, [prints[0].clone(), prints[1].clone()])
}

fn report(t: &Path, dir: &Path) -> serde_json::Value {
    let out = ok(&run(
        t,
        &["analyze", dir.to_str().unwrap(), "--format", "json"],
    ));
    serde_json::from_str(&out).unwrap()
}

fn common_causes(r: &serde_json::Value) -> Vec<&serde_json::Value> {
    r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "common_cause")
        .collect()
}

#[test]
fn disclosure_names_only_the_critical_sub_tier_by_lei_or_name() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    setup(t, true, false);
    let text = std::fs::read_to_string(t.join("buyer/profiles/a.json")).unwrap();
    let p: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(p["profile_version"], 2);
    let disclosed = &p["items"][0]["critical_entities"];
    // The fab stops the module (by its LEI); the Taiwanese substrate maker leaves 0.3, under
    // the threshold (by name: it has no LEI); the Korean one leaves 0.7 and is not disclosed.
    let lei = invented_lei("INVENTEDFAB0000001");
    assert_eq!(
        disclosed,
        &serde_json::json!([
            {"scheme": "lei", "id": lei, "capacity": 0.0},
            {"scheme": "name", "id": "Taiwan Substrate Works", "capacity": 0.3}
        ])
    );
    for hidden in [
        "fab-jp",
        "Hidden Fab KK",
        "sub-kr",
        "Korean Substrate",
        "sub-tw",
    ] {
        assert!(!text.contains(hidden), "the profile names {hidden}");
    }
    // Only what stops it, with a threshold of 1 (nothing else is "at most 0").
    ok(&run(
        t,
        &[
            "profile",
            "a",
            "--entity",
            "a-tw",
            "--disclose",
            "entities",
            "--capacity-threshold",
            "1",
            "--out",
            "only.json",
        ],
    ));
    let only: serde_json::Value =
        serde_json::from_slice(&std::fs::read(t.join("only.json")).unwrap()).unwrap();
    assert_eq!(
        only["items"][0]["critical_entities"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // Without --disclose: nothing of the sub-tier at all.
    ok(&run(
        t,
        &["profile", "a", "--entity", "a-tw", "--out", "plain.json"],
    ));
    let plain = std::fs::read_to_string(t.join("plain.json")).unwrap();
    assert!(!plain.contains("critical_entities") && !plain.contains(&lei));
    // Valid against the published schema.
    let errors = profile_common::schema_errors(&p);
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn two_independent_suppliers_with_one_hidden_fab_are_a_common_cause() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let (dir, [ka, kb]) = setup(t, true, false);
    let r = report(t, &dir);
    let found = common_causes(&r);
    let lei = invented_lei("INVENTEDFAB0000001");
    assert_eq!(found.len(), 1, "{found:?}");
    let f = found[0];
    assert_eq!(f["subject"], format!("lei:{lei}"));
    assert_eq!(f["level"], "entity");
    assert_eq!(f["product"]["entity"], "oem-us");
    // Both halves stop: the device stops, a single point of failure one tier down.
    assert_eq!(f["metric"]["value"], 0.0);
    assert_eq!(f["severity"], "high");
    let msg = f["message"].as_str().unwrap();
    for says in [
        lei.as_str(),
        "`a-tw` and `b-kr`",
        "via a-tw's profile (profiles/a.json)",
        "via b-kr's profile (profiles/b.json)",
        &format!("signed by key {ka}"),
        &format!("signed by key {kb}"),
    ] {
        assert!(msg.contains(says), "{says}: {msg}");
    }
    // The evidence names both profiled suppliers, each on to the product.
    let starts: Vec<&str> = f["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p[0]["entity"].as_str().unwrap())
        .collect();
    assert_eq!(starts, ["a-tw", "b-kr"]);
    for p in f["evidence"].as_array().unwrap() {
        assert_eq!(p.as_array().unwrap().last().unwrap()["entity"], "oem-us");
    }
    // The report lists what each profile disclosed.
    assert_eq!(r["profiles"][0]["disclosed"][0]["id"], lei.as_str());
    // The Taiwanese substrate makers differ between the two, so only the fab is shared; and
    // Japan, the fab's country, stops the device through both profiles (exact).
    assert_eq!(r["summary"]["by_kind"]["common_cause"], 1);
    let jp = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "spof:country:JP:oem-us:device")
        .expect("Japan stops the device");
    assert!(
        jp["message"]
            .as_str()
            .unwrap()
            .contains("via b-kr's profile")
    );
}

#[test]
fn suppliers_on_different_fabs_are_no_common_cause() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let (dir, _) = setup(t, false, false);
    let r = report(t, &dir);
    assert!(common_causes(&r).is_empty(), "{:?}", common_causes(&r));
    assert_eq!(r["profiles"].as_array().unwrap().len(), 2);
}

#[test]
fn a_name_shared_in_both_disclosures_is_a_common_cause_too() {
    // With different fabs, the two suppliers still both disclose "Taiwan Substrate Works" by
    // name (0.3 left each): failing it leaves the device 30 %, a medium finding.
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let (dir, _) = setup(t, false, true);
    let r = report(t, &dir);
    let found = common_causes(&r);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["subject"], "name:Taiwan Substrate Works");
    assert!((found[0]["metric"]["value"].as_f64().unwrap() - 0.3).abs() < 1e-9);
    assert_eq!(found[0]["severity"], "medium");
}

#[test]
fn the_text_output_shows_each_profile_its_signer_and_its_notes() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let (dir, [ka, _]) = setup(t, true, false);
    let text = ok(&run(t, &["analyze", dir.to_str().unwrap()]));
    assert!(
        text.contains("supplier profiles standing in for sub-tiers:"),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "a-tw:module from profiles/a.json (as of 2026-12-07; signed by key {ka}; trust policy matches)"
        )),
        "{text}"
    );
    assert!(text.contains("note: entity and owner levels: `a-tw`'s sub-tier is out of sight"));
    assert!(text.contains("note: discloses 2 critical sub-tier entities"));
    // A country finding resting on a profile says through which one, signed by whom.
    let jp = text
        .lines()
        .find(|l| l.contains("Japan (JP) alone can stop Device of OEM Corp"))
        .expect("a Japan finding");
    assert!(
        jp.contains(&format!(
            "via a-tw's profile (profiles/a.json), signed by key {ka}"
        )),
        "{jp}"
    );
}

#[test]
fn a_what_if_failing_several_countries_through_a_profile_is_marked_approximate() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let (dir, _) = setup(t, false, false);
    let d = dir.to_str().unwrap();
    let json = |fails: &[&str]| -> serde_json::Value {
        let mut args = vec!["whatif", d, "--format", "json"];
        for f in fails {
            args.extend(["--fail", f]);
        }
        serde_json::from_str(&ok(&run(t, &args))).unwrap()
    };
    // One country: exact (Korea: B fails, A keeps 0.7).
    let one = json(&["country:KR"]);
    assert!((one["products"][0]["capacity"].as_f64().unwrap() - 0.35).abs() < 1e-9);
    assert!(one.get("approximate").is_none(), "{one}");
    assert!(one["products"][0].get("approximate").is_none());
    // Japan and Korea at once: A's profile has each alone, not both: a bound, said so.
    let two = json(&["country:JP", "country:KR"]);
    assert_eq!(two["products"][0]["approximate"], true, "{two}");
    let reasons = two["approximate"].as_array().unwrap();
    assert!(
        reasons.iter().any(|r| r
            .as_str()
            .unwrap()
            .contains("failing JP, KR at once is a bound")),
        "{reasons:?}"
    );
    let text = ok(&run(
        t,
        &["whatif", d, "--fail", "country:JP", "--fail", "country:KR"],
    ));
    assert!(text.contains("(approximate: at most this)"), "{text}");
    assert!(
        text.contains("through a-tw's profile (profiles/a.json)"),
        "{text}"
    );
    // The untrusted bloc under the profiles' own policy: exact.
    let bloc = json(&["untrusted"]);
    assert!(bloc.get("approximate").is_none(), "{bloc}");
}

#[test]
fn a_bad_lei_is_an_error_with_file_line_and_column() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let good = invented_lei("INVENTEDFAB0000001");
    let mut bad = good.clone();
    bad.replace_range(5..6, if &good[5..6] == "T" { "U" } else { "T" });
    let fab = ("fab-jp", "Hidden Fab KK", "JP", bad.as_str());
    supplier(&t.join("a"), "a-tw", "TW", fab, "Taiwan Substrate Works");
    let o = run(t, &["validate", "a"]);
    assert_eq!(o.status.code(), Some(2));
    // `validate` lists the diagnostics on stdout.
    let err = String::from_utf8_lossy(&o.stdout);
    assert!(
        // file:line:column of the cell.
        err.contains("entities.csv:3:7:"),
        "{err}"
    );
    assert!(err.contains("check digits do not match"), "{err}");
    // Lower case and a wrong length are refused too, each with what was expected.
    let fab = ("fab-jp", "Hidden Fab KK", "JP", "abc");
    supplier(&t.join("c"), "a-tw", "TW", fab, "Taiwan Substrate Works");
    let err = String::from_utf8_lossy(&run(t, &["validate", "c"]).stdout).into_owned();
    assert!(
        err.contains("3 characters long") && err.contains("ISO 17442"),
        "{err}"
    );
}

#[test]
fn a_version_1_profile_is_still_read_and_its_signature_verifies() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let (dir, _) = setup(t, false, false);
    // A's profile as version 1 wrote it: no disclosure, version 1, signed.
    let mut p: tierscope_core::profile::Profile =
        serde_json::from_slice(&std::fs::read(dir.join("profiles/a.json")).unwrap()).unwrap();
    p.profile_version = 1;
    p.items[0].critical_entities.clear();
    let key = tierscope::profile::generate_key().unwrap();
    tierscope::profile::sign(&mut p, &key);
    let path = dir.join("profiles/a.json");
    std::fs::write(&path, tierscope::profile::to_bytes(&p)).unwrap();
    let back = tierscope::profile::read(&path).unwrap();
    assert_eq!(back.profile_version, 1);
    assert!(tierscope::profile::verify(&back, &path, None).is_ok());
    let r = report(t, &dir);
    assert_eq!(r["profiles"].as_array().unwrap().len(), 2);
    // A version this build does not know is refused, naming the versions it reads.
    p.profile_version = 3;
    std::fs::write(&path, tierscope::profile::to_bytes(&p)).unwrap();
    let err = tierscope::profile::read(&path).unwrap_err().to_string();
    assert!(
        err.contains("profile_version 3 is not supported (expected one of 1, 2)"),
        "{err}"
    );
}
