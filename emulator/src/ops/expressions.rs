//! Applying parsed expressions to items (decoding them is `protocol::wire::expressions`).

use super::Cx;
use crate::expr::{self, Condition, Path};
use crate::model::{Item, Stored};

/// Whether an optional condition holds, in request `cx`, for an item that may not exist.
pub fn holds<'a>(cx: &Cx, condition: Option<&Condition>, item: impl FnOnce() -> Option<&'a Item>) -> bool {
    static EMPTY: Item = Item::new();
    if cx.ignores_conditions() {
        return true;
    }
    condition.is_none_or(|c| c.eval(item().unwrap_or(&EMPTY)))
}

/// The item as a projection asks for it.
pub fn projected(item: Item, projection: Option<&[Path]>) -> Item {
    match projection {
        Some(paths) => expr::project(&item, paths),
        None => item,
    }
}

/// A stored item as a projection asks for it, to be answered after its table's lock is released:
/// shared whole without a projection, so it is neither copied nor decoded.
pub fn projected_stored(item: &Stored, projection: Option<&[Path]>) -> Stored {
    match projection {
        Some(paths) => Stored::new(&expr::project(&item.item(), paths)),
        None => item.clone(),
    }
}
