//! Deals (对接跟踪): a demand's matchmaking followed from `matched` to `closed`, one step at a
//! time, by the matchmakers and the demand's publisher, who are told of each step in their inbox.

use std::sync::Arc;

use kechuang_matching::Kind;
use kechuang_store::{AuditAction, Deal};
use serde::Deserialize;

use super::{Indexed, Matchmaking};
use crate::access::Role;
use crate::{Caller, Error, Result};

/// The statuses of a deal, in order.
pub const DEAL_STATUSES: [&str; 5] = ["open", "matched", "in_contact", "contract", "closed"];

/// Whether a deal may move from `from` to `to`: one step on, or closed from anywhere.
pub fn may_move(from: &str, to: &str) -> bool {
    let at = |s: &str| DEAL_STATUSES.iter().position(|x| *x == s);
    match (at(from), at(to)) {
        (Some(a), Some(b)) => b == a + 1 || (to == "closed" && from != "closed"),
        _ => false,
    }
}

/// A deal to open.
#[derive(Debug, Deserialize)]
pub struct DealBody {
    /// The demand.
    pub demand_id: String,
    /// The candidate's kind.
    pub supply_kind: String,
    /// The candidate.
    pub supply_id: String,
}

/// A status change.
#[derive(Debug, Deserialize)]
pub struct MoveBody {
    /// The new status.
    pub status: String,
    /// A note.
    #[serde(default)]
    pub note: String,
}

/// `?demand=`.
#[derive(Debug, Deserialize)]
pub struct DealsParams {
    /// Only this demand's.
    pub demand: Option<String>,
}

impl Matchmaking<'_> {
    /// Who may see and move a demand's deals: matchmakers (analysts, administrators) and the account
    /// that published the demand.
    async fn deal_rights(
        &self,
        caller: &Caller<'_>,
        demand_id: &str,
    ) -> Result<(Arc<Indexed>, usize)> {
        let p = caller.principal;
        let (idx, at) = self.find(caller, "demand", demand_id).await?;
        let owner = &idx.owners[at];
        if !(matches!(p.role, Role::Admin | Role::Analyst) || owner == &p.name) {
            return Err(Error::Forbidden(
                "only matchmakers and the demand's publisher follow its deals".into(),
            ));
        }
        Ok((idx, at))
    }

    /// Opens a deal (status `matched`) and tells the demand's publisher.
    pub async fn start_deal(&self, caller: &Caller<'_>, body: &DealBody) -> Result<i64> {
        let p = caller.principal;
        let (idx, at) = self.deal_rights(caller, &body.demand_id).await?;
        self.find(caller, &body.supply_kind, &body.supply_id)
            .await?;
        let id = self
            .store
            .open_deal(&body.demand_id, &body.supply_kind, &body.supply_id, &p.name)
            .await?;
        let title = &idx.index.docs()[at].title;
        self.tell(
            &[idx.owners[at].as_str()],
            &p.name,
            &format!(
                "需求「{title}」有新的对接：{} {}",
                body.supply_kind, body.supply_id
            ),
            &body.demand_id,
        )
        .await?;
        self.auditor
            .record(
                &p.name,
                AuditAction::DealOpen,
                &format!(
                    "{id} {} → {} {}",
                    body.demand_id, body.supply_kind, body.supply_id
                ),
                caller.remote,
                "ok",
            )
            .await;
        Ok(id)
    }

    /// Leaves a message about a demand's deals with each of `people` but the one acting.
    async fn tell(
        &self,
        people: &[&str],
        acting: &str,
        message: &str,
        demand_id: &str,
    ) -> Result<()> {
        let mut told = std::collections::HashSet::new();
        for who in people {
            if !who.is_empty() && *who != acting && told.insert(*who) {
                self.store
                    .notify(who, message, &format!("/match/demand/{demand_id}"))
                    .await?;
            }
        }
        Ok(())
    }

    /// Moves a deal one step (or closes it), telling the other side.
    pub async fn step_deal(&self, caller: &Caller<'_>, id: i64, body: &MoveBody) -> Result<Deal> {
        let p = caller.principal;
        let deal = self
            .store
            .deal(id)
            .await?
            .ok_or_else(|| Error::NotFound(format!("no deal {id}")))?;
        // A deal the caller may not follow answers exactly as one that does not exist, so that deal
        // ids cannot be enumerated.
        let (idx, at) = self
            .deal_rights(caller, &deal.demand_id)
            .await
            .map_err(|e| match e {
                Error::Forbidden(_) | Error::NotFound(_) => {
                    Error::NotFound(format!("no deal {id}"))
                }
                other => other,
            })?;
        if !may_move(&deal.status, &body.status) {
            return Err(Error::Conflict(format!(
                "a deal at {} cannot move to {}: one step at a time ({}), or closed",
                deal.status,
                body.status,
                DEAL_STATUSES.join(" → ")
            )));
        }
        if !self
            .store
            .move_deal(id, &deal.status, &body.status, body.note.trim(), &p.name)
            .await?
        {
            return Err(Error::Conflict(
                "the deal was changed meanwhile; reload it".into(),
            ));
        }
        let title = &idx.index.docs()[at].title;
        self.tell(
            &[idx.owners[at].as_str(), deal.created_by.as_str()],
            &p.name,
            &format!(
                "需求「{title}」的对接 #{id}：{} → {}",
                deal.status, body.status
            ),
            &deal.demand_id,
        )
        .await?;
        self.auditor
            .record(
                &p.name,
                AuditAction::DealMove,
                &format!("{id} {} → {}", deal.status, body.status),
                caller.remote,
                "ok",
            )
            .await;
        self.store
            .deal(id)
            .await?
            .ok_or_else(|| Error::NotFound(format!("no deal {id}")))
    }

    /// Deals the principal may follow (of one demand, or all for matchmakers).
    pub async fn visible_deals(
        &self,
        caller: &Caller<'_>,
        demand: Option<&str>,
    ) -> Result<Vec<Deal>> {
        let p = caller.principal;
        match demand {
            Some(d) => {
                self.deal_rights(caller, d).await?;
                Ok(self.store.deals(Some(d)).await?)
            }
            None if matches!(p.role, Role::Admin | Role::Analyst) => {
                Ok(self.store.deals(None).await?)
            }
            None => {
                let idx = self.index.current(self.store).await?;
                let mine: std::collections::HashSet<&str> = idx
                    .index
                    .docs()
                    .iter()
                    .zip(&idx.owners)
                    .filter(|(d, o)| d.kind == Kind::Demand && *o == &p.name)
                    .map(|(d, _)| d.id.as_str())
                    .collect();
                Ok(self
                    .store
                    .deals(None)
                    .await?
                    .into_iter()
                    .filter(|d| mine.contains(d.demand_id.as_str()))
                    .collect())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deals_move_one_step_at_a_time_or_close() {
        assert!(may_move("matched", "in_contact"));
        assert!(may_move("in_contact", "contract"));
        assert!(!may_move("matched", "contract"), "no skipping");
        assert!(!may_move("contract", "matched"), "no going back");
        assert!(may_move("matched", "closed"));
        assert!(!may_move("closed", "closed"));
        assert!(!may_move("matched", "signed"));
    }
}
