//! Charts drawn on the server as inline SVG (SPEC §10.4 `/reports`): no script and no
//! library, so they show with JavaScript off and print as they look. Each chart is
//! followed by a table of the same figures, which is what assistive technology reads.
//! Their layout sits in `sluss.css` (`.sluss-chart`): the pages' CSP allows no inline
//! styles.

use maud::{Markup, html};

use crate::web::layout::table_region;

/// One bar: what it counts, how long it is, and the figure written beside it.
#[derive(Debug, Clone)]
pub struct Bar {
    /// The label on the left.
    pub label: String,
    /// The length, in the chart's own unit; `None` draws no bar.
    pub value: Option<f64>,
    /// The figure as people read it ("3,5 dagar", "50 %", "–").
    pub shown: String,
}

/// The whole width of the drawing, in SVG user units (it scales to its container).
const WIDTH: f64 = 480.0;
/// The longest bar, leaving room for the figure after it.
const BARS_WIDTH: f64 = 360.0;
/// The height of a row (its label above its bar), and of its bar. Labels sit above the
/// bars rather than beside them so that long ones ("Testade idéer som infördes eller
/// skalades upp") fit a phone's width.
const ROW: f64 = 50.0;
const BAR: f64 = 18.0;
/// GOV.UK blue bars and near-black text on white: both well above the WCAG AA contrast
/// (5.2:1 for the bars, 19:1 for the text).
const BAR_COLOUR: &str = "#1d70b8";
const TEXT_COLOUR: &str = "#0b0c0c";

/// A horizontal bar chart named `title` (its `<title>` has the id `{id}-title`).
/// `max` is the value of a full-length bar; without it the longest bar is full length.
pub fn bar_chart(id: &str, title: &str, bars: &[Bar], max: Option<f64>) -> Markup {
    let longest = max
        .unwrap_or_else(|| bars.iter().filter_map(|b| b.value).fold(0.0, f64::max))
        .max(f64::EPSILON);
    let height = ROW * bars.len() as f64;
    let title_id = format!("{id}-title");
    html! {
        svg xmlns="http://www.w3.org/2000/svg" class="sluss-chart" id=(id) role="img"
            aria-labelledby=(title_id) viewBox={ "0 0 " (WIDTH) " " (height) }
            width="100%" font-size="16" {
            title id=(title_id) { (title) }
            @for (i, bar) in bars.iter().enumerate() {
                @let y = ROW * i as f64;
                @let length = bar.value.map_or(0.0, |v| (v.max(0.0) / longest).min(1.0) * BARS_WIDTH);
                text x="0" y=(y + 16.0) fill=(TEXT_COLOUR) { (bar.label) }
                @if length > 0.0 {
                    rect x="0" y=(y + 22.0) width=(format!("{length:.1}")) height=(BAR) fill=(BAR_COLOUR) {}
                }
                text x=(format!("{:.1}", length + 6.0)) y=(y + 36.0) fill=(TEXT_COLOUR) font-weight="700" { (bar.shown) }
            }
        }
    }
}

/// The table that follows a chart: its caption is the chart's title, one row per bar.
pub fn figures_table(caption: &str, what: &str, figure: &str, bars: &[Bar]) -> Markup {
    html! {
        (table_region(caption, html! {
            table class="govuk-table" {
                caption class="govuk-table__caption govuk-table__caption--s" { (caption) }
                thead class="govuk-table__head" {
                    tr class="govuk-table__row" {
                        th scope="col" class="govuk-table__header" { (what) }
                        th scope="col" class="govuk-table__header govuk-table__header--numeric" { (figure) }
                    }
                }
                tbody class="govuk-table__body" {
                    @for bar in bars {
                        tr class="govuk-table__row" {
                            th scope="row" class="govuk-table__header" { (bar.label) }
                            td class="govuk-table__cell govuk-table__cell--numeric" { (bar.shown) }
                        }
                    }
                }
            }
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bar(label: &str, value: Option<f64>) -> Bar {
        Bar {
            label: label.to_owned(),
            value,
            shown: value.map_or_else(|| "–".to_owned(), |v| v.to_string()),
        }
    }

    #[test]
    fn the_longest_bar_is_full_length_and_a_missing_one_is_not_drawn() {
        let svg = bar_chart(
            "c",
            "Counts",
            &[bar("a", Some(2.0)), bar("b", Some(4.0)), bar("c", None)],
            None,
        )
        .into_string();
        assert!(svg.contains(r#"role="img""#) && svg.contains(r#"aria-labelledby="c-title""#));
        assert!(svg.contains(r#"<title id="c-title">Counts</title>"#), "{svg}");
        assert!(
            svg.contains(r#"width="180.0""#) && svg.contains(r#"width="360.0""#),
            "{svg}"
        );
        assert_eq!(svg.matches("<rect").count(), 2);
        assert!(svg.contains(">–</text>"));
    }

    #[test]
    fn all_zero_draws_no_bars() {
        let svg = bar_chart("z", "None", &[bar("a", Some(0.0))], None).into_string();
        assert_eq!(svg.matches("<rect").count(), 0);
    }
}
