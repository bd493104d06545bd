//! The HTTP surface: the API over real processes and in-process, the OpenAPI contract, quote-token rotation, Cleverbridge's notifications.

mod api;
mod clock;
mod contract;
mod in_process;
mod notifications;
mod quote_rotation;
mod summary;
