//! Label placement that never overlaps: every label's text box is computed from the embedded
//! font's advance widths ([`text_width`]) before anything is drawn, and placed where it
//! intersects no other label and no reserved box, inside the plot area.
//!
//! Each label is tried, in priority order, at the positions around its point (right, left,
//! above, below, then the diagonals, just clear of the mark), then further out with a leader
//! line back to the mark, and is dropped when nothing is free; the chart then says how many it
//! left unlabelled and lists them. [`LabelLayout`] is what was decided: the charts draw it and
//! the tests inspect it (no two boxes intersect, every box inside the bounds).

use super::style::text_width;
use plotters::style::TextStyle;

/// An axis-aligned box in pixels: `x0 <= x < x1`, `y0 <= y < y1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rect {
    pub x0: i32,
    pub y0: i32,
    pub x1: i32,
    pub y1: i32,
}

impl Rect {
    pub fn new(x0: i32, y0: i32, x1: i32, y1: i32) -> Rect {
        Rect { x0, y0, x1, y1 }
    }

    /// Whether the two boxes share any pixel (touching edges do not).
    pub fn intersects(&self, o: &Rect) -> bool {
        self.x0 < o.x1 && o.x0 < self.x1 && self.y0 < o.y1 && o.y0 < self.y1
    }

    /// Whether `self` lies wholly inside `o`.
    pub fn inside(&self, o: &Rect) -> bool {
        self.x0 >= o.x0 && self.y0 >= o.y0 && self.x1 <= o.x1 && self.y1 <= o.y1
    }

    pub fn center(&self) -> (i32, i32) {
        ((self.x0 + self.x1) / 2, (self.y0 + self.y1) / 2)
    }
}

/// A label to place: its text, the mark it names (centre and radius in pixels) and its size.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelRequest {
    pub text: String,
    pub at: (i32, i32),
    pub radius: i32,
    pub w: i32,
    pub h: i32,
}

impl LabelRequest {
    /// A request sized for `text` in `style` (advance width, and 1.25 × the font size high).
    pub fn new(text: String, at: (i32, i32), radius: i32, style: &TextStyle<'_>) -> LabelRequest {
        let w = text_width(&text, style) + 4;
        let h = (style.font.get_size() * 1.25).ceil() as i32;
        LabelRequest {
            text,
            at,
            radius,
            w,
            h,
        }
    }
}

/// One placed label.
#[derive(Debug, Clone, PartialEq)]
pub struct Placed {
    /// Index of its request.
    pub request: usize,
    pub text: String,
    /// Its text box (the text is drawn centred in it).
    pub rect: Rect,
    /// A line from the mark's edge to the box, when the box is not next to the mark.
    pub leader: Option<((i32, i32), (i32, i32))>,
}

/// Where every label went.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LabelLayout {
    /// The area every box lies in.
    pub bounds: Option<Rect>,
    /// Boxes kept free of labels (legends, other text).
    pub blocked: Vec<Rect>,
    pub placed: Vec<Placed>,
    /// Indices of the requests that found no free place.
    pub dropped: Vec<usize>,
}

/// Gaps tried between a mark's edge and its label: next to it, then with a leader line.
const RINGS: [i32; 5] = [2, 18, 36, 60, 90];

/// The candidate boxes for `r`, nearest first: eight positions around the mark at each ring.
fn candidates(r: &LabelRequest) -> impl Iterator<Item = (Rect, bool)> + '_ {
    let (x, y) = r.at;
    let (w, h) = (r.w, r.h);
    RINGS.iter().flat_map(move |&gap| {
        let d = r.radius + gap;
        // Diagonals sit at the same distance along each axis (≈ d / √2).
        let q = (d as f64 * 0.72).round() as i32;
        [
            (x + d, y - h / 2),
            (x - d - w, y - h / 2),
            (x - w / 2, y - d - h),
            (x - w / 2, y + d),
            (x + q, y - q - h),
            (x - q - w, y - q - h),
            (x + q, y + q),
            (x - q - w, y + q),
        ]
        .into_iter()
        .map(move |(x0, y0)| (Rect::new(x0, y0, x0 + w, y0 + h), gap > RINGS[0]))
    })
}

/// The point on the mark's edge facing `rect`, and the point of `rect` nearest the mark.
fn leader(r: &LabelRequest, rect: &Rect) -> ((i32, i32), (i32, i32)) {
    let (x, y) = r.at;
    let to = (x.clamp(rect.x0, rect.x1), y.clamp(rect.y0, rect.y1));
    let (dx, dy) = ((to.0 - x) as f64, (to.1 - y) as f64);
    let len = (dx * dx + dy * dy).sqrt().max(1.0);
    let from = (
        x + (dx / len * r.radius as f64).round() as i32,
        y + (dy / len * r.radius as f64).round() as i32,
    );
    (from, to)
}

