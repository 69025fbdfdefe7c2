//! Groups: sets of entities that fail together, at four levels.
//!
//! - `entity`: each entity alone.
//! - `owner`: each ultimate owner with everything it controls by majority chains.
//! - `country`: all entities of one country (export ban, war, sanctions).
//! - `untrusted`: one group of every untrusted entity (untrusted country, or restricted).
//!
//! The first three are partitions of the entities; `untrusted` covers only some of them.

use super::findings::Id;
use crate::graph::ProductionGraph;
use crate::model::{Dataset, EntityIx};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Entity,
    Owner,
    Country,
    Untrusted,
}

impl Level {
    pub const ALL: [Level; 4] = [
        Level::Entity,
        Level::Owner,
        Level::Country,
        Level::Untrusted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Entity => "entity",
            Level::Owner => "owner",
            Level::Country => "country",
            Level::Untrusted => "untrusted",
        }
    }
}

impl std::str::FromStr for Level {
    type Err = crate::Error;

    /// `entity`, `owner`, `country` or `untrusted`, in any case.
    fn from_str(text: &str) -> Result<Level, crate::Error> {
        super::parse_name(&Level::ALL, Level::as_str, text, "level")
    }
}

/// No group: an entity outside the `untrusted` group.
pub const NO_GROUP: u32 = u32::MAX;

/// The groups of one level.
#[derive(Debug, Clone)]
pub struct Groups {
    pub level: Level,
    /// For each entity, its group (or [`NO_GROUP`]).
    pub of_entity: Vec<u32>,
    /// For each group, its subject: an entity id, the ultimate owner's entity id, a country
    /// code, or `untrusted`.
    pub subject: Vec<Id>,
    /// For each group, its entities.
    pub members: Vec<Vec<EntityIx>>,
}

impl Groups {
    pub fn new(level: Level, ds: &Dataset, g: &ProductionGraph) -> Groups {
        let n = ds.entities.len();
        let (of_entity, subject): (Vec<u32>, Vec<Id>) = match level {
            Level::Entity => (
                (0..n as u32).collect(),
                ds.entities
                    .iter()
                    .map(|e| Id::from(e.id.as_str()))
                    .collect(),
            ),
            Level::Owner => {
                // Groups numbered by ultimate owner, in entity order.
                let mut number = vec![NO_GROUP; n];
                let mut subject = Vec::new();
                let mut of = vec![NO_GROUP; n];
                for (e, top) in g.parties.ultimate_owner.iter().enumerate() {
                    let top = top.ix();
                    if number[top] == NO_GROUP {
                        number[top] = subject.len() as u32;
                        subject.push(Id::from(ds.entities[top].id.as_str()));
                    }
                    of[e] = number[top];
                }
                (of, subject)
            }
            Level::Country => (
                ds.entities.iter().map(|e| e.country.0).collect(),
                ds.countries
                    .iter()
                    .map(|c| Id::from(c.code.as_str()))
                    .collect(),
            ),
            Level::Untrusted => (
                g.parties
                    .untrusted
                    .iter()
                    .map(|&u| if u { 0 } else { NO_GROUP })
                    .collect(),
                vec![arcstr::literal!("untrusted")],
            ),
        };
        let mut of_entity = of_entity;
        if matches!(level, Level::Entity | Level::Owner) {
            // A profile's stand-in is a country's or the untrusted bloc's failure, not a firm.
            for (e, ent) in ds.entities.iter().enumerate() {
                if ent.is_stand_in() {
                    of_entity[e] = NO_GROUP;
                }
            }
        }
        let mut members = vec![Vec::new(); subject.len()];
        for (e, &grp) in of_entity.iter().enumerate() {
            if grp != NO_GROUP {
                members[grp as usize].push(EntityIx(e as u32));
            }
        }
        Groups {
            level,
            of_entity,
            subject,
            members,
        }
    }

    pub fn len(&self) -> usize {
        self.subject.len()
    }

    pub fn is_empty(&self) -> bool {
        self.subject.is_empty()
    }

    /// The group of entity `e`, if it has one.
    pub fn of(&self, e: EntityIx) -> Option<u32> {
        let grp = self.of_entity[e.ix()];
        (grp != NO_GROUP).then_some(grp)
    }

    /// Group `grp`'s name as findings give it: the entity's or ultimate owner's name, the
    /// country's name (its code when it has none), or `all untrusted suppliers`.
    pub fn name(&self, ds: &Dataset, grp: u32) -> String {
        let subject = &self.subject[grp as usize];
        match self.level {
            Level::Entity | Level::Owner => ds.entity(ds.entity_ix[subject.as_str()]).name.clone(),
            Level::Country => {
                let c = &ds.countries[grp as usize];
                c.name.clone().unwrap_or_else(|| c.code.clone())
            }
            Level::Untrusted => "all untrusted suppliers".into(),
        }
    }
}
