//! The audit trail of a screening: what was screened against what, and when.
//!
//! A compliance file must show which list was used: each input file is named with its
//! SHA-256 digest and size, so that the same bytes can be found again and checked. The time
//! of the screening comes from `SOURCE_DATE_EPOCH` when it is set (a reproducible run, as
//! reproducible-builds.org defines the variable), else from the clock.

use crate::error::{Error, Result};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::Path;

/// A file's identity: its SHA-256 digest (lower-case hex) and size in bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileDigest {
    pub sha256: String,
    pub bytes: u64,
}

/// Reads a file through SHA-256, in blocks (a list can be large).
pub fn digest(path: &Path) -> Result<FileDigest> {
    let read_error = |source| Error::Read {
        path: path.to_path_buf(),
        source,
    };
    let mut file = std::fs::File::open(path).map_err(read_error)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut bytes = 0u64;
    loop {
        let n = file.read(&mut buf).map_err(read_error)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        bytes += n as u64;
    }
    let sha256 = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok(FileDigest { sha256, bytes })
}

/// The time of the screening, in seconds since 1970: `SOURCE_DATE_EPOCH` if set (it must
/// then be a whole number), else the clock.
pub fn now() -> Result<i64> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(text) => text.trim().parse::<i64>().map_err(|_| {
            Error::Usage(format!(
                "SOURCE_DATE_EPOCH is `{text}` (expected whole seconds since 1970-01-01)"
            ))
        }),
        Err(_) => Ok(std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64)),
    }
}

/// Seconds since 1970 as an RFC 3339 UTC time, `2024-05-03T18:43:23Z`.
pub fn rfc3339(secs: i64) -> String {
    let date = crate::waiver::Date::from_unix_days(secs.div_euclid(86_400));
    let rest = secs.rem_euclid(86_400);
    format!(
        "{date}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// Checks a date written `YYYY-MM-DD` (a real calendar day; the waivers' date rules).
pub fn valid_date(text: &str) -> bool {
    text.len() == 10 && crate::waiver::Date::parse(text).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_rfc3339_utc() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_714_761_803), "2024-05-03T18:43:23Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(-1), "1969-12-31T23:59:59Z");
    }

    #[test]
    fn dates_must_be_calendar_days() {
        assert!(valid_date("2024-05-03"));
        assert!(valid_date("2024-02-29"));
        assert!(!valid_date("2023-02-29"));
        assert!(!valid_date("2024-13-01"));
        assert!(!valid_date("3 May 2024"));
    }

    #[test]
    fn digest_is_sha256_of_the_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x");
        std::fs::write(&path, b"abc").unwrap();
        let d = digest(&path).unwrap();
        assert_eq!(
            d.sha256,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(d.bytes, 3);
    }
}
