//! Federated risk profiles on disk: the JSON file, Ed25519 keys and signatures.
//!
//! A signature covers the profile's *canonical bytes*: the compact JSON tierscope writes for
//! the profile with its `signature` field removed (fields in the order of
//! [`tierscope_core::profile::Profile`], numbers as serde_json writes them, which read back to
//! the same `f64`). Verification parses the file, re-serialises it without the signature and
//! checks the signature over those bytes, so a changed number, country or item fails it.

use crate::error::{Error, Result};
use ed25519_dalek::{Signer, SigningKey, Verifier, VerifyingKey};
use sha2::{Digest, Sha256};
use std::path::Path;
use tierscope_core::profile::{Profile, Signature};

/// First line word of a secret key file.
const SECRET_TAG: &str = "tierscope-ed25519-secret";
/// First line word of a public key file.
const PUBLIC_TAG: &str = "tierscope-ed25519-public";

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    let text = text.trim();
    if !text.len().is_multiple_of(2) || !text.is_ascii() {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok())
        .collect()
}

/// SHA-256 of `bytes`, hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// A public key's fingerprint: the first 16 hex digits of SHA-256 of its 32 bytes.
pub fn fingerprint(key: &VerifyingKey) -> String {
    sha256_hex(key.as_bytes())[..16].to_string()
}

/// The bytes a signature covers.
pub fn canonical_bytes(profile: &Profile) -> Vec<u8> {
    let mut unsigned = profile.clone();
    unsigned.signature = None;
    serde_json::to_vec(&unsigned).expect("a profile always serialises")
}

/// The profile file's bytes: pretty JSON and a final newline.
pub fn to_bytes(profile: &Profile) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(profile).expect("a profile always serialises");
    bytes.push(b'\n');
    bytes
}

/// Signs `profile` in place with `key`.
pub fn sign(profile: &mut Profile, key: &SigningKey) {
    let sig = key.sign(&canonical_bytes(profile));
    let public = key.verifying_key();
    profile.signature = Some(Signature {
        algorithm: "ed25519".into(),
        public_key: hex(public.as_bytes()),
        fingerprint: fingerprint(&public),
        value: hex(&sig.to_bytes()),
    });
}

/// How a profile's signature stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trust {
    /// Signed, and the signature verifies; the key's fingerprint.
    Signed(String),
    /// No signature.
    Unsigned,
}

/// Checks `profile`'s signature, and that it was made by `expected` (a fingerprint or a
/// public key in hex) when given. A signature that does not verify, or a key other than the
/// expected one, is an error naming `path`; no signature is [`Trust::Unsigned`] (an unsigned
/// profile with an expected key is an error too).
pub fn verify(profile: &Profile, path: &Path, expected: Option<&str>) -> Result<Trust> {
    let bad = |what: String| Error::Input {
        path: path.to_path_buf(),
        what,
    };
    let Some(sig) = &profile.signature else {
        return match expected {
            Some(k) => Err(bad(format!(
                "the profile is not signed (expected a signature by key {k})"
            ))),
            None => Ok(Trust::Unsigned),
        };
    };
    if sig.algorithm != "ed25519" {
        return Err(bad(format!(
            "signature algorithm `{}` is not supported (expected ed25519)",
            sig.algorithm
        )));
    }
    let key_bytes: [u8; 32] = unhex(&sig.public_key)
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| bad("signature.public_key is not 64 hex digits".into()))?;
    let key = VerifyingKey::from_bytes(&key_bytes)
        .map_err(|_| bad("signature.public_key is not an Ed25519 public key".into()))?;
    let sig_bytes: [u8; 64] = unhex(&sig.value)
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| bad("signature.value is not 128 hex digits".into()))?;
    let signature = ed25519_dalek::Signature::from_bytes(&sig_bytes);
    let print = fingerprint(&key);
    if let Some(k) = expected {
        let k = k.trim().to_ascii_lowercase();
        if k != print && k != sig.public_key.to_ascii_lowercase() {
            return Err(bad(format!(
                "the profile is signed by key {print}, not by the expected key {k}"
            )));
        }
    }
    key.verify(&canonical_bytes(profile), &signature)
        .map_err(|_| {
            bad(format!(
                "the signature by key {print} does not verify: the profile was changed after it was signed, or the signature is not over it"
            ))
        })?;
    Ok(Trust::Signed(print))
}

