//! `report.json`: byte for byte what `serde_json::to_writer_pretty` writes, with the long
//! arrays (products, concentration rows, root causes and findings) formatted on every core.
//!
//! Why: the long arrays are nearly all of a large report's bytes (`benches/README.md` has the
//! sizes and times), and formatting them on one core was a large share of `analyze` (a hub
//! has tens of thousands of products, a wide BOM as many root causes as findings).
//! Everything else is small and serialized as usual with the arrays left empty; each array is
//! then formatted in chunks in parallel,
//! each element pretty-printed in place at its depth, and spliced in where its
//! `[]` stood. While one batch of chunks is written, the next is formatted.

use crate::analysis::findings::Finding;
use crate::analysis::rootcause::RootCause;
use crate::analysis::{
    Asymmetry, ConcentrationRow, CountryDependency, ProductSummary, ReportSummary, Settings,
};
use crate::baseline::{BaselineInfo, Change, OldFinding, Status};
use crate::gate::{Marks, Reviewed};
use crate::identity::InputIdentity;
use crate::waiver::{Waiver, WaiverReport};
use rayon::prelude::*;
use serde::Serialize;
use serde_json::ser::Formatter;
use std::io::{self, Write};
use tierscope_core::profile::compose::ProfileUse;

/// `report.json` as one value: the core report's fields in their order, each finding with the
/// gate's marks, then the gate's own parts. [`write`] writes the same bytes faster.
#[derive(Serialize)]
struct Whole<'a> {
    schema_version: u32,
    rules_version: u32,
    tool: &'a str,
    dataset: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    input: Option<&'a InputIdentity>,
    #[serde(skip_serializing_if = "Option::is_none")]
    context: Option<&'a super::context::Context>,
    settings: &'a Settings,
    summary: &'a ReportSummary,
    products: &'a [ProductSummary],
    country_dependency: &'a CountryDependency,
    asymmetry: &'a Asymmetry,
    concentration: &'a [ConcentrationRow],
    /// Absent when there are none.
    #[serde(skip_serializing_if = "Option::is_none")]
    root_causes: Option<&'a [RootCause]>,
    findings: MarkedFindings<'a>,
    #[serde(skip_serializing_if = "<[ProfileUse]>::is_empty")]
    profiles: &'a [ProfileUse],
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline: Option<&'a BaselineInfo>,
    #[serde(skip_serializing_if = "<[OldFinding]>::is_empty")]
    resolved: &'a [OldFinding],
    #[serde(skip_serializing_if = "no_waivers")]
    waivers: &'a WaiverReport,
}

fn no_waivers(w: &&WaiverReport) -> bool {
    w.is_empty()
}

impl<'a> Whole<'a> {
    /// The whole report, or with `arrays` false its head: the long arrays left empty.
    fn of(report: &'a Reviewed, arrays: bool) -> Whole<'a> {
        let marks = &report.marks;
        Whole {
            schema_version: report.schema_version,
            rules_version: report.rules_version,
            tool: &report.tool,
            dataset: &report.dataset,
            input: report.input.as_ref(),
            context: report.context.as_ref(),
            settings: &report.settings,
            summary: &report.summary,
            products: if arrays { &report.products } else { &[] },
            country_dependency: &report.country_dependency,
            asymmetry: &report.asymmetry,
            concentration: if arrays { &report.concentration } else { &[] },
            root_causes: (!report.root_causes.is_empty())
                .then(|| if arrays { &report.root_causes[..] } else { &[] }),
            findings: MarkedFindings {
                findings: if arrays { &report.findings } else { &[] },
                marks,
            },
            profiles: &report.profiles,
            baseline: marks.baseline(),
            resolved: marks.resolved(),
            waivers: &marks.waivers,
        }
    }
}

/// The findings with the gate's marks, as a JSON array.
struct MarkedFindings<'a> {
    findings: &'a [Box<Finding>],
    marks: &'a Marks,
}

