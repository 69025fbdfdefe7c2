//! The worked example of issue #19 (`examples/federated/`): the biologic chain split into an
//! Indian API maker's private dataset and a US buyer's, with Biocon's signed profile passed
//! between them. Both steps run here (with a fresh key), and the buyer's country-level and
//! untrusted-level findings and capacities must equal those of the joined dataset.

mod profile_common;

use profile_common::{ok, run};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const PRODUCT: &str = "us-biotech-fictional:novel-mab-vial";

fn copy_csvs(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for f in std::fs::read_dir(from).unwrap() {
        let f = f.unwrap().path();
        if f.extension().is_some_and(|e| e == "csv") {
            std::fs::copy(&f, to.join(f.file_name().unwrap())).unwrap();
        }
    }
}

/// The joined dataset: the bundled chain with Biocon selling 0.2 of the buyer's drug
/// substance (WuXi's share 0.7 -> 0.5), as examples/federated/README.md says.
fn joined(t: &Path) -> std::path::PathBuf {
    let dir = t.join("joined");
    copy_csvs(&Path::new(ROOT).join("datasets/biologic-ingredients"), &dir);
    let supply = std::fs::read_to_string(dir.join("supply.csv")).unwrap();
    let before = "wuxi-biologics-wuxi,us-biotech-fictional,mab-drug-substance,0.7,";
    assert!(supply.contains(before));
    let supply = supply.replace(
        before,
        "wuxi-biologics-wuxi,us-biotech-fictional,mab-drug-substance,0.5,",
    ) + "biocon-bengaluru,us-biotech-fictional,mab-drug-substance,0.2,true,60\n";
    std::fs::write(dir.join("supply.csv"), supply).unwrap();
    dir
}

/// The product's country- and untrusted-level findings (and untrusted exposure): id ->
/// (metric, severity).
fn levels(report: &Value) -> BTreeMap<String, (f64, String)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            f["product"]["entity"] == "us-biotech-fictional"
                && (f["level"] == "country"
                    || f["level"] == "untrusted"
                    || f["kind"] == "untrusted_exposure")
        })
        .map(|f| {
            (
                f["id"].as_str().unwrap().to_string(),
                (
                    f["metric"]["value"].as_f64().unwrap(),
                    f["severity"].as_str().unwrap().to_string(),
                ),
            )
        })
        .collect()
}

/// The product's capacity under each country's failure and the untrusted bloc's (whatif).
fn capacities(t: &Path, dir: &Path, codes: &[String]) -> BTreeMap<String, f64> {
    let d = dir.to_str().unwrap();
    let mut fails: Vec<String> = codes.iter().map(|c| format!("country:{c}")).collect();
    fails.push("untrusted".into());
    fails
        .into_iter()
        .map(|f| {
            let out = ok(&run(t, &["whatif", d, "--fail", &f, "--format", "json"]));
            let v: Value = serde_json::from_str(&out).unwrap();
            let p = v["products"]
                .as_array()
                .unwrap()
                .iter()
                .find(|p| {
                    format!(
                        "{}:{}",
                        p["entity"].as_str().unwrap(),
                        p["item"].as_str().unwrap()
                    ) == PRODUCT
                })
                .expect("the product")
                .clone();
            assert!(p.get("approximate").is_none(), "{f}: {v}");
            (f, p["capacity"].as_f64().unwrap())
        })
        .collect()
}