/// Reads a profile file: JSON errors name the line and column.
pub fn read(path: &Path) -> Result<Profile> {
    let bytes = std::fs::read(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let profile: Profile = serde_json::from_slice(&bytes).map_err(|e| Error::Input {
        path: path.to_path_buf(),
        what: format!(
            "line {}, column {}: {e} (expected a tierscope profile JSON, see schema/profile.schema.json)",
            e.line(),
            e.column()
        ),
    })?;
    let read = tierscope_core::profile::PROFILE_VERSIONS_READ;
    if !read.contains(&profile.profile_version) {
        return Err(Error::Input {
            path: path.to_path_buf(),
            what: format!(
                "profile_version {} is not supported (expected one of {})",
                profile.profile_version,
                read.map(|v| v.to_string()).join(", ")
            ),
        });
    }
    Ok(profile)
}

/// A new random signing key.
pub fn generate_key() -> Result<SigningKey> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed)
        .map_err(|e| Error::Usage(format!("cannot get random bytes for a key: {e}")))?;
    Ok(SigningKey::from_bytes(&seed))
}

/// A secret key file's text.
pub fn secret_key_text(key: &SigningKey) -> String {
    format!("{SECRET_TAG} {}\n", hex(&key.to_bytes()))
}

/// A public key file's text.
pub fn public_key_text(key: &VerifyingKey) -> String {
    format!("{PUBLIC_TAG} {}\n", hex(key.as_bytes()))
}

/// Reads a secret key file written by `tierscope keygen`.
pub fn read_secret_key(path: &Path) -> Result<SigningKey> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let bytes: Option<[u8; 32]> = text
        .trim()
        .strip_prefix(SECRET_TAG)
        .and_then(unhex)
        .and_then(|b| b.try_into().ok());
    bytes.map(|b| SigningKey::from_bytes(&b)).ok_or_else(|| Error::Input {
        path: path.to_path_buf(),
        what: format!(
            "line 1, column 1: not a secret key (expected `{SECRET_TAG} ` and 64 hex digits, as `tierscope keygen` writes)"
        ),
    })
}

/// The dataset's profile file, when it has one.
pub const PROFILES_CSV: &str = "profiles.csv";

/// Reads `dir/profiles.csv` (if any), each profile file it names (verified), and adds the
/// stand-ins to `ds`. Every bad row is collected; an unsigned profile is a warning on stderr,
/// a signature that fails is an error.
pub fn prepare(
    dir: &Path,
    ds: &mut tierscope_core::model::Dataset,
    prefer: Option<crate::cli::Prefer>,
) -> Result<Option<tierscope_core::profile::compose::Composition>> {
    use std::io::Write as _;
    use tierscope_core::profile::compose::{self, Prefer};
    let path = dir.join(PROFILES_CSV);
    if !path.exists() {
        return Ok(None);
    }
    let (requests, warnings) = requests(dir, ds, &path)?;
    let mut err = std::io::stderr().lock();
    for w in warnings {
        let _ = err.write_all(w.as_bytes());
    }
    let prefer = prefer.map(|p| match p {
        crate::cli::Prefer::Profile => Prefer::Profile,
        crate::cli::Prefer::Data => Prefer::Data,
    });
    Ok(Some(compose::prepare(
        ds,
        requests,
        prefer,
        &path,
        &sha256_hex,
    )?))
}

/// The columns of `profiles.csv`: entity, item, file and the optional key.
struct Columns {
    entity: usize,
    item: usize,
    file: usize,
    key: Option<usize>,
}

