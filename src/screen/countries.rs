//! Candidate countries outside the dataset.
//!
//! A vendor being screened is often in a country that today's supply chain does not touch,
//! so `countries.csv` does not list it. For screening, any ISO 3166-1 alpha-2 code is a
//! country: one that `countries.csv` lacks is added to the dataset for the screening, with
//! the trust `--untrust`/`--trust` give it, else `neutral`, and every output says so. Only a
//! code that is neither in `countries.csv` nor in ISO 3166-1 is an error.
//!
//! The ISO 3166-1 table is the `celes` crate's (the assigned alpha-2 codes, and `XK` for
//! Kosovo). Codes are upper case, as ISO writes them: `hk` is not a code.
//!
//! Adding a country that no entity is in changes no finding of the analysis: a country group
//! without members stops nothing.

use crate::error::{Error, Result};
use crate::model::{Country, CountryIx, Dataset, Trust};

/// The English name of an ISO 3166-1 alpha-2 code (upper case), `None` if it is not one.
pub fn iso_name(code: &str) -> Option<&'static str> {
    if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
        return None;
    }
    celes::Country::from_alpha2(code).ok().map(|c| c.long_name)
}

/// Adds a country that `countries.csv` does not list; returns its index. `code` must be an
/// ISO 3166-1 alpha-2 code (see [`iso_name`]), written as given.
pub fn add(ds: &mut Dataset, code: &str, trust: Trust) -> CountryIx {
    if let Some(&ix) = ds.country_ix.get(code) {
        return ix;
    }
    let ix = CountryIx(ds.countries.len() as u32);
    ds.countries.push(Country {
        code: code.to_string(),
        name: iso_name(code).map(str::to_string),
        trust,
        governance: None,
    });
    ds.country_ix.insert(code.to_string(), ix);
    ix
}

/// Applies `--untrust` and `--trust` for screening. A code in `countries.csv` has its trust
/// overridden; an ISO 3166-1 code that `countries.csv` lacks is added with that trust (a
/// vendor there gets it); any other code is a usage error naming it.
pub fn apply_trust(ds: &mut Dataset, untrust: &[String], trust: &[String]) -> Result<()> {
    if let Some(code) = untrust.iter().find(|c| trust.contains(c)) {
        return Err(Error::Usage(format!(
            "country {code} is in both --untrust and --trust (expected it in one)"
        )));
    }
    let all = untrust
        .iter()
        .map(|c| (c, Trust::Untrusted))
        .chain(trust.iter().map(|c| (c, Trust::Trusted)));
    let mut bad = Vec::new();
    for (code, t) in all {
        match ds.country_ix.get(code.as_str()) {
            Some(&ix) => ds.countries[ix.ix()].trust = t,
            None if iso_name(code).is_some() => {
                add(ds, code, t);
            }
            None => bad.push(code.as_str()),
        }
    }
    if !bad.is_empty() {
        return Err(Error::Usage(format!(
            "unknown country {} {} in --untrust/--trust (expected a code from countries.csv or an ISO 3166-1 alpha-2 code such as HK)",
            if bad.len() == 1 { "code" } else { "codes" },
            bad.join(", ")
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_codes_are_known_and_others_are_not() {
        assert_eq!(iso_name("HK"), Some("Hong Kong"));
        assert_eq!(iso_name("IL"), Some("Israel"));
        assert!(iso_name("ZZ").is_none());
        assert!(iso_name("hk").is_none(), "ISO codes are upper case");
        assert!(iso_name("USA").is_none());
        assert!(iso_name("").is_none());
    }

    #[test]
    fn trust_flags_add_iso_countries_and_refuse_others() {
        let mut ds = Dataset::default();
        add(&mut ds, "CN", Trust::Neutral);
        apply_trust(&mut ds, &["CN".into(), "HK".into()], &["IL".into()]).unwrap();
        let trust = |c: &str| ds.countries[ds.country_ix[c].ix()].trust;
        assert_eq!(trust("CN"), Trust::Untrusted);
        assert_eq!(trust("HK"), Trust::Untrusted);
        assert_eq!(trust("IL"), Trust::Trusted);
        let err = apply_trust(&mut ds, &["ZZ".into()], &[]).unwrap_err();
        assert!(err.to_string().contains("ZZ"), "{err}");
        assert!(apply_trust(&mut ds, &["HK".into()], &["HK".into()]).is_err());
    }
}