impl Serialize for MarkedFindings<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.findings.iter().map(|f| Marked::of(f, self.marks)))
    }
}

/// A finding with the gate's marks, as it stands in report.json: its own fields, then
/// `status`, `change` and `previous` (a kind changed since the baseline) and `waiver` where
/// they apply.
#[derive(Serialize)]
struct Marked<'a> {
    #[serde(flatten)]
    finding: &'a Finding,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<Status>,
    #[serde(skip_serializing_if = "Option::is_none")]
    change: Option<Change>,
    #[serde(skip_serializing_if = "Option::is_none")]
    previous: Option<Previous<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    waiver: Option<&'a Waiver>,
}

/// The baseline's finding that a finding was, of another kind or severity.
#[derive(Serialize)]
struct Previous<'a> {
    id: &'a str,
    kind: &'a str,
    severity: crate::analysis::findings::Severity,
    metric: PreviousMetric<'a>,
}

#[derive(Serialize)]
struct PreviousMetric<'a> {
    name: &'a str,
    value: f64,
}

impl<'a> Marked<'a> {
    fn of(finding: &'a Finding, marks: &'a Marks) -> Marked<'a> {
        Marked {
            finding,
            status: marks.status(finding),
            change: marks.change(finding).map(|(c, _)| c),
            previous: marks.previous(finding).map(|p| Previous {
                id: p.id,
                kind: p.kind,
                severity: p.severity,
                metric: PreviousMetric {
                    name: p.metric,
                    value: p.value,
                },
            }),
            waiver: marks.waiver(finding),
        }
    }
}

/// The whole report.json as one value, for `serde_json` (what [`write`](fn@write) must equal).
impl Serialize for Reviewed {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        Whole::of(self, true).serialize(s)
    }
}

