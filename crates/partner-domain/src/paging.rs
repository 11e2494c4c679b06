//! Offset paging as the partner API does it: a row offset and a bounded page size.

/// A validated page request: `offset` rows skipped, at most `limit` rows returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Page {
    offset: u64,
    limit: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PageError {
    #[error("offset must be between 0 and {max}")]
    OffsetOutOfRange { max: u64 },
    #[error("limit must be between 1 and {max}")]
    LimitOutOfRange { max: u64 },
}

impl PageError {
    /// The rule's name, as audit events record a refusal.
    pub fn rule(&self) -> &'static str {
        match self {
            PageError::OffsetOutOfRange { .. } => "OffsetOutOfRange",
            PageError::LimitOutOfRange { .. } => "LimitOutOfRange",
        }
    }
}

/// The bounds one operation documents for its paging parameters.
#[derive(Clone, Copy, Debug)]
pub struct PageRules {
    pub offset_max: u64,
    pub limit_default: u64,
    pub limit_max: u64,
}

impl PageRules {
    /// `ListSubCustomers` and `ListIndirectPartners`: offset 0–40000000, limit 1–100, default 10.
    pub const PARTNER_LISTS: PageRules =
        PageRules { offset_max: 40_000_000, limit_default: 10, limit_max: 100 };

    /// `ListSubCustomerNewTag`: offset 0–2147483647, limit 1–200, default 10.
    pub const NEW_CUSTOMER_TAGS: PageRules =
        PageRules { offset_max: 2_147_483_647, limit_default: 10, limit_max: 200 };

    /// The fund record lists: offset 0–2147483647, limit 1–100, default 10.
    pub const FUND_RECORDS: PageRules =
        PageRules { offset_max: 2_147_483_647, limit_default: 10, limit_max: 100 };

    pub fn page(self, offset: Option<i64>, limit: Option<i64>) -> Result<Page, PageError> {
        let offset = match offset {
            None => 0,
            Some(o) => u64::try_from(o)
                .ok()
                .filter(|o| *o <= self.offset_max)
                .ok_or(PageError::OffsetOutOfRange { max: self.offset_max })?,
        };
        let limit = match limit {
            None => self.limit_default,
            Some(l) => u64::try_from(l)
                .ok()
                .filter(|l| (1..=self.limit_max).contains(l))
                .ok_or(PageError::LimitOutOfRange { max: self.limit_max })?,
        };
        Ok(Page { offset, limit })
    }
}

impl Page {
    pub fn offset(self) -> u64 {
        self.offset
    }

    pub fn limit(self) -> u64 {
        self.limit
    }

    /// The rows of this page out of all matching rows, with the total count.
    pub fn cut<T>(self, rows: Vec<T>) -> Paged<T> {
        let total = rows.len() as u64;
        let offset = usize::try_from(self.offset).unwrap_or(usize::MAX);
        let limit = usize::try_from(self.limit).unwrap_or(usize::MAX);
        Paged { total, rows: rows.into_iter().skip(offset).take(limit).collect() }
    }
}

/// One page of rows and how many rows matched in all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Paged<T> {
    pub total: u64,
    pub rows: Vec<T>,
}
