//! The HTTP surface: the API over real processes and in-process, the OpenAPI contract, quote-token rotation, Cleverbridge's notifications, numeric subscription ids, the server's limits.

mod api;
mod clock;
mod contract;
mod in_process;
mod notifications;
mod numeric_ids;
mod quote_rotation;
mod server_limits;
mod summary;
