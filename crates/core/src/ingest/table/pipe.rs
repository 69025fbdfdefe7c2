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
const BATCH: usize = 256;

/// Batches in flight between the threads: enough that neither waits on the other often,
/// few enough that the records held stay small beside a file's text (`tests/limits.rs`
/// reads a 64 MB file in under 32 MiB; 4 batches of 1,024 long rows went over).
const IN_FLIGHT: usize = 2;

/// Runs `each` over the rest of `reader`'s records in order, read on another thread. `each`
/// may hand a record's buffer back to be read into again.
///
/// Everything the reading thread allocates (the batches, the records' buffers) comes back to
/// it and is freed there before it ends, and the reader goes back to the caller: memory a
/// thread allocated that is still in use when it ends keeps the allocator's pages of that
/// thread from being reused (at 10M supply rows, 135 MB held to the end of the run).
pub(super) fn records<R: Read + Send>(
    mut reader: csv::Reader<Scanner<R>>,
    mut each: impl FnMut(Event) -> Option<csv::ByteRecord>,
) {
    let (batches, received) = mpsc::sync_channel::<Vec<Event>>(IN_FLIGHT);
    let (returned, spares) = mpsc::channel::<Spare>();
    std::thread::scope(|s| {
        let reading = s.spawn(move || {
            let mut pool = Pool::default();
            loop {
                while let Ok(back) = spares.try_recv() {
                    pool.take_back(back);
                }
                let mut batch = pool
                    .batches
                    .pop()
                    .unwrap_or_else(|| Vec::with_capacity(BATCH));
                let last = fill(&mut reader, &mut batch, &mut pool.records);
                // The caller has gone (it panicked): stop.
                if batches.send(batch).is_err() || last {
                    break;
                }
            }
            // Wait for every batch to come back, then free them here.
            drop(batches);
            for back in spares {
                pool.take_back(back);
            }
            // Dropped by the caller: a reader that hashes what it reads records its digest
            // when dropped.
            reader
        });
        for mut batch in received {
            let records = batch.drain(..).filter_map(&mut each).collect();
            // The reader may have finished; then the buffers are simply dropped.
            let _ = returned.send((batch, records));
        }
        drop(returned);
        // (A panic of the reading thread is the caller's, as if it had read the file itself.)
        match reading.join() {
            Ok(reader) => drop(reader),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    });
}

/// A batch given back empty, and the records' buffers to read into again.
type Spare = (Vec<Event>, Vec<csv::ByteRecord>);

/// The reading thread's batches and records' buffers, to use again.
#[derive(Default)]
struct Pool {
    batches: Vec<Vec<Event>>,
    records: Vec<csv::ByteRecord>,
}

impl Pool {
    fn take_back(&mut self, (batch, records): Spare) {
        self.batches.push(batch);
        self.records.extend(records);
    }
}

/// Reads up to [`BATCH`] records into `batch`, into buffers from `spare` where there are any;
/// whether reading has ended.
fn fill<R: Read>(
    reader: &mut csv::Reader<Scanner<R>>,
    batch: &mut Vec<Event>,
    spare: &mut Vec<csv::ByteRecord>,
) -> bool {
    while batch.len() < BATCH {
        let mut raw = spare.pop().unwrap_or_default();
        match next_record(reader, &mut raw) {
            Ok(Some((line, inside))) => batch.push(Event::Record {
                line,
                unclosed: unclosed_quote_in(reader, line, inside),
                record: csv::StringRecord::from_byte_record(raw),
            }),
            Ok(None) => return true,
            Err(error) => {
                let too_long = reader.get_ref().too_long;
                batch.push(Event::Stopped { error, too_long });
                return true;
            }
        }
    }
    false
}
