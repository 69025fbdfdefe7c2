//! Candidates' owners: each owner resolved to a dataset entity or another candidate, and
//! every candidate whose owner cannot be read left out with an error (an unknown id,
//! itself, a cycle of candidates, an owner left out). Split from `candidates.rs`, which
//! reads the rows: this runs once, after every row is read.

use super::*;

impl Reading {
    /// Resolves owners (a dataset entity or a candidate) and leaves out, with an error, every
    /// candidate whose owner cannot be read: an unknown id, itself, a cycle of candidates, or
    /// a candidate that was left out.
    pub(super) fn resolve_owners(
        mut self,
        ds: &Dataset,
        display: &str,
        diags: &mut Diagnostics,
    ) -> Vec<Candidate> {
        let n = self.candidates.len();
        let mut keep = vec![true; n];
        for o in &self.owners {
            let resolved = self.resolve_owner(ds, o, display, diags);
            keep[o.candidate] &= resolved.is_some();
            self.candidates[o.candidate].owner = resolved;
        }
        // Candidate owner chains must end.
        leave_out_cycles(&self.candidates, &mut keep, display, diags);
        // A candidate owned by one left out cannot be screened for its ownership either.
        leave_out_owned(&self.candidates, &mut keep, display, diags);
        kept(self.candidates, &keep)
    }

    /// The owner `o` names: a dataset entity, or another candidate.
    fn resolve_owner(
        &self,
        ds: &Dataset,
        o: &PendingOwner,
        display: &str,
        diags: &mut Diagnostics,
    ) -> Option<OwnerRef> {
        let at = At {
            file: display,
            line: Some(o.line),
            column: o.column,
        };
        if let Some(&e) = ds.entity_ix.get(&o.owner) {
            Some(OwnerRef::Entity(e))
        } else if let Some(&c) = self.by_id.get(&o.owner) {
            if c == o.candidate {
                diags.error(
                    "self-ownership",
                    at,
                    format!(
                        "candidate `{}` is named as its own owner; left out",
                        o.owner
                    ),
                );
                None
            } else {
                Some(OwnerRef::Candidate(c))
            }
        } else {
            let known = ds.entity_ix.keys().chain(self.by_id.keys());
            let hint = crate::ingest::did_you_mean(&o.owner, known);
            diags.error(
                "unknown-reference",
                at,
                format!(
                    "`owner` names unknown entity `{}` (expected an id defined in entities.csv or a candidate's id{hint}); candidate `{}` left out",
                    o.owner, self.candidates[o.candidate].id
                ),
            );
            None
        }
    }
}

/// Leaves out every candidate that owns itself through other candidates.
fn leave_out_cycles(
    candidates: &[Candidate],
    keep: &mut [bool],
    display: &str,
    diags: &mut Diagnostics,
) {
    let n = candidates.len();
    #[allow(clippy::needless_range_loop)] // `start` walks the owner chain, not only `keep`
    for start in 0..n {
        let mut cur = start;
        let mut steps = 0;
        while let Some(OwnerRef::Candidate(next)) = candidates[cur].owner {
            steps += 1;
            if next == start || steps > n {
                let c = &candidates[start];
                diags.error(
                    "ownership-cycle",
                    At::line(display, c.line),
                    format!(
                        "candidate `{}` owns itself through other candidates (expected owners to form a chain that ends); left out",
                        c.id
                    ),
                );
                keep[start] = false;
                break;
            }
            cur = next;
        }
    }
}

/// Leaves out every candidate owned by one left out, until none is.
fn leave_out_owned(
    candidates: &[Candidate],
    keep: &mut [bool],
    display: &str,
    diags: &mut Diagnostics,
) {
    let n = candidates.len();
    loop {
        let mut changed = false;
        for k in 0..n {
            if let (true, Some(OwnerRef::Candidate(j))) = (keep[k], candidates[k].owner)
                && !keep[j]
            {
                keep[k] = false;
                changed = true;
                let c = &candidates[k];
                diags.error(
                    "owner-not-screened",
                    At::line(display, c.line),
                    format!(
                        "candidate `{}` is owned by candidate `{}`, which was left out (its ownership cannot be screened); left out",
                        c.id, candidates[j].id
                    ),
                );
            }
        }
        if !changed {
            break;
        }
    }
}

/// The candidates kept, their candidate owners renumbered.
fn kept(candidates: Vec<Candidate>, keep: &[bool]) -> Vec<Candidate> {
    let n = candidates.len();
    let mut new_index = vec![usize::MAX; n];
    let mut kept = 0;
    for (k, &yes) in keep.iter().enumerate() {
        if yes {
            new_index[k] = kept;
            kept += 1;
        }
    }
    let mut out: Vec<Candidate> = Vec::with_capacity(kept);
    for (k, mut c) in candidates.into_iter().enumerate() {
        if !keep[k] {
            continue;
        }
        if let Some(OwnerRef::Candidate(j)) = c.owner {
            c.owner = Some(OwnerRef::Candidate(new_index[j]));
        }
        out.push(c);
    }
    out
}