/// The rows of `profiles.csv` at `path` as requests, their profiles read and verified, and
/// the warnings to print; every bad row is collected into one error.
fn requests(
    dir: &Path,
    ds: &tierscope_core::model::Dataset,
    path: &Path,
) -> Result<(Vec<tierscope_core::profile::compose::Request>, Vec<String>)> {
    let bad = |what: String| Error::Input {
        path: path.to_path_buf(),
        what,
    };
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .map_err(|e| bad(e.to_string()))?;
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| bad(e.to_string()))?
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_ascii_lowercase())
        .collect();
    let col = |name: &str| headers.iter().position(|h| h == name);
    let (Some(entity), Some(item), Some(file)) = (col("entity"), col("item"), col("file")) else {
        return Err(bad(format!(
            "line 1: the header is `{}` (expected the columns entity, item, file and optionally key)",
            headers.join(",")
        )));
    };
    let cols = Columns {
        entity,
        item,
        file,
        key: col("key"),
    };
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let mut requests = Vec::new();
    for record in reader.records() {
        match record
            .map_err(|e| e.to_string())
            .and_then(|record| request(dir, ds, path, &cols, &record, &mut warnings))
        {
            Ok(r) => requests.push(r),
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        return Err(bad(errors.join("; ")));
    }
    Ok((requests, warnings))
}

/// One `profiles.csv` row as a request, its profile read and verified; an unsigned profile
/// adds a warning.
fn request(
    dir: &Path,
    ds: &tierscope_core::model::Dataset,
    path: &Path,
    cols: &Columns,
    record: &csv::StringRecord,
    warnings: &mut Vec<String>,
) -> std::result::Result<tierscope_core::profile::compose::Request, String> {
    let line = record.position().map_or(0, |p| p.line());
    let cell = |c: usize| record.get(c).map(str::trim).unwrap_or("");
    let (entity, item, file) = (cell(cols.entity), cell(cols.item), cell(cols.file));
    let Some(&e) = ds.entity_ix.get(entity) else {
        return Err(format!(
            "line {line}, column {}: unknown entity `{entity}` (expected an id from entities.csv)",
            cols.entity + 1
        ));
    };
    let Some(&x) = ds.item_ix.get(item) else {
        return Err(format!(
            "line {line}, column {}: unknown item `{item}` (expected an id from items.csv)",
            cols.item + 1
        ));
    };
    if file.is_empty() {
        return Err(format!(
            "line {line}, column {}: empty file (expected the profile's path relative to the dataset folder)",
            cols.file + 1
        ));
    }
    let file_path = dir.join(file);
    let profile = read(&file_path).map_err(|e| format!("line {line}: {e}"))?;
    let key = cols.key.map(cell).filter(|k| !k.is_empty());
    let signed_by = match verify(&profile, &file_path, key) {
        Ok(Trust::Signed(print)) => Some(print),
        Ok(Trust::Unsigned) => {
            warnings.push(format!(
                "warning: {}: line {line}: {file} is not signed (anyone could have written its numbers)\n",
                path.display()
            ));
            None
        }
        Err(e) => return Err(format!("line {line}: {e}")),
    };
    Ok(tierscope_core::profile::compose::Request {
        entity: e,
        item: x,
        profile,
        file: file.to_string(),
        line,
        signed_by,
    })
}

