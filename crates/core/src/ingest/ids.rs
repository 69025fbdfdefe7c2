//! The ids a file defines ([`Ids`]: duplicates, ids that differ only in case) and the
//! references rows make to them ([`Refs`]: unknown ids with a "did you mean"). Split from
//! `ingest/mod.rs`, whose loader reads the files and calls these per row.

use super::*;

/// The ids a file defined so far, to find duplicates and ids that differ only in case.
#[derive(Default)]
pub(super) struct Ids {
    /// lowercased id -> the first id written that way, and its line. Where a map of ids
    /// beside it held a third string per id (at 10M supply rows, a million entities: 11 % of
    /// loading), the other spellings, rare, are kept apart.
    folded: HashMap<String, (String, u64)>,
    /// lowercased id -> its other spellings defined so far, and their lines.
    others: HashMap<String, Vec<(String, u64)>>,
}

impl Ids {
    /// Reports a duplicate id (an error; returns true) or an id that differs from an earlier
    /// one only in case (a warning: ids are case-sensitive, so they are two things, which is
    /// rarely what was meant).
    pub(super) fn duplicate(
        &mut self,
        id: &str,
        row: &Row<'_>,
        col: usize,
        what: &str,
        diags: &mut Diagnostics,
    ) -> bool {
        // Reported, but the id is still defined: references to it are not errors again.
        id_chars::check(id, what, row.at(col), diags);
        let earlier = match self.folded.entry(id.to_lowercase()) {
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert((id.to_string(), row.line));
                return false;
            }
            std::collections::hash_map::Entry::Occupied(o) => o,
        };
        let key = earlier.key();
        let (first, first_line) = earlier.get();
        let same = (first == id).then_some(*first_line).or_else(|| {
            self.others
                .get(key)?
                .iter()
                .find(|(spelled, _)| spelled == id)
                .map(|&(_, line)| line)
        });
        if let Some(line) = same {
            diags.error(
                "duplicate-id",
                row.at(col),
                format!(
                    "duplicate id `{id}` (first defined at line {line}; expected each id once)"
                ),
            );
            return true;
        }
        diags.warning(
            "case-only-difference",
            row.at(col),
            format!(
                "id `{id}` differs from `{first}` (line {first_line}) only in case: ids are case-sensitive, so these are two different {what} records (expected one spelling if they are the same)"
            ),
        );
        self.others
            .entry(key.clone())
            .or_default()
            .push((id.to_string(), row.line));
        false
    }
}

/// Resolves references to ids, with "did you mean" suggestions.
pub(super) struct Refs<'a> {
    pub(super) missing: &'a HashSet<&'static str>,
    pub(super) suggestions_left: &'a Cell<usize>,
    pub(super) tainted: &'a RefCell<HashSet<(&'static str, String)>>,
}

impl Refs<'_> {
    /// Marks `id` of `file` as defined on a bad row.
    pub(super) fn taint(&self, file: &'static str, id: &str) {
        self.tainted.borrow_mut().insert((file, id.to_string()));
    }

    pub(super) fn entity(
        &self,
        ds: &Dataset,
        row: &Row<'_>,
        col: usize,
        diags: &mut Diagnostics,
    ) -> Option<EntityIx> {
        let text = row.required(col, diags)?;
        self.resolve(
            &ds.entity_ix,
            "entities.csv",
            "entity",
            text,
            row,
            col,
            diags,
        )
    }

    pub(super) fn item(
        &self,
        ds: &Dataset,
        row: &Row<'_>,
        col: usize,
        diags: &mut Diagnostics,
    ) -> Option<ItemIx> {
        let text = row.required(col, diags)?;
        self.resolve(&ds.item_ix, "items.csv", "item", text, row, col, diags)
    }

    /// Looks `text` up in `ids`; an unknown id is an error with the closest known id, unless
    /// the file that defines the ids is missing or unusable (that error was reported already).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn resolve<T: Copy>(
        &self,
        ids: &HashMap<String, T>,
        defined_in: &'static str,
        what: &str,
        text: &str,
        row: &Row<'_>,
        col: usize,
        diags: &mut Diagnostics,
    ) -> Option<T> {
        if let Some(ix) = ids.get(text) {
            return Some(*ix);
        }
        if self.missing.contains(defined_in)
            || self
                .tainted
                .borrow()
                .contains(&(defined_in, text.to_string()))
        {
            return None;
        }
        // Each search compares `text` with every id: it runs while the budget of comparisons
        // lasts, so that many unknown references among many ids stay fast.
        let found = if self.suggestions_left.get() >= ids.len() {
            self.suggestions_left
                .set(self.suggestions_left.get() - ids.len().max(1));
            suggest(text, ids.keys())
        } else {
            None
        };
        let hint = hint(text, found);
        diags.error(
            "unknown-reference",
            row.at(col),
            format!(
                "`{}` names unknown {what} `{text}` (expected an id defined in {defined_in}{hint})",
                row.name(col)
            ),
        );
        None
    }
}
