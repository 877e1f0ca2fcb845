//! Small-cell suppression of aggregate figures, the one rule every breakdown of people
//! (cohort reach, dashboards, their CSV) applies: cells under [`SMALL_CELL`] people are
//! withheld from everyone but admins, and so are the cells that could be worked out from
//! what is shown.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Cells under this many people are withheld from everyone but admins.
pub const SMALL_CELL: i64 = 5;

/// The threshold for a reader: 1 (everything shown) when they may see small cells
/// (`auth::policy`'s `SeeSmallCells`), else [`SMALL_CELL`].
pub fn threshold(sees_small_cells: bool) -> i64 {
    if sees_small_cells { 1 } else { SMALL_CELL }
}

/// One value of a breakdown and how many people have it; `count` is `null` where it is
/// withheld (fewer than `suppressed_below` people, or a cell that would give one away).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CountCell {
    /// A country code, a gender, an age band, an organisation id, a sector, or `not_stated`.
    pub value: String,
    pub count: Option<i64>,
}

/// A total of `total` people as shown: `None` when it is itself small (but never hides 0).
pub fn total(total: i64, threshold: i64) -> Option<i64> {
    (total == 0 || total >= threshold).then_some(total)
}

/// Withholds the cells of one breakdown of `total` people that are under `threshold`, and
/// those that could be worked out from what is shown: every cell when the total itself is
/// small; otherwise, when a single cell is withheld (the total minus the others would give
/// it away), the smallest other non-empty cell as well.
pub fn suppress(cells: Vec<(String, i64)>, total: i64, threshold: i64) -> Vec<CountCell> {
    let small = |n: i64| n > 0 && n < threshold;
    let mut hidden: Vec<bool> = if total > 0 && total < threshold {
        vec![true; cells.len()]
    } else {
        cells.iter().map(|(_, n)| small(*n)).collect()
    };
    if hidden.iter().filter(|h| **h).count() == 1 {
        let partner = cells
            .iter()
            .enumerate()
            .filter(|(i, (_, n))| !hidden[*i] && *n > 0)
            .min_by_key(|(i, (_, n))| (*n, *i))
            .map(|(i, _)| i);
        if let Some(i) = partner {
            hidden[i] = true;
        }
    }
    cells
        .into_iter()
        .zip(hidden)
        .map(|((value, count), hide)| CountCell {
            value,
            count: (!hide).then_some(count),
        })
        .collect()
}

/// A count of some of `total` people (who did something) as shown: withheld when it is
/// small, or when the people who did not are (the total would give them away).
pub fn part(count: i64, total: i64, threshold: i64) -> Option<i64> {
    let small = |n: i64| n > 0 && n < threshold;
    (!(small(total) || small(count) || small(total - count))).then_some(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(counts: &[i64]) -> Vec<(String, i64)> {
        counts
            .iter()
            .enumerate()
            .map(|(i, n)| (format!("v{i}"), *n))
            .collect()
    }

    fn shown(cells: &[CountCell]) -> Vec<Option<i64>> {
        cells.iter().map(|c| c.count).collect()
    }

    #[test]
    fn small_cells_and_those_that_give_them_away_are_withheld() {
        // Nothing small: everything shown, zeros too.
        assert_eq!(
            shown(&suppress(cells(&[10, 0, 7]), 17, 5)),
            [Some(10), Some(0), Some(7)]
        );
        // One small cell: the smallest other non-empty one goes with it.
        assert_eq!(
            shown(&suppress(cells(&[10, 3, 7, 0]), 20, 5)),
            [Some(10), None, None, Some(0)]
        );
        // Two small cells: they hide each other.
        assert_eq!(
            shown(&suppress(cells(&[10, 3, 2]), 15, 5)),
            [Some(10), None, None]
        );
        // A small total: every cell.
        assert_eq!(shown(&suppress(cells(&[3, 0]), 3, 5)), [None, None]);
        // Admins (threshold 1) see everything.
        assert_eq!(
            shown(&suppress(cells(&[1, 0, 2]), 3, 1)),
            [Some(1), Some(0), Some(2)]
        );
    }

    #[test]
    fn a_part_is_withheld_when_it_or_its_rest_is_small() {
        assert_eq!(part(7, 10, 5), None); // 3 did not
        assert_eq!(part(2, 10, 5), None);
        assert_eq!(part(10, 10, 5), Some(10));
        assert_eq!(part(0, 10, 5), Some(0));
        assert_eq!(part(5, 10, 5), Some(5));
        assert_eq!(part(2, 3, 1), Some(2));
    }
}