/// Writes the report as `serde_json::to_writer_pretty` would, then a newline.
pub fn write(report: &Reviewed, out: &mut dyn Write) -> io::Result<()> {
    let head = serde_json::to_vec_pretty(&Whole::of(report, false)).map_err(io::Error::other)?;
    type Body<'r> = &'r dyn Fn(&mut dyn Write) -> io::Result<()>;
    // In the order of the report's keys; root causes are absent when there are none.
    let arrays: [(&[u8], bool, Body<'_>); 4] = [
        (b"products", true, &|o| write_array(&report.products, o)),
        (b"concentration", true, &|o| {
            write_array(&report.concentration, o)
        }),
        (b"root_causes", !report.root_causes.is_empty(), &|o| {
            write_array(&report.root_causes, o)
        }),
        (b"findings", true, &|o| write_findings(report, o)),
    ];
    let mut from = 0;
    for (key, present, body) in arrays {
        if !present {
            continue;
        }
        let at = from + splice_point(&head[from..], key)?;
        out.write_all(&head[from..at])?;
        body(out)?;
        from = at + 2;
    }
    out.write_all(&head[from..])?;
    out.write_all(b"\n")
}

/// The findings, with the gate's marks where there are any.
fn write_findings(report: &Reviewed, out: &mut dyn Write) -> io::Result<()> {
    if report.marks.is_empty() {
        // Nothing to mark: the findings as they are, without the wrapper.
        write_array(&report.findings, out)
    } else {
        // Each finding with its marks as it is formatted: a list of them beside the findings
        // would be another 90 bytes a finding.
        write_array_of(&report.findings, |f| Marked::of(f, &report.marks), out)
    }
}

/// The offset in `head` of the `[]` that stands for the top-level array `key`. Top-level
/// keys are the only lines indented by exactly two spaces, and JSON strings hold no raw
/// newline, so the marker occurs once.
fn splice_point(head: &[u8], key: &[u8]) -> io::Result<usize> {
    let marker = [b"\n  \"", key, b"\": []"].concat();
    memchr::memmem::find(head, &marker)
        .map(|at| at + marker.len() - 2)
        .ok_or_else(|| io::Error::other("report JSON without its top-level arrays"))
}

/// Elements formatted per task. Small, because elements differ a thousandfold in size and
/// sort together (the visibility gaps, each listing its product's unmapped inputs, come one
/// after another): a batch of large chunks held several times the formatted JSON of small
/// ones, in the same time (measured in `benches/README.md`).
const CHUNK: usize = 64;

/// Bytes a batch aims at: each batch is sized from the bytes per element of the one before,
/// so that batches of small elements are long (every batch ends with the cores waiting for
/// its slowest chunk: a quarter of the 10M-row run's JSON time with batches of 512 findings)
/// and batches of large ones short (from 1 to 16 chunks a core). Two batches are held at a
/// time.
const BATCH_BYTES: usize = 2 << 20;

/// Writes `items` as a pretty-printed JSON array that is the value of a top-level key.
fn write_array<T: Serialize + Sync>(items: &[T], out: &mut dyn Write) -> io::Result<()> {
    write_array_of(items, |item| item, out)
}

/// [`write_array`] of each item's `view`.
fn write_array_of<'a, T: Sync, V: Serialize>(
    items: &'a [T],
    view: impl Fn(&'a T) -> V + Sync,
    out: &mut dyn Write,
) -> io::Result<()> {
    if items.is_empty() {
        return out.write_all(b"[]");
    }
    out.write_all(b"[")?;
    // The first batch a few chunks per core; the next ones, and their buffers, sized by
    // what the last held.
    let least = CHUNK * 4 * rayon::current_num_threads();
    let (mut batch, mut guess) = (least, ELEMENT_GUESS);
    let mut pending: Vec<Vec<u8>> = Vec::new();
    let mut from = 0;
    while from < items.len() {
        let to = items.len().min(from + batch);
        let mut next = Ok(Vec::new());
        let mut written = Ok(());
        rayon::in_place_scope(|s| {
            s.spawn(|_| next = format_batch(&items[from..to], &view, guess, from == 0));
            written = pending.iter().try_for_each(|chunk| out.write_all(chunk));
        });
        written?;
        pending = next?;
        let bytes: usize = pending.iter().map(Vec::len).sum();
        batch = (BATCH_BYTES * (to - from) / bytes.max(1)).clamp(least / 4, 4 * least);
        // An eighth over the mean: a buffer that grows doubles (set aside at a fixed guess,
        // batches held 44 MiB over their JSON at 1M rows). Elements that large sort first
        // (root causes by products), the rest grow into theirs.
        guess = (bytes / (to - from) * 9 / 8 + 16).min(4 * ELEMENT_GUESS);
        from = to;
    }
    for chunk in &pending {
        out.write_all(chunk)?;
    }
    out.write_all(b"\n  ]")
}

/// One batch of array elements, in chunks formatted in parallel.
fn format_batch<'a, T: Sync, V: Serialize>(
    items: &'a [T],
    view: &(impl Fn(&'a T) -> V + Sync),
    guess: usize,
    first: bool,
) -> io::Result<Vec<Vec<u8>>> {
    items
        .par_chunks(CHUNK)
        .enumerate()
        .map(|(c, chunk)| {
            let mut buf = Vec::with_capacity(chunk.len() * guess);
            for (i, item) in chunk.iter().enumerate() {
                buf.extend_from_slice(if first && c == 0 && i == 0 {
                    b"\n    "
                } else {
                    b",\n    "
                });
                let mut ser = serde_json::Serializer::with_formatter(&mut buf, depth_two());
                view(item).serialize(&mut ser).map_err(io::Error::other)?;
            }
            Ok(buf)
        })
        .collect()
}

/// Bytes set aside per element in the first batch (the next ones go by the batch before): a
/// finding of the generated 1M-row sector is about 1,200 bytes pretty-printed, a product or
/// concentration row about 400.
const ELEMENT_GUESS: usize = 1024;

/// `serde_json`'s pretty formatter two levels deep, where the elements of a top-level array
/// stand: its lines indented by four more spaces than at the top, as `to_writer_pretty`
/// indents them there (written in place, not written at depth 0 and indented after).
fn depth_two() -> Pretty {
    Pretty {
        depth: 2,
        has_value: false,
    }
}

/// The bytes of `serde_json`'s `PrettyFormatter` (two spaces a level), each line break and its
/// indentation written in one piece: `PrettyFormatter` writes the two spaces once per level,
/// and a finding's evidence, five levels deep, is most of a report's lines (about a tenth of
/// the time spent formatting; the tests hold the bytes equal).
struct Pretty {
    depth: usize,
    has_value: bool,
}

/// `,` then a line break, then as many spaces as the deepest indentation written in one piece.
const BREAK: &[u8; 2 + 2 * 16] = b",\n                                ";

impl Pretty {
    /// A line break (after a comma unless `first`) and the indentation of the current depth.
    fn line<W: ?Sized + Write>(&self, w: &mut W, first: bool) -> io::Result<()> {
        let from = usize::from(first);
        match BREAK.get(from..2 + 2 * self.depth) {
            Some(bytes) => w.write_all(bytes),
            None => {
                w.write_all(&BREAK[from..2])?;
                (0..self.depth).try_for_each(|_| w.write_all(b"  "))
            }
        }
    }

    /// Opens an array or object one level deeper.
    fn open<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(bracket)
    }

    /// Closes an array or object: on a line of its own when it held anything.
    fn close<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            self.line(w, true)?;
        }
        w.write_all(bracket)
    }
}

