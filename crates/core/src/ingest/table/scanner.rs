//! The byte stream under the csv reader: line ends made `\n`, and records past
//! [`MAX_RECORD_BYTES`](super::MAX_RECORD_BYTES) cut short.

use super::MAX_RECORD_BYTES;
use std::io::Read;

/// A record past [`MAX_RECORD_BYTES`]: the line it starts on, and where its open quote is.
#[derive(Debug, Clone, Copy)]
pub(super) struct TooLong {
    pub(super) line: u64,
    pub(super) quote: Option<(u64, usize)>,
}

/// The byte stream the csv reader reads, with two jobs:
///
/// - it turns every line end (`\r\n`, `\r` or `\n`) into `\n`, and ends the text with one, so
///   that the csv reader counts lines the same way for every file;
/// - it follows the quoting the way the csv reader does (a `"` opens a quoted cell only at
///   the start of a cell; `""` inside is a quote), so that a quote never closed is found
///   with the line and column where it opened (the csv reader itself silently reads such a
///   cell to the end of the file), and stops a record that grows past [`MAX_RECORD_BYTES`].
pub(super) struct Scanner<R> {
    pub(super) inner: R,
    /// The last byte read was a `\r`: a `\n` right after it is dropped.
    pub(super) after_cr: bool,
    /// The last byte handed out, to add a final `\n` where it is missing.
    pub(super) last: Option<u8>,
    pub(super) finished: bool,
    /// The line of the next byte, counted on the normalised text.
    pub(super) line: u64,
    /// The cell (0-based) of the next byte within its record.
    pub(super) field: usize,
    pub(super) at_field_start: bool,
    /// Bytes of the current record so far (0: between records).
    pub(super) record_bytes: u64,
    pub(super) record_line: u64,
    /// Inside a quoted cell: where its quote is.
    pub(super) quote: Option<(u64, usize)>,
    /// A `"` inside a quoted cell was just read: it closes the cell unless another follows.
    pub(super) quote_pending: bool,
    /// At the end of the input: the quote that was never closed (line, 1-based column).
    pub(super) unclosed: Option<(u64, usize)>,
    pub(super) too_long: Option<TooLong>,
}

impl<R: Read> Scanner<R> {
    pub(super) fn new(inner: R) -> Self {
        Scanner {
            inner,
            after_cr: false,
            last: None,
            finished: false,
            line: 1,
            field: 0,
            at_field_start: true,
            record_bytes: 0,
            record_line: 1,
            quote: None,
            quote_pending: false,
            unclosed: None,
            too_long: None,
        }
    }

    /// Follows one byte of the normalised text.
    pub(super) fn track(&mut self, b: u8) {
        if self.record_bytes == 0 && b == b'\n' && self.quote.is_none() {
            // A blank line between records.
            self.line += 1;
            return;
        }
        if self.record_bytes == 0 {
            self.record_line = self.line;
        }
        self.record_bytes += 1;
        if self.quote.is_some() {
            if self.quote_pending {
                self.quote_pending = false;
                if b == b'"' {
                    return; // `""`: a quote inside the cell
                }
                self.quote = None; // the cell's quoting ended; `b` is read as unquoted
            } else {
                if b == b'"' {
                    self.quote_pending = true;
                } else if b == b'\n' {
                    self.line += 1;
                }
                return;
            }
        }
        match b {
            b',' => {
                self.field += 1;
                self.at_field_start = true;
            }
            b'\n' => {
                self.line += 1;
                self.field = 0;
                self.at_field_start = true;
                self.record_bytes = 0;
            }
            b'"' if self.at_field_start => {
                self.quote = Some((self.line, self.field + 1));
                self.at_field_start = false;
            }
            _ => self.at_field_start = false,
        }
    }
}

/// The bytes [`Scanner::track`] does more with than count: cell and line ends and quotes.
const SPECIAL: [bool; 256] = {
    let mut special = [false; 256];
    special[b',' as usize] = true;
    special[b'"' as usize] = true;
    special[b'\n' as usize] = true;
    special[b'\r' as usize] = true;
    special
};

impl<R: Read> Read for Scanner<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if buf.is_empty() || self.finished {
            return Ok(0);
        }
        if self.too_long.is_some() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "row too long",
            ));
        }
        loop {
            let n = self.inner.read(buf)?;
            if n == 0 {
                self.finished = true;
                let out = if self.last.is_some_and(|b| b != b'\n') {
                    buf[0] = b'\n';
                    self.track(b'\n');
                    1
                } else {
                    0
                };
                if !self.quote_pending {
                    self.unclosed = self.quote;
                }
                return Ok(out);
            }
            let mut kept = 0;
            let mut i = 0;
            while i < n {
                // Fast path: a run of bytes that are not `,`, `"` or a line end only moves
                // the counters (what `track` does for each of them, done once for the run).
                if !self.quote_pending {
                    let start = i;
                    while i < n && !SPECIAL[usize::from(buf[i])] {
                        i += 1;
                    }
                    if i > start {
                        buf.copy_within(start..i, kept);
                        kept += i - start;
                        self.after_cr = false;
                        if self.record_bytes == 0 {
                            self.record_line = self.line;
                        }
                        self.record_bytes += (i - start) as u64;
                        if self.quote.is_none() {
                            self.at_field_start = false;
                        }
                        continue;
                    }
                }
                let b = buf[i];
                i += 1;
                if self.after_cr && b == b'\n' {
                    self.after_cr = false;
                    continue;
                }
                self.after_cr = b == b'\r';
                let b = if b == b'\r' { b'\n' } else { b };
                buf[kept] = b;
                kept += 1;
                self.track(b);
            }
            if self.record_bytes > MAX_RECORD_BYTES {
                // The bytes read so far go out; the next read fails.
                self.too_long = Some(TooLong {
                    line: self.record_line,
                    quote: self.quote,
                });
            }
            if kept > 0 {
                self.last = Some(buf[kept - 1]);
                return Ok(kept);
            }
        }
    }
}

pub(super) fn read_up_to(input: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match input.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}
