//! The period picture: an inline SVG (built with `createElementNS`) of the current period
//! from its start to the next billing date, today marked and the prorated share
//! highlighted. Its nodes are part of the skeleton in `render.rs`; this module places
//! them. Labelled for screen readers through `role="img"` and `aria-label`.

use super::dom::{attr, attr_num};
use super::render::{View, N};

/// Width of the SVG's coordinate system.
pub const WIDTH: u32 = 1000;
/// Height of the SVG's coordinate system.
pub const HEIGHT: u32 = 40;

/// Where today and the prorated share sit on a period of [`WIDTH`] units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Geometry {
    /// Today's x (the share starts here).
    pub today_x: u32,
    /// Width of the prorated share (today → next billing date).
    pub share_width: u32,
}

/// The geometry for `remaining_days` of `period_days` (out-of-range input is clamped).
pub fn geometry(remaining_days: u32, period_days: u32) -> Geometry {
    if period_days == 0 {
        return Geometry {
            today_x: 0,
            share_width: WIDTH,
        };
    }
    let remaining = u64::from(remaining_days.min(period_days));
    let share =
        (u64::from(WIDTH) * remaining + u64::from(period_days) / 2) / u64::from(period_days);
    let share_width = share as u32;
    Geometry {
        today_x: WIDTH - share_width,
        share_width,
    }
}

/// Moves today's mark and the share of the view's timeline, and sets its accessible label.
pub(super) fn update(v: &View, g: Geometry, label: &str) {
    attr_num(&v[N::Share], "x", g.today_x);
    attr_num(&v[N::Share], "width", g.share_width);
    attr_num(
        &v[N::Today],
        "x",
        g.today_x.saturating_sub(3).min(WIDTH - 6),
    );
    attr(&v[N::Timeline], "aria-label", label);
}
