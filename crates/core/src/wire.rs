//! Cleverbridge Subscription API wire types (SPEC §6). Filled in with the proxy.
