//! Fault injection: what `POST /sandbox/_admin/fault` accepts and which requests a fault
//! hits (by kind — read, preview, commit —, by Cleverbridge call and by subscription).

use serde::{Deserialize, Serialize};

/// What an injected fault does to a Cleverbridge request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum FaultKind {
    /// Sleep `ms` (default 500), then answer normally.
    Latency,
    /// Answer 500; nothing applied.
    Status500,
    /// Answer Cleverbridge's HTML 429; nothing applied.
    Status429,
    /// Answer a truncated 200 body (after `ms`, default at once); nothing applied.
    Malformed,
    /// Sleep `ms` (default one hour), then answer 500; nothing applied.
    Hang,
    /// Process the request (a commit is applied), then sleep `ms` (default one hour)
    /// before answering.
    ApplyThenHang,
    /// Read the request, then close the connection without an answer; nothing applied.
    ResetBeforeApply,
    /// Process the request (a commit is applied), then close the connection without an
    /// answer.
    ResetAfterApply,
    /// Sleep `ms` (default 5000), then process the request (a commit is applied, even if
    /// the client gave up meanwhile) and answer.
    ApplyAfterDelay,
    /// Process the request (a commit is applied), then answer 500.
    Status500AfterApply,
    /// Process the request twice, as a duplicated delivery would (a commit is applied
    /// twice), and answer the second outcome.
    Duplicate,
}

impl FaultKind {
    /// Every spelling, for error messages.
    pub const NAMES: &'static str = "latency, status500, status429, malformed, hang, applyThenHang, resetBeforeApply, resetAfterApply, applyAfterDelay, status500AfterApply, duplicate";
}

/// The Cleverbridge call the sandbox is answering (its name in the URL, in the counters and
/// in a fault's `call`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Call {
    /// `getsubscription`.
    GetSubscription,
    /// `updatesubscriptionitem` (seats or a change of plan).
    UpdateSubscriptionItem,
    /// `addsubscriptionitem` (an add-on).
    AddSubscriptionItem,
    /// `deactivatesubscriptionitems` (an item ends at the next billing date).
    DeactivateSubscriptionItems,
}

impl Call {
    /// Every call, in counter order.
    pub const ALL: [Self; 4] = [
        Self::GetSubscription,
        Self::UpdateSubscriptionItem,
        Self::AddSubscriptionItem,
        Self::DeactivateSubscriptionItems,
    ];
    /// Every spelling, for error messages.
    pub const NAMES: &'static str =
        "getsubscription, updatesubscriptionitem, addsubscriptionitem, deactivatesubscriptionitems";

    /// The call's name (the last part of its URL).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::GetSubscription => "getsubscription",
            Self::UpdateSubscriptionItem => "updatesubscriptionitem",
            Self::AddSubscriptionItem => "addsubscriptionitem",
            Self::DeactivateSubscriptionItems => "deactivatesubscriptionitems",
        }
    }
}

/// The kind of Cleverbridge request the sandbox is answering.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RequestKind {
    /// `getsubscription`.
    GetSubscription,
    /// `updatesubscriptionitem` or `addsubscriptionitem` with
    /// `GetCustomerPricePreviewOnly: true`.
    Preview,
    /// A request that changes the subscription (or cannot be read): an update or an add
    /// that is not a preview, every `deactivatesubscriptionitems`.
    Commit,
}

impl RequestKind {
    /// All kinds, in counter order.
    pub const ALL: [Self; 3] = [Self::GetSubscription, Self::Preview, Self::Commit];

    /// The name used in counters and fault targets.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::GetSubscription => "getsubscription",
            Self::Preview => "preview",
            Self::Commit => "commit",
        }
    }
}

/// Which requests a fault applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FaultTarget {
    /// Every Cleverbridge request.
    #[default]
    Any,
    /// `getsubscription` only.
    GetSubscription,
    /// Previews only.
    Preview,
    /// Commits only.
    Commit,
}