impl Formatter for Pretty {
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.line(w, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.line(w, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// `report.json` in memory: the report, pretty-printed, with a final newline.
pub fn to_vec(report: &Reviewed) -> Vec<u8> {
    let mut bytes = Vec::new();
    write(report, &mut bytes).expect("writing to memory");
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference(value: &impl Serialize) -> Vec<u8> {
        let mut bytes = serde_json::to_vec_pretty(value).unwrap();
        bytes.push(b'\n');
        bytes
    }

    /// Arrays of every length around the chunk and first batch's sizes, and over several
    /// batches, come out as serde_json writes them.
    #[test]
    fn arrays_match_serde_json_at_every_boundary() {
        #[derive(Serialize)]
        struct Wrap<'a> {
            before: u32,
            list: &'a [serde_json::Value],
            after: &'a str,
        }
        let batch = CHUNK * 4 * rayon::current_num_threads();
        for n in [
            0,
            1,
            2,
            CHUNK - 1,
            CHUNK,
            CHUNK + 1,
            batch,
            batch + 1,
            2 * batch + 3,
            // Batches after the first are sized by the bytes of the one before.
            20 * batch + 1,
        ] {
            let items: Vec<serde_json::Value> = (0..n)
                .map(|i| {
                    // Deeper than the indentation written in one piece, too.
                    let deep = (0..20).fold(serde_json::json!([i]), |v, _| serde_json::json!([v]));
                    serde_json::json!({
                        "id": format!("x{i}"),
                        "nested": {"list": [i, i + 1], "empty": [], "none": {}, "text": "a\nb"},
                        "deep": deep,
                    })
                })
                .collect();
            let wrap = Wrap {
                before: 1,
                list: &items,
                after: "end",
            };
            let expected = reference(&wrap);
            let head = serde_json::to_vec_pretty(&Wrap {
                before: 1,
                list: &[],
                after: "end",
            })
            .unwrap();
            let at = splice_point(&head, b"list").unwrap();
            let mut got = head[..at].to_vec();
            write_array(&items, &mut got).unwrap();
            got.extend_from_slice(&head[at + 2..]);
            got.push(b'\n');
            assert_eq!(
                String::from_utf8(got).unwrap(),
                String::from_utf8(expected).unwrap(),
                "{n} elements"
            );
        }
    }
}
