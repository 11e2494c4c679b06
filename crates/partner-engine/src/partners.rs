//! Partner operations: the tier-1 distributor's view of its tier-2 resellers.

use partner_domain::{
    paging::{PageRules, Paged},
    partners::{self, IndirectPartnerFilter, Partner, PartnerId},
};

use crate::{Caller, Engine, EngineError};

/// `ListIndirectPartners` as the request gives it.
#[derive(Clone, Debug, Default)]
pub struct IndirectPartnerQuery {
    pub filter: IndirectPartnerFilter,
    pub offset: Option<i64>,
    pub limit: Option<i64>,
}

impl Engine {
    /// `ListIndirectPartners`: a distributor's resellers, filtered and paged.
    pub async fn list_indirect_partners(
        &self,
        caller: &Caller,
        query: IndirectPartnerQuery,
    ) -> Result<Paged<Partner>, EngineError> {
        let mut tx = self.store.read().await?;
        let partner = self.calling_partner(&mut *tx, caller).await?;
        partners::may_list_indirect_partners(&partner)?;
        let page = PageRules::PARTNER_LISTS.page(query.offset, query.limit)?;
        Ok(tx.indirect_partners(&partner.id, &query.filter, page).await?)
    }

    /// The partner an operation acts on: the caller, or the caller's reseller when a
    /// distributor passes `indirect_partner_id`.
    pub(crate) async fn acting_partner(
        &self,
        tx: &mut dyn partner_store::Tx,
        caller: Partner,
        indirect_partner_id: Option<&str>,
    ) -> Result<Partner, EngineError> {
        let indirect = match indirect_partner_id.filter(|id| !id.is_empty()) {
            Some(id) => tx.partner(&PartnerId(id.to_owned())).await?,
            None => None,
        };
        Ok(partners::acting_partner(&caller, indirect_partner_id, indirect.as_ref())?.clone())
    }
}
