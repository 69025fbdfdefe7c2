//! Characters an id may not hold.
//!
//! Ids are quoted everywhere: in finding ids, baselines and waivers, on terminals, in
//! spreadsheets, Markdown and XML. A control character in an id would act on those readers (an
//! ESC that hides the text after it, a U+202E that reverses it, a line feed that starts a line
//! of its own), and two ids that differ only in an invisible character look like one. So an
//! id that holds one is an error at validation, with where it is and the id without it. Names
//! and other text may hold them: every output escapes them (`crate::guard`).

use crate::diag::{At, Diagnostics};

/// Whether a terminal, a text viewer or a bidi-aware renderer would act on `c` rather than
/// show it: C0 controls (tab and line feed included), DEL, C1 controls, the bidi embeddings,
/// overrides and isolates (U+202A-U+202E, U+2066-U+2069), the bidi marks (U+200E, U+200F,
/// U+061C) and the Unicode line and paragraph separators (U+2028, U+2029).
pub fn is_control_char(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}'
                | '\u{200e}'
                | '\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
                | '\u{2028}'
                | '\u{2029}'
        )
}

/// `text` with each control character written as `\x1b` or `\u{202e}`.
fn shown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if is_control_char(c) {
            let code = u32::from(c);
            if code < 0x100 {
                out.push_str(&format!("\\x{code:02x}"));
            } else {
                out.push_str(&format!("\\u{{{code:x}}}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Reports `id` (a `what` defined at `at`) when it holds a control character: an error naming
/// the first one and its position (in characters, from 1), with the id without them as the
/// suggestion. Returns whether it did.
pub fn check(id: &str, what: &str, at: At<'_>, diags: &mut Diagnostics) -> bool {
    let Some((pos, c)) = id.chars().enumerate().find(|(_, c)| is_control_char(*c)) else {
        return false;
    };
    let count = id.chars().filter(|c| is_control_char(*c)).count();
    let cleaned: String = id.chars().filter(|c| !is_control_char(*c)).collect();
    let cleaned = cleaned.trim();
    let suggestion = if cleaned.is_empty() {
        "an id of printable characters".to_string()
    } else {
        format!("e.g. `{cleaned}`")
    };
    diags.error(
        "control-character",
        at,
        format!(
            "{what} `{}` holds the control character U+{:04X} at character {}{} (expected printable characters only: terminals, spreadsheets and report readers act on control characters; use {suggestion})",
            shown(id),
            u32::from(c),
            pos + 1,
            if count > 1 {
                format!(" and {} more", count - 1)
            } else {
                String::new()
            }
        ),
    );
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_with_a_control_character_is_an_error_with_its_position_and_a_suggestion() {
        let mut diags = Diagnostics::new();
        assert!(check(
            "fab\u{1b}[8m-tw",
            "entity",
            At::cell("entities.csv", 3, 1),
            &mut diags
        ));
        assert!(!check(
            "fab-tw: plant/2 %",
            "entity",
            At::file("x"),
            &mut diags
        ));
        let all = diags.into_vec();
        assert_eq!(all.len(), 1);
        let d = &all[0];
        assert_eq!((d.line, d.column), (Some(3), Some(1)));
        assert_eq!(
            d.message,
            "entity `fab\\x1b[8m-tw` holds the control character U+001B at character 4 (expected printable characters only: terminals, spreadsheets and report readers act on control characters; use e.g. `fab[8m-tw`)"
        );
        assert!(!d.message.chars().any(is_control_char));
    }

    #[test]
    fn bidi_overrides_c1_and_del_count_as_control_characters() {
        for c in [
            '\u{202e}', '\u{2066}', '\u{85}', '\u{9b}', '\u{7f}', '\n', '\t', '\0',
        ] {
            assert!(is_control_char(c), "{c:?}");
        }
        for c in ['a', ' ', '%', ':', '/', 'é', '台', '\u{a0}'] {
            assert!(!is_control_char(c), "{c:?}");
        }
    }
}
