//! The cell types of the dataset files: numbers, shares and yes/no, read by one rule.

/// Parses a number as an analyst would write it, refusing what would be misread.
pub fn number(text: &str) -> Result<f64, String> {
    if text.ends_with('%') {
        return Err(format!(
            "`{text}`, a percentage (expected a plain number: write 50% as 0.5)"
        ));
    }
    if text.contains(',') {
        return Err(format!(
            "`{text}`, which has a comma (expected a plain number with a dot as decimal separator and no thousands separator)"
        ));
    }
    match text.parse::<f64>() {
        Ok(v) if !v.is_finite() => {
            Err(format!("`{text}`, not a finite number (expected a number)"))
        }
        Ok(v) if v.abs() > MAX_NUMBER => Err(format!(
            "`{text}`, too large (expected a number of at most 1e15 in size)"
        )),
        // -0 is 0, so that it prints as 0 (adding 0.0 turns -0 into 0, and nothing else).
        Ok(v) => Ok(v + 0.0),
        Err(_) => Err(format!("`{text}`, not a number (expected a number)")),
    }
}

/// The largest number accepted (in size): more than any revenue, quantity or number of days,
/// and small enough that products of a few such numbers (revenue at risk) stay finite.
pub const MAX_NUMBER: f64 = 1e15;

/// A share: a number in (0, 1].
pub fn share(text: &str) -> Result<f64, String> {
    let v = number(text)?;
    if v <= 0.0 || v > 1.0 {
        return Err(format!(
            "{text}, outside (0, 1] (expected a fraction above 0 and at most 1, e.g. 0.25)"
        ));
    }
    Ok(v)
}

/// A number that is zero or more (days, money).
pub fn non_negative(text: &str) -> Result<f64, String> {
    let v = number(text)?;
    if v < 0.0 {
        return Err(format!("{text}, negative (expected a number >= 0)"));
    }
    Ok(v)
}

/// A number above zero (a BOM quantity).
pub fn positive(text: &str) -> Result<f64, String> {
    let v = number(text)?;
    if v <= 0.0 {
        return Err(format!("{text}, not above zero (expected a number > 0)"));
    }
    Ok(v)
}

/// A boolean: true/false, yes/no, 1/0, in any case.
pub fn boolean(text: &str) -> Result<bool, String> {
    match text.to_ascii_lowercase().as_str() {
        "true" | "yes" | "1" => Ok(true),
        "false" | "no" | "0" => Ok(false),
        _ => Err(format!(
            "`{text}`, not a boolean (expected true/false, yes/no or 1/0)"
        )),
    }
}
