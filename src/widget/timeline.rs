//! The period picture: an inline SVG (built with `createElementNS`) of the current period
//! from its start to the next billing date, today marked and the prorated share
//! highlighted. Labelled for screen readers through `role="img"` and `aria-label`.

use web_sys::Element;

use super::dom::{append, attr, svg};

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

/// The timeline's SVG and the pieces that move.
pub struct Timeline {
    /// The `<svg>` element.
    pub root: Element,
    share: Element,
    today: Element,
}

impl Timeline {
    /// Builds the SVG skeleton.
    pub fn new() -> Self {
        let root = svg("svg");
        attr(&root, "viewBox", "0 0 1000 40");
        attr(&root, "preserveAspectRatio", "none");
        attr(&root, "role", "img");
        attr(&root, "part", "timeline");
        attr(&root, "class", "timeline");
        attr(&root, "focusable", "false");
        let track = svg("rect");
        for (k, v) in [
            ("class", "track"),
            ("x", "0"),
            ("y", "12"),
            ("width", "1000"),
            ("height", "16"),
            ("rx", "8"),
        ] {
            attr(&track, k, v);
        }
        let share = svg("rect");
        for (k, v) in [
            ("class", "share"),
            ("y", "12"),
            ("height", "16"),
            ("rx", "8"),
        ] {
            attr(&share, k, v);
        }
        let today = svg("rect");
        for (k, v) in [
            ("class", "today"),
            ("y", "4"),
            ("width", "6"),
            ("height", "32"),
            ("rx", "3"),
        ] {
            attr(&today, k, v);
        }
        append(&root, &[&track, &share, &today]);
        Self { root, share, today }
    }

    /// Moves today's mark and the share, and sets the accessible label.
    pub fn update(&self, g: Geometry, label: &str) {
        let x = g.today_x.to_string();
        attr(&self.share, "x", &x);
        attr(&self.share, "width", &g.share_width.to_string());
        attr(
            &self.today,
            "x",
            &g.today_x.saturating_sub(3).min(WIDTH - 6).to_string(),
        );
        attr(&self.root, "aria-label", label);
    }
}

impl Default for Timeline {
    fn default() -> Self {
        Self::new()
    }
}
