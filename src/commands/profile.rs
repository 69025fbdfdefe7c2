//! `tierscope profile`: a supplier's federated risk profile; `tierscope keygen`: a signing key.

use super::analyze::split;
use crate::error::{EXIT_OK, Error, Result};
use crate::ingest::limits;
use crate::profile;
use crate::report::write::{OutFile, write_all};
use crate::settings::Settings;
use std::io::Write;
use std::path::{Path, PathBuf};
use tierscope_core::profile::Disclose;

/// What `profile` was asked for.
pub struct Options<'a> {
    pub entity: &'a str,
    pub item: Option<&'a str>,
    pub out: &'a Path,
    pub sign: Option<&'a Path>,
    pub as_of: Option<&'a str>,
    /// `--disclose entities`.
    pub disclose: bool,
    /// `--capacity-threshold` (default: the settings').
    pub capacity_threshold: Option<f64>,
}

pub fn run(settings: &Settings, opts: &Options<'_>, out: &mut dyn Write) -> Result<i32> {
    let key = opts.sign.map(profile::read_secret_key).transpose()?;
    let as_of = match opts.as_of {
        Some(text) => crate::waiver::Date::parse(text)
            .ok_or_else(|| {
                Error::Usage(format!(
                    "--as-of `{text}` is not a date (expected YYYY-MM-DD)"
                ))
            })?
            .to_string(),
        None => settings.as_of.date.to_string(),
    };
    let (ds, graph) = settings.load(limits::LOAD)?;
    let entity = tierscope_core::analysis::find_entity(&ds, opts.entity)?;
    let item = match opts.item {
        Some(id) => Some(*ds.item_ix.get(id).ok_or_else(|| {
            Error::Usage(format!(
                "unknown item `{id}` (expected an id from items.csv)"
            ))
        })?),
        None => None,
    };
    let disclose = disclose(settings, opts)?;
    let mut p = tierscope_core::profile::build(
        &ds,
        &graph,
        entity,
        item,
        &as_of,
        &profile::sha256_hex,
        disclose,
    )?;
    if let Some(key) = &key {
        profile::sign(&mut p, key);
    }
    let (dir, name) = split(opts.out)?;
    write_all(
        dir,
        &[OutFile {
            path: PathBuf::from(name),
            bytes: profile::to_bytes(&p),
        }],
    )?;
    let signed = match &p.signature {
        Some(s) => format!(", signed by key {}", s.fingerprint),
        None => ", unsigned".into(),
    };
    let line = format!(
        "wrote the profile of {} ({} item(s){signed}) to {}\n",
        p.entity.id,
        p.items.len(),
        opts.out.display()
    );
    super::emit_text(out, &line)?;
    Ok(EXIT_OK)
}

/// What `--disclose entities` reveals: entities whose failure leaves at most 1 - the capacity
/// threshold.
fn disclose(settings: &Settings, opts: &Options<'_>) -> Result<Option<Disclose>> {
    let threshold = opts
        .capacity_threshold
        .unwrap_or(settings.analysis.capacity_threshold);
    if !(0.0..=1.0).contains(&threshold) {
        return Err(Error::Usage(format!(
            "the capacity threshold is {threshold} (expected a number from 0 to 1)"
        )));
    }
    Ok(opts.disclose.then_some(Disclose {
        at_most: 1.0 - threshold,
    }))
}

/// Writes a new key pair: the secret key to `path`, the public key to `path.pub`. Refuses to
/// overwrite a key.
pub fn keygen(path: &Path, out: &mut dyn Write) -> Result<i32> {
    let public_path = PathBuf::from(format!("{}.pub", path.display()));
    for p in [path, public_path.as_path()] {
        if p.exists() {
            return Err(Error::Usage(format!(
                "{} exists (expected a new file name: keygen never overwrites a key)",
                p.display()
            )));
        }
    }
    let key = profile::generate_key()?;
    let (dir, name) = split(path)?;
    let public_name = format!("{}.pub", name.to_string_lossy());
    // The secret key goes to a temporary file tempfile creates readable by its owner only
    // (0600 on Unix), moved into place without replacing a file that appeared meanwhile: it
    // is never readable by others, half-written, or written over another key.
    let write_err = |source: std::io::Error| Error::Write {
        path: path.to_path_buf(),
        source,
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(write_err)?;
    tmp.write_all(profile::secret_key_text(&key).as_bytes())
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(write_err)?;
    tmp.persist_noclobber(path)
        .map_err(|e| write_err(e.error))?;
    write_all(
        dir,
        &[OutFile {
            path: PathBuf::from(public_name),
            bytes: profile::public_key_text(&key.verifying_key()).into_bytes(),
        }],
    )?;
    let line = format!(
        "wrote the secret key to {} and the public key to {} (fingerprint {})\n",
        path.display(),
        public_path.display(),
        profile::fingerprint(&key.verifying_key())
    );
    super::emit_text(out, &line)?;
    Ok(EXIT_OK)
}