/// An injected fault for the next `count` Cleverbridge requests of the targeted kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fault {
    /// What it does.
    pub fault: FaultKind,
    /// How many matching requests it applies to (default 1).
    #[serde(default = "one")]
    pub count: u32,
    /// Delay for `latency` (default 500) and `hang` / `applyThenHang` (default one hour).
    #[serde(default)]
    pub ms: Option<u64>,
    /// Which requests it applies to (default `any`); other requests pass untouched and
    /// do not use up `count`.
    #[serde(default)]
    pub target: FaultTarget,
    /// Only requests for these subscriptions (default: every subscription); others pass
    /// untouched and do not use up `count`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subscriptions: Vec<String>,
    /// Only requests of this Cleverbridge call (default: every call); others pass
    /// untouched and do not use up `count`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call: Option<Call>,
    /// `status429` only: the `Retry-After` header's text, sent verbatim instead of the
    /// seconds of `ms` (a client's bounds under test: `18446744073709551615`, an HTTP
    /// date, `soon`).
    #[serde(
        default,
        rename = "retryAfter",
        skip_serializing_if = "Option::is_none"
    )]
    pub retry_after: Option<String>,
}

fn one() -> u32 {
    1
}

impl Fault {
    /// Whether this fault hits a request of `kind`, made by `call`, for `subscription`
    /// (when known).
    pub fn hits(&self, call: Call, kind: RequestKind, subscription: Option<&str>) -> bool {
        self.call.is_none_or(|c| c == call) && self.matches(kind, subscription)
    }

    /// Whether this fault hits a request of `kind` for `subscription` (when known),
    /// whichever call it is.
    pub fn matches(&self, kind: RequestKind, subscription: Option<&str>) -> bool {
        if !self.subscriptions.is_empty()
            && !subscription.is_some_and(|s| self.subscriptions.iter().any(|x| x == s))
        {
            return false;
        }
        match self.target {
            FaultTarget::Any => true,
            FaultTarget::GetSubscription => kind == RequestKind::GetSubscription,
            FaultTarget::Preview => kind == RequestKind::Preview,
            FaultTarget::Commit => kind == RequestKind::Commit,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_spelling() {
        let f: Fault =
            serde_json::from_str(r#"{"fault":"applyThenHang","target":"commit","ms":5}"#).unwrap();
        assert_eq!(f.fault, FaultKind::ApplyThenHang);
        assert_eq!(f.count, 1);
        assert!(f.matches(RequestKind::Commit, None) && !f.matches(RequestKind::Preview, None));
        let f: Fault = serde_json::from_str(r#"{"fault":"status429","count":2}"#).unwrap();
        assert_eq!(f.target, FaultTarget::Any);
        let f: Fault =
            serde_json::from_str(r#"{"fault":"status500","target":"getsubscription"}"#).unwrap();
        assert!(f.matches(RequestKind::GetSubscription, Some("S1")));
        let f: Fault = serde_json::from_str(
            r#"{"fault":"malformed","target":"getsubscription","subscriptions":["S1"]}"#,
        )
        .unwrap();
        assert!(f.matches(RequestKind::GetSubscription, Some("S1")));
        assert!(!f.matches(RequestKind::GetSubscription, Some("S2")));
        assert!(!f.matches(RequestKind::GetSubscription, None));
        let f: Fault = serde_json::from_str(r#"{"fault":"resetAfterApply"}"#).unwrap();
        assert_eq!(f.fault, FaultKind::ResetAfterApply);
        let f: Fault = serde_json::from_str(r#"{"fault":"status500AfterApply"}"#).unwrap();
        assert_eq!(f.fault, FaultKind::Status500AfterApply);
        let f: Fault =
            serde_json::from_str(r#"{"fault":"status429","retryAfter":"soon"}"#).unwrap();
        assert_eq!(f.retry_after.as_deref(), Some("soon"));
        let f: Fault =
            serde_json::from_str(r#"{"fault":"status500","call":"addsubscriptionitem"}"#).unwrap();
        assert!(f.hits(Call::AddSubscriptionItem, RequestKind::Commit, Some("S1")));
        assert!(!f.hits(
            Call::UpdateSubscriptionItem,
            RequestKind::Commit,
            Some("S1")
        ));
        assert!(serde_json::from_str::<Fault>(r#"{"fault":"status500","call":"x"}"#).is_err());
        assert!(serde_json::from_str::<Fault>(r#"{"fault":"boom"}"#).is_err());
        assert!(serde_json::from_str::<Fault>(r#"{"fault":"hang","target":"x"}"#).is_err());
    }
}
