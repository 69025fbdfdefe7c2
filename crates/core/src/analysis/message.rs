//! A finding's sentence for a person, written out when the report is rather than held as
//! text: the kinds that come by the hundred thousand (capacity at risk, concentration, single
//! points of failure, time exposure) keep the names the sentence is made of, shared between
//! findings, and its numbers. At 1M supply rows the findings' sentences were 135 MiB of the
//! run's 900; written this way they hold 41 (time exposure's and the rarer kinds' boxes).
//!
//! Whatever form it has, a message reads, compares, serialises and prints as its text: the
//! report JSON holds a string, exactly what it held when messages were strings.

use crate::numbers::{Pct, Whole, money};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Cow;
use std::fmt;

/// A piece of text shared between findings (a name, a label, the currency): one pointer
/// wide and one allocation (`arcstr`; an `Arc<str>` is two pointers wide, an `Arc<String>`
/// two allocations), so that a message holding two of them and a number is no wider than
/// the finding's other fields.
pub type Shared = arcstr::ArcStr;

/// One finding's message. Build it with [`Message::spof`], [`Message::capacity`],
/// [`Message::concentration`], [`Message::time`], or from any text (`String::into`); end it
/// with the revenue at risk ([`Message::say_revenue`]) or add text to its end
/// ([`Message::push_str`]); read it with `to_string` or [`Message::text`].
#[derive(Clone)]
pub struct Message {
    body: Body,
    /// The revenue at risk said at its end ([`Message::say_revenue`]): the amount a year and
    /// the currency.
    revenue: Option<(f64, Shared)>,
}

#[derive(Clone)]
enum Body {
    /// Text held whole, in one allocation of its exact length.
    Text(Shared),
    /// `{group} alone can stop {product}: with it failed, no capacity is left`.
    Spof {
        group: Shared,
        product: Shared,
    },
    /// `with {group} failed, {product} keeps {cap as a percentage} of its capacity`.
    Capacity {
        group: Shared,
        product: Shared,
        cap: f64,
    },
    Concentration(Box<Concentration>),
    Time(Box<Time>),
}

/// What a concentration finding's sentence says: `{buyer} buys {item} from {n suppliers};
/// {share} comes from {country} (country HHI {hhi}[, HHI-WGI {wgi}], untrusted share {u})`.
///
/// The numbers are the finding's details, shared ([`super::findings::ConcentrationDetails`]),
/// but the country HHI, its metric.
#[derive(Debug, Clone)]
pub struct Concentration {
    pub buyer: Shared,
    pub item: Shared,
    pub spread: std::sync::Arc<super::findings::ConcentrationDetails>,
    pub country_hhi: f64,
}

/// What a time exposure's sentence says: `{entity} needs {ttr} days to recover but {product}
/// has stock for {tts} days: {uncovered} days at {cap} capacity[, revenue at risk {money}]`,
/// with `needs about` and the reason for a time to recover that is a lead time.
#[derive(Debug, Clone)]
pub struct Time {
    pub entity: Shared,
    pub product: Shared,
    pub time_to_recover: f64,
    pub lead_time_estimate: bool,
    pub time_to_survive: f64,
    pub uncovered: f64,
    pub cap: f64,
    /// The revenue at risk over the uncovered days, and the currency.
    pub revenue: Option<(f64, Shared)>,
}

impl Message {
    pub fn spof(group: Shared, product: Shared) -> Message {
        Body::Spof { group, product }.into()
    }

    pub fn capacity(group: Shared, product: Shared, cap: f64) -> Message {
        Body::Capacity {
            group,
            product,
            cap,
        }
        .into()
    }

    pub fn concentration(c: Concentration) -> Message {
        Body::Concentration(Box::new(c)).into()
    }

    pub fn time(t: Time) -> Message {
        Body::Time(Box::new(t)).into()
    }

    /// Ends the message with the revenue at risk: `; revenue at risk {amount} a year`.
    pub fn say_revenue(&mut self, amount: f64, currency: Shared) {
        if self.revenue.is_some() {
            self.push_str("");
        }
        self.revenue = Some((amount, currency));
    }

    /// Adds `s` to the end of the message (which from then on is held as text).
    pub fn push_str(&mut self, s: &str) {
        *self = Message::from(format!("{self}{s}"));
    }

