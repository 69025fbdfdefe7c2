//! Legal Entity Identifiers (ISO 17442), the optional `entities.lei` column.
//!
//! An LEI is 20 characters, upper-case letters and digits, the last two being check digits
//! (ISO 7064 MOD 97-10, as an IBAN's): read with letters as numbers (A = 10 ... Z = 35), the
//! whole code is 1 modulo 97. A supplier's profile may disclose a critical sub-tier entity by
//! its LEI (`tierscope profile --disclose entities`), so the code is checked on reading.

/// `text` as an LEI, or why it is not one (for a `bad-value` diagnostic).
pub fn parse(text: &str) -> Result<String, String> {
    let expected =
        "expected an ISO 17442 LEI: 20 upper-case letters and digits, the last two check digits";
    if text.len() != 20 {
        return Err(format!(
            "`{text}`, {} characters long ({expected})",
            text.chars().count()
        ));
    }
    if let Some(c) = text
        .chars()
        .find(|c| !(c.is_ascii_uppercase() || c.is_ascii_digit()))
    {
        return Err(format!("`{text}`, which has `{c}` ({expected})"));
    }
    if !text[18..].bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "`{text}`, whose last two characters are not digits ({expected})"
        ));
    }
    if mod97(text) != 1 {
        return Err(format!(
            "`{text}`, whose check digits do not match: mistyped? ({expected}, the code being 1 modulo 97)"
        ));
    }
    Ok(text.to_string())
}

/// The code modulo 97, letters read as numbers (A = 10 ... Z = 35). `code` is ASCII upper-case
/// letters and digits.
fn mod97(code: &str) -> u32 {
    code.bytes().fold(0u32, |acc, b| {
        let v = u32::from(if b.is_ascii_digit() {
            b - b'0'
        } else {
            b - b'A' + 10
        });
        if v >= 10 {
            (acc * 100 + v) % 97
        } else {
            (acc * 10 + v) % 97
        }
    })
}

/// The check digits that make the 18-character `base` a valid LEI (for tests and examples).
pub fn check_digits(base: &str) -> String {
    let r = mod97(&format!("{base}00"));
    format!("{:02}", 98 - r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_leis_pass_and_a_changed_character_fails() {
        // Apple Inc.'s LEI in the GLEIF register.
        let lei = "HWUPKR0MPOU8FGXBT394";
        assert_eq!(parse(lei).as_deref(), Ok(lei));
        let err = parse("HWUPKR0MPOU8FGXBT395").unwrap_err();
        assert!(err.contains("check digits do not match"), "{err}");
        assert!(
            parse("HWUPKR0MPOU8FGXBT39")
                .unwrap_err()
                .contains("19 characters")
        );
        assert!(
            parse("hwupkr0mpou8fgxbt394")
                .unwrap_err()
                .contains("has `h`")
        );
        assert!(
            parse("HWUPKR0MPOU8FGXBT3A4")
                .unwrap_err()
                .contains("not digits")
        );
    }

    #[test]
    fn check_digits_make_any_base_valid() {
        for base in [
            "INVENTED0000000001",
            "ZZZZZZZZZZZZZZZZZZ",
            "000000000000000000",
        ] {
            let lei = format!("{base}{}", check_digits(base));
            assert_eq!(parse(&lei).as_deref(), Ok(lei.as_str()));
        }
    }
}