#[test]
fn the_split_gives_the_buyer_the_joined_datasets_country_and_untrusted_answers() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let example = Path::new(ROOT).join("examples/federated");
    // Supplier: a fresh key, and the profile of its private dataset.
    ok(&run(t, &["keygen", "--out", "biocon.key"]));
    let buyer = t.join("buyer");
    copy_csvs(&example.join("buyer"), &buyer);
    std::fs::create_dir_all(buyer.join("profiles")).unwrap();
    let said = ok(&run(
        t,
        &[
            "profile",
            example.join("supplier").to_str().unwrap(),
            "--entity",
            "biocon-bengaluru",
            "--item",
            "mab-drug-substance",
            "--sign",
            "biocon.key",
            "--out",
            "buyer/profiles/biocon-bengaluru.json",
        ],
    ));
    let p: Value = serde_json::from_slice(
        &std::fs::read(buyer.join("profiles/biocon-bengaluru.json")).unwrap(),
    )
    .unwrap();
    let print = p["signature"]["fingerprint"].as_str().unwrap();
    assert!(said.contains(print));
    std::fs::write(
        buyer.join("profiles.csv"),
        format!("entity,item,file,key\nbiocon-bengaluru,mab-drug-substance,profiles/biocon-bengaluru.json,{print}\n"),
    )
    .unwrap();
    // Buyer: analyze; the joined dataset, analysed for the same product.
    let b = buyer.to_str().unwrap();
    let j = joined(t);
    let analyze = |d: &str| -> Value {
        let out = ok(&run(
            t,
            &[
                "analyze",
                d,
                "--product",
                PRODUCT,
                "--level",
                "country,untrusted",
                "--format",
                "json",
            ],
        ));
        serde_json::from_str(&out).unwrap()
    };
    let (got, want) = (analyze(b), analyze(j.to_str().unwrap()));
    assert_eq!(got["profiles"][0]["signed_by"], print);
    assert_eq!(got["profiles"][0]["policy_matches"], true);
    let (gl, wl) = (levels(&got), levels(&want));
    assert!(gl.len() >= 8, "{gl:?}");
    assert_eq!(gl, wl);
    assert_eq!(
        got["products"][0]["untrusted_exposure"],
        want["products"][0]["untrusted_exposure"]
    );
    // The README's numbers (notes/research-datasets.md section 4).
    for (code, keeps) in [("CN", 0.304), ("DE", 0.399), ("SE", 0.29), ("JP", 0.456)] {
        let id = format!("capacity_at_risk:country:{code}:{PRODUCT}");
        assert!((gl[&id].0 - keeps).abs() < 1e-9, "{code}: {:?}", gl[&id]);
    }
    // Capacities under every country's failure, and the untrusted bloc's: equal, none marked
    // approximate.
    let codes: Vec<String> = std::fs::read_to_string(example.join("buyer/countries.csv"))
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap().to_string())
        .collect();
    assert_eq!(capacities(t, &buyer, &codes), capacities(t, &j, &codes));
    // The buyer's text output says where the profile stands in, and who signed it.
    let text = ok(&run(t, &["analyze", b, "--level", "country,untrusted"]));
    assert!(text.contains(&format!(
        "via biocon-bengaluru's profile (profiles/biocon-bengaluru.json), signed by key {print}"
    )));
    assert!(text.contains("supplier profiles standing in for sub-tiers:"));
}

#[test]
fn the_committed_profile_verifies_with_the_committed_public_key_and_holds_todays_numbers() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let example = Path::new(ROOT).join("examples/federated");
    let path = example.join("buyer/profiles/biocon-bengaluru.json");
    let committed = tierscope::profile::read(&path).unwrap();
    let public = std::fs::read_to_string(example.join("keys/biocon-example.key.pub")).unwrap();
    let sig = committed.signature.clone().expect("signed");
    assert!(public.contains(&sig.public_key), "{public}");
    let csv = std::fs::read_to_string(example.join("buyer/profiles.csv")).unwrap();
    assert!(csv.contains(&sig.fingerprint), "{csv}");
    assert!(tierscope::profile::verify(&committed, &path, Some(&sig.fingerprint)).is_ok());
    // No secret key is committed.
    for f in std::fs::read_dir(example.join("keys")).unwrap() {
        let text = std::fs::read_to_string(f.unwrap().path()).unwrap();
        assert!(!text.contains("secret"), "{text}");
    }
    // Its numbers are those of the supplier's dataset today, and of the joined one.
    let j = joined(t);
    for (name, dir) in [("supplier", example.join("supplier")), ("joined", j)] {
        let out = format!("{name}.json");
        ok(&run(
            t,
            &[
                "profile",
                dir.to_str().unwrap(),
                "--entity",
                "biocon-bengaluru",
                "--item",
                "mab-drug-substance",
                "--as-of",
                &committed.as_of,
                "--out",
                &out,
            ],
        ));
        let fresh = tierscope::profile::read(&t.join(&out)).unwrap();
        assert_eq!(fresh.items, committed.items, "{name}");
        assert_eq!(fresh.policy, committed.policy, "{name}");
    }
    // The committed buyer dataset is the test's, so `analyze` runs on it as it stands.
    let out = ok(&run(
        t,
        &[
            "analyze",
            example.join("buyer").to_str().unwrap(),
            "--level",
            "country",
        ],
    ));
    assert!(out.contains(&format!("signed by key {}", sig.fingerprint)));
}