    /// The text: borrowed where the message is held as text.
    pub fn text(&self) -> Cow<'_, str> {
        match (&self.body, &self.revenue) {
            (Body::Text(text), None) => Cow::Borrowed(text),
            _ => Cow::Owned(self.to_string()),
        }
    }

    /// Whether the text holds `pat`.
    pub fn contains(&self, pat: &str) -> bool {
        self.text().contains(pat)
    }

    /// The length of the text in bytes, give or take the digits of its numbers (for the size
    /// estimate of a report, without writing every message out).
    pub fn approx_len(&self) -> usize {
        let revenue = self.revenue.as_ref().map_or(0, |_| 30);
        revenue
            + match &self.body {
                Body::Text(text) => text.len(),
                Body::Spof { group, product } => group.len() + product.len() + 47,
                Body::Capacity { group, product, .. } => group.len() + product.len() + 35,
                Body::Concentration(c) => {
                    c.buyer.len() + c.item.len() + c.spread.top_country.len() + 80
                }
                Body::Time(t) => {
                    let estimate = if t.lead_time_estimate { 84 } else { 0 };
                    t.entity.len()
                        + t.product.len()
                        + 75
                        + estimate
                        + t.revenue.as_ref().map_or(0, |_| 26)
                }
            }
    }

    /// The bytes this message holds on the heap of its own (the shared names not counted),
    /// for profiles of memory.
    pub fn heap_bytes(&self) -> usize {
        match &self.body {
            Body::Text(text) => text.len() + 16,
            Body::Concentration(_) => std::mem::size_of::<Concentration>(),
            Body::Time(_) => std::mem::size_of::<Time>(),
            Body::Spof { .. } | Body::Capacity { .. } => 0,
        }
    }
}

impl From<Body> for Message {
    fn from(body: Body) -> Message {
        Message {
            body,
            revenue: None,
        }
    }
}

impl From<String> for Message {
    fn from(text: String) -> Message {
        Body::Text(text.into()).into()
    }
}

impl From<&str> for Message {
    fn from(text: &str) -> Message {
        Body::Text(text.into()).into()
    }
}

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.body {
            Body::Text(text) => f.write_str(text)?,
            Body::Spof { group, product } => write!(
                f,
                "{group} alone can stop {product}: with it failed, no capacity is left"
            )?,
            Body::Capacity {
                group,
                product,
                cap,
            } => write!(
                f,
                "with {group} failed, {product} keeps {} of its capacity",
                Pct(*cap)
            )?,
            Body::Concentration(c) => {
                let d = &c.spread;
                write!(
                    f,
                    "{} buys {} from {} {}; {} comes from {} (country HHI {:.2}",
                    c.buyer,
                    c.item,
                    d.suppliers,
                    if d.suppliers == 1 {
                        "supplier"
                    } else {
                        "suppliers"
                    },
                    Pct(d.top_country_share),
                    d.top_country,
                    c.country_hhi,
                )?;
                if let Some(h) = d.hhi_wgi {
                    write!(f, ", HHI-WGI {h:.2}")?;
                }
                write!(f, ", untrusted share {})", Pct(d.untrusted_share))?;
            }
            Body::Time(t) => t.fmt(f)?,
        }
        match &self.revenue {
            Some((amount, currency)) => {
                write!(f, "; revenue at risk {} a year", money(*amount, currency))
            }
            None => Ok(()),
        }
    }
}

impl fmt::Display for Time {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (ttr, tts, uncovered) = (self.time_to_recover, self.time_to_survive, self.uncovered);
        if self.lead_time_estimate {
            write!(
                f,
                "{} needs about {} days to recover (its longest delivery lead time: a weaker estimate than a recovery time)",
                self.entity,
                Whole(ttr)
            )?;
        } else {
            write!(f, "{} needs {} days to recover", self.entity, Whole(ttr))?;
        }
        write!(
            f,
            " but {} has stock for {} days: {} days at {} capacity",
            self.product,
            Whole(tts),
            Whole(uncovered),
            Pct(self.cap)
        )?;
        match &self.revenue {
            Some((r, currency)) => write!(f, ", revenue at risk {}", money(*r, currency)),
            None => Ok(()),
        }
    }
}

impl fmt::Debug for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.text(), f)
    }
}

/// Two messages are equal when their texts are, whatever their forms.
impl PartialEq for Message {
    fn eq(&self, other: &Message) -> bool {
        self.text() == other.text()
    }
}

