//! `UpdateAction`, as an integer or a name; always sent as the integer.

use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::value::RawValue;

use crate::alignment::UpdateAction;

/// `UpdateAction` on the wire: accepted as `0`/`1`/`2` or `"Update"`/`"Upgrade"`/
/// `"Downgrade"`, always sent as the integer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WireUpdateAction(pub UpdateAction);

impl<'de> Deserialize<'de> for WireUpdateAction {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = Box::<RawValue>::deserialize(d)?;
        let t = raw.get().trim();
        let text = if t.starts_with('"') {
            serde_json::from_str::<String>(t).map_err(de::Error::custom)?
        } else {
            t.to_owned()
        };
        UpdateAction::from_wire_name(text.trim())
            .map(WireUpdateAction)
            .ok_or_else(|| de::Error::custom(format!("unknown UpdateAction: {text}")))
    }
}

impl Serialize for WireUpdateAction {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u8(self.0.wire_code())
    }
}