/// Places `requests` in order (the first has priority) inside `bounds`, clear of `blocked`
/// and of each other.
pub fn place(bounds: Rect, blocked: Vec<Rect>, requests: &[LabelRequest]) -> LabelLayout {
    let mut layout = LabelLayout {
        bounds: Some(bounds),
        blocked,
        ..LabelLayout::default()
    };
    for (k, r) in requests.iter().enumerate() {
        let free = |rect: &Rect| {
            rect.inside(&bounds)
                && layout.blocked.iter().all(|b| !b.intersects(rect))
                && layout
                    .placed
                    .iter()
                    .all(|p| !p.rect.intersects(rect) && p.leader.is_none_or(|l| !crosses(l, rect)))
        };
        // A leader may not run through a placed label.
        let clear =
            |line: ((i32, i32), (i32, i32))| layout.placed.iter().all(|p| !crosses(line, &p.rect));
        let found = candidates(r).find_map(|(rect, far)| {
            let line = far.then(|| leader(r, &rect));
            (free(&rect) && line.is_none_or(clear)).then_some((rect, line))
        });
        match found {
            Some((rect, leader)) => layout.placed.push(Placed {
                request: k,
                text: r.text.clone(),
                rect,
                leader,
            }),
            None => layout.dropped.push(k),
        }
    }
    layout
}

/// Whether the segment `a`–`b` passes through `rect` (sampled every 2 pixels).
fn crosses((a, b): ((i32, i32), (i32, i32)), rect: &Rect) -> bool {
    let (dx, dy) = ((b.0 - a.0) as f64, (b.1 - a.1) as f64);
    let steps = (dx.abs().max(dy.abs()) / 2.0).ceil().max(1.0) as i32;
    (0..=steps).any(|k| {
        let t = k as f64 / steps as f64;
        let (x, y) = (
            (a.0 as f64 + dx * t).round() as i32,
            (a.1 as f64 + dy * t).round() as i32,
        );
        x > rect.x0 && x < rect.x1 - 1 && y > rect.y0 && y < rect.y1 - 1
    })
}

impl LabelLayout {
    /// Every pair of placed boxes that intersect, every box outside the bounds or over a
    /// blocked box, and every leader through another label: empty for a good layout.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (i, a) in self.placed.iter().enumerate() {
            if let Some(b) = self.bounds.filter(|b| !a.rect.inside(b)) {
                out.push(format!("{:?} outside {b:?}", a.text));
            }
            for b in &self.blocked {
                if a.rect.intersects(b) {
                    out.push(format!("{:?} over blocked {b:?}", a.text));
                }
            }
            for b in &self.placed[i + 1..] {
                if a.rect.intersects(&b.rect) {
                    out.push(format!("{:?} overlaps {:?}", a.text, b.text));
                }
            }
            for b in self.placed.iter().filter(|b| b.request != a.request) {
                if a.leader.is_some_and(|line| crosses(line, &b.rect)) {
                    out.push(format!("the leader of {:?} crosses {:?}", a.text, b.text));
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(x: i32, y: i32) -> LabelRequest {
        LabelRequest {
            text: format!("{x},{y}"),
            at: (x, y),
            radius: 6,
            w: 60,
            h: 16,
        }
    }

    #[test]
    fn a_lone_label_sits_right_of_its_mark_without_a_leader() {
        let l = place(Rect::new(0, 0, 400, 300), Vec::new(), &[req(100, 100)]);
        assert_eq!(l.placed.len(), 1);
        assert_eq!(l.placed[0].rect, Rect::new(108, 92, 168, 108));
        assert_eq!(l.placed[0].leader, None);
    }

    #[test]
    fn many_labels_on_one_point_never_overlap_and_the_rest_are_dropped() {
        let reqs: Vec<LabelRequest> = (0..200).map(|k| req(200 + k % 3, 150)).collect();
        let l = place(
            Rect::new(0, 0, 400, 300),
            vec![Rect::new(0, 0, 400, 20)],
            &reqs,
        );
        assert!(l.problems().is_empty(), "{:?}", l.problems());
        assert_eq!(l.placed.len() + l.dropped.len(), 200);
        assert!(!l.dropped.is_empty());
    }

    #[test]
    fn a_label_goes_further_out_with_a_leader_when_the_first_ring_is_blocked() {
        let band = Rect::new(40, 85, 170, 115);
        let l = place(Rect::new(0, 0, 400, 300), vec![band], &[req(100, 100)]);
        assert_eq!(l.placed.len(), 1);
        let p = &l.placed[0];
        assert!(!p.rect.intersects(&band));
        let ((fx, fy), (tx, ty)) = p.leader.expect("a leader");
        // From the mark's edge to the box.
        assert_eq!((fx - 100).pow(2) + (fy - 100).pow(2), 36);
        assert!(tx >= p.rect.x0 && tx <= p.rect.x1 && ty >= p.rect.y0 && ty <= p.rect.y1);
    }

    #[test]
    fn a_leader_never_runs_through_a_placed_label() {
        let reqs: Vec<LabelRequest> = (0..150)
            .map(|k| req(20 + (k * 37) % 360, 20 + (k * 53) % 260))
            .collect();
        let l = place(Rect::new(0, 0, 400, 300), Vec::new(), &reqs);
        for p in &l.placed {
            if let Some(line) = p.leader {
                for q in l.placed.iter().filter(|q| q.request != p.request) {
                    assert!(!crosses(line, &q.rect), "{} through {}", p.text, q.text);
                }
            }
        }
        assert!(l.placed.iter().any(|p| p.leader.is_some()));
    }

    #[test]
    fn problems_reports_an_overlap() {
        let mut l = place(Rect::new(0, 0, 400, 300), Vec::new(), &[req(100, 100)]);
        let mut twin = l.placed[0].clone();
        twin.rect.x0 += 5;
        twin.rect.x1 += 5;
        l.placed.push(twin);
        assert_eq!(l.problems().len(), 1);
    }
}
