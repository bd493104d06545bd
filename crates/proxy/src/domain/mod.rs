//! The proxy's own concepts, pure (no I/O, no HTTP, no database): a commit [`intent`],
//! the outbox's [`event`]s and their bodies, Cleverbridge's [`notification`]s and how a
//! notified item compares with the ledger, [`quote_token`] claims, and the merchant's
//! pricing [`policy`] with its [`catalogue`] (plans, add-ons, drops).

pub mod catalogue;
pub mod event;
pub mod intent;
pub mod notification;
pub mod policy;
pub mod quote_token;