impl Serialize for Message {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        thread_local! {
            /// Each thread's buffer for writing a message out: written whole, then escaped
            /// in one pass (`collect_str` escapes each piece as it comes, a call per piece).
            static BUFFER: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
        }
        match (&self.body, &self.revenue) {
            (Body::Text(text), None) => s.serialize_str(text),
            _ => BUFFER.with_borrow_mut(|buffer| {
                buffer.clear();
                fmt::write(buffer, format_args!("{self}")).map_err(serde::ser::Error::custom)?;
                s.serialize_str(buffer)
            }),
        }
    }
}

impl<'de> Deserialize<'de> for Message {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Message, D::Error> {
        String::deserialize(d).map(Message::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shared(s: &str) -> Shared {
        Shared::from(s)
    }

    fn time(lead_time_estimate: bool, revenue: Option<f64>) -> Message {
        Message::time(Time {
            entity: shared("Fab (F1)"),
            product: shared("wafer of Fab"),
            time_to_recover: 90.0,
            lead_time_estimate,
            time_to_survive: 30.0,
            uncovered: 60.0,
            cap: 0.375,
            revenue: revenue.map(|r| (r, shared("USD"))),
        })
    }

    fn forms() -> Vec<(Message, &'static str)> {
        let conc = |hhi_wgi| {
            Message::concentration(Concentration {
                buyer: shared("Fab \"A\""),
                item: shared("neon"),
                spread: std::sync::Arc::new(super::super::findings::ConcentrationDetails {
                    buyer: "fab-a".into(),
                    hhi_wgi,
                    item: "neon".into(),
                    substitutes: Default::default(),
                    supplier_hhi: 1.0,
                    suppliers: 1,
                    top_country: "UA".into(),
                    top_country_share: 0.772,
                    untrusted_share: 0.0025,
                }),
                country_hhi: 0.6049,
            })
        };
        vec![
            (
                Message::spof(shared("Acme (A1)"), shared("wafer of Fab")),
                "Acme (A1) alone can stop wafer of Fab: with it failed, no capacity is left",
            ),
            (
                Message::capacity(shared("Acme (A1)"), shared("wafer of Fab"), 0.375),
                "with Acme (A1) failed, wafer of Fab keeps 38% of its capacity",
            ),
            (
                conc(None),
                "Fab \"A\" buys neon from 1 supplier; 77% comes from UA (country HHI 0.60, untrusted share 0.3%)",
            ),
            (
                conc(Some(1.25)),
                "Fab \"A\" buys neon from 1 supplier; 77% comes from UA (country HHI 0.60, HHI-WGI 1.25, untrusted share 0.3%)",
            ),
            (
                time(false, None),
                "Fab (F1) needs 90 days to recover but wafer of Fab has stock for 30 days: 60 days at 38% capacity",
            ),
            (
                time(true, Some(2.5e6)),
                "Fab (F1) needs about 90 days to recover (its longest delivery lead time: a weaker estimate than a recovery time) but wafer of Fab has stock for 30 days: 60 days at 38% capacity, revenue at risk $2.50M",
            ),
            (Message::from("as text"), "as text"),
        ]
    }

    #[test]
    fn every_form_reads_serialises_and_compares_as_its_text() {
        for (message, text) in forms() {
            assert_eq!(message.to_string(), text);
            assert_eq!(message.text(), text);
            assert_eq!(
                serde_json::to_string(&message).unwrap(),
                serde_json::to_string(text).unwrap()
            );
            let back: Message =
                serde_json::from_str(&serde_json::to_string(&message).unwrap()).expect("a string");
            assert_eq!(back, message);
            assert_eq!(format!("{message:?}"), format!("{text:?}"));
            let len = message.approx_len() as f64;
            assert!(
                (0.8..=1.25).contains(&(len / text.len() as f64)),
                "{len} for {text}"
            );
        }
    }

    #[test]
    fn revenue_and_what_is_pushed_go_at_the_end_of_every_form() {
        for (mut message, text) in forms() {
            message.say_revenue(1.25e6, shared("USD"));
            let with_revenue = format!("{text}; revenue at risk $1.25M a year");
            assert_eq!(message.to_string(), with_revenue);
            assert_eq!(
                serde_json::to_string(&message).unwrap(),
                serde_json::to_string(&with_revenue).unwrap()
            );
            message.push_str(" (note)");
            let want = format!("{with_revenue} (note)");
            assert_eq!(message.to_string(), want);
            assert!(message.contains("a year (note)"));
            assert_eq!(message, Message::from(want.as_str()));
            assert_ne!(message, Message::from(text));
        }
    }
}
