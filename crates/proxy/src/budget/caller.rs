//! On whose behalf an upstream request waits, and in which queue ([`super::fair`]).

/// Which queue a request waits in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Class {
    /// A commit, its guard read and re-preview, and reconciliation reads: served first.
    Commit,
    /// Subscription reads and previews.
    Normal,
}

impl Class {
    /// The metrics label.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Commit => "commit",
            Self::Normal => "normal",
        }
    }
}

/// On whose behalf a request is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// The customer (the merchant's customer id), or a worker's name.
    pub customer: String,
    /// The queue.
    pub class: Class,
}

impl Caller {
    /// A customer's read or preview.
    pub fn normal(customer: &str) -> Self {
        Self {
            customer: customer.to_owned(),
            class: Class::Normal,
        }
    }

    /// A customer's commit and what it needs first.
    pub fn commit(customer: &str) -> Self {
        Self {
            customer: customer.to_owned(),
            class: Class::Commit,
        }
    }
}