/// The text output's section on the profiles that stood in for sub-tiers (nothing when none):
/// each profile, who signed it, and what the buyer sees and does not see through it.
pub fn text_notes(uses: &[tierscope_core::profile::compose::ProfileUse], s: &mut String) {
    use crate::guard::text as t;
    use std::fmt::Write as _;
    if uses.is_empty() {
        return;
    }
    let _ = writeln!(s, "\nsupplier profiles standing in for sub-tiers:");
    for u in uses {
        let _ = writeln!(
            s,
            "  {}:{} from {} (as of {}; {}; trust policy {})",
            t(&u.entity),
            t(&u.item),
            t(&u.file),
            t(&u.as_of),
            match &u.signed_by {
                Some(k) => format!("signed by key {}", t(k)),
                None => "unsigned".into(),
            },
            if u.policy_matches {
                "matches"
            } else {
                "differs"
            }
        );
        for note in &u.notes {
            let _ = writeln!(s, "           note: {}", t(note));
        }
        if !u.approximate.is_empty() {
            let _ = writeln!(
                s,
                "           {} on a bound of it (marked approximate)",
                tierscope_core::numbers::plural(
                    u.approximate.len(),
                    "finding rests",
                    "findings rest"
                )
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tierscope_core::profile::{ItemProfile, Policy, ProfileEntity};

    fn profile() -> Profile {
        Profile {
            profile_version: 1,
            tool: "tierscope test".into(),
            rules_version: 3,
            as_of: "2026-12-07".into(),
            entity: ProfileEntity {
                id: "s".into(),
                name: "S".into(),
                country: "IN".into(),
            },
            policy: Policy {
                untrusted_countries: vec!["CN".into()],
                restricted_lists: Vec::new(),
            },
            items: vec![ItemProfile {
                item: "api".into(),
                item_name: "API".into(),
                capacity: [("CN".to_string(), 0.53), ("IN".to_string(), 0.0)].into(),
                untrusted: 0.53,
                critical_countries: vec!["IN".into()],
                coverage: 1.0,
                estimated_shares: false,
                critical_entities: Vec::new(),
            }],
            signature: None,
        }
    }

    #[test]
    fn a_signed_profile_verifies_after_a_round_trip_through_its_file() {
        let key = SigningKey::from_bytes(&[7; 32]);
        let mut p = profile();
        sign(&mut p, &key);
        let back: Profile = serde_json::from_slice(&to_bytes(&p)).unwrap();
        let print = fingerprint(&key.verifying_key());
        assert_eq!(
            verify(&back, Path::new("p.json"), Some(&print)).unwrap(),
            Trust::Signed(print)
        );
    }

    #[test]
    fn a_changed_capacity_fails_the_signature() {
        let key = SigningKey::from_bytes(&[7; 32]);
        let mut p = profile();
        sign(&mut p, &key);
        p.items[0].capacity.insert("CN".into(), 0.54);
        let err = verify(&p, Path::new("p.json"), None).unwrap_err();
        assert!(err.to_string().contains("does not verify"), "{err}");
    }

    #[test]
    fn another_key_than_the_expected_one_is_refused() {
        let mut p = profile();
        sign(&mut p, &SigningKey::from_bytes(&[7; 32]));
        let other = fingerprint(&SigningKey::from_bytes(&[8; 32]).verifying_key());
        let err = verify(&p, Path::new("p.json"), Some(&other)).unwrap_err();
        assert!(err.to_string().contains("not by the expected key"), "{err}");
        // A signature swapped in from another key's signing does not verify either.
        let mut forged = profile();
        sign(&mut forged, &SigningKey::from_bytes(&[8; 32]));
        let mut p2 = p.clone();
        p2.signature.as_mut().unwrap().value = forged.signature.unwrap().value;
        assert!(verify(&p2, Path::new("p.json"), None).is_err());
    }

    #[test]
    fn unsigned_is_a_warning_unless_a_key_is_expected() {
        assert_eq!(
            verify(&profile(), Path::new("p.json"), None).unwrap(),
            Trust::Unsigned
        );
        assert!(verify(&profile(), Path::new("p.json"), Some("ab12")).is_err());
    }

    #[test]
    fn key_files_round_trip_and_bad_ones_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let key = SigningKey::from_bytes(&[9; 32]);
        let path = dir.path().join("k");
        std::fs::write(&path, secret_key_text(&key)).unwrap();
        assert_eq!(read_secret_key(&path).unwrap().to_bytes(), key.to_bytes());
        std::fs::write(&path, "not a key").unwrap();
        assert!(read_secret_key(&path).is_err());
    }
}
