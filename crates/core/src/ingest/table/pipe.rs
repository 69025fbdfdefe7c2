//! A file's records read on a thread of their own: while the caller resolves one batch of
//! rows (ids looked up, numbers parsed, rows pushed), the next batch is tokenised, split
//! into cells and checked to be UTF-8 (`validate` of 1M supply rows 0.82-0.88 s on one
//! thread, 0.60-0.66 s on two; `benches/README.md`). The caller sees the records
//! in file order, exactly as a loop over the reader would give them, so every diagnostic is
//! made in the same order as before.

use super::scanner::{Scanner, TooLong};
use super::{next_record, unclosed_quote_in};
use std::io::Read;
use std::sync::mpsc;

/// What reading the next record gave.
pub(super) enum Event {
    /// A record, on the line it starts on, with the quote in it that never closed (if any),
    /// as UTF-8 or as the bytes that are not.
    Record {
        line: u64,
        unclosed: Option<(u64, usize)>,
        record: Result<csv::StringRecord, csv::FromUtf8Error>,
    },
    /// Reading failed (an I/O error, or a record past the size limit); nothing follows.
    Stopped {
        error: csv::Error,
        too_long: Option<TooLong>,
    },
}

/// Records handed over at a time.
const BATCH: usize = 1024;

/// Batches in flight between the threads: enough that neither waits on the other often,
/// few enough that the records held are a megabyte or two.
const IN_FLIGHT: usize = 4;

/// Runs `each` over the rest of `reader`'s records in order, read on another thread. `each`
/// may hand a record's buffer back to be read into again.
pub(super) fn records<R: Read + Send>(
    mut reader: csv::Reader<Scanner<R>>,
    mut each: impl FnMut(Event) -> Option<csv::ByteRecord>,
) {
    let (batches, received) = mpsc::sync_channel::<Vec<Event>>(IN_FLIGHT);
    let (returned, spares) = mpsc::channel::<Vec<csv::ByteRecord>>();
    std::thread::scope(|s| {
        s.spawn(move || {
            let mut spare: Vec<csv::ByteRecord> = Vec::new();
            loop {
                let mut batch = Vec::with_capacity(BATCH);
                let mut last = false;
                while batch.len() < BATCH && !last {
                    if spare.is_empty() {
                        spare = spares.try_recv().unwrap_or_default();
                    }
                    let mut raw = spare.pop().unwrap_or_default();
                    match next_record(&mut reader, &mut raw) {
                        Ok(Some((line, inside))) => batch.push(Event::Record {
                            line,
                            unclosed: unclosed_quote_in(&reader, line, inside),
                            record: csv::StringRecord::from_byte_record(raw),
                        }),
                        Ok(None) => last = true,
                        Err(error) => {
                            let too_long = reader.get_ref().too_long;
                            batch.push(Event::Stopped { error, too_long });
                            last = true;
                        }
                    }
                }
                // The caller has gone (it panicked): stop.
                if batches.send(batch).is_err() || last {
                    return;
                }
            }
        });
        for batch in received {
            let spare: Vec<csv::ByteRecord> = batch.into_iter().filter_map(&mut each).collect();
            // The reader may have finished; then the buffers are simply dropped.
            let _ = returned.send(spare);
        }
    });
}
