//! Applying parsed expressions to items (decoding them is `protocol::wire::expressions`).

use std::borrow::Cow;
use std::sync::Arc;

use super::Cx;
use crate::expr::{self, Condition, Path};
use crate::model::Item;

/// Whether an optional condition holds, in request `cx`, for an item that may not exist.
pub fn holds(cx: &Cx, condition: Option<&Condition>, item: Option<&Item>) -> bool {
    static EMPTY: Item = Item::new();
    if cx.ignores_conditions() {
        return true;
    }
    condition.is_none_or(|c| c.eval(item.unwrap_or(&EMPTY)))
}

/// The item as a projection asks for it: borrowed whole without one, so reads that return whole
/// items encode them without a copy.
pub fn projected<'a>(item: &'a Item, projection: Option<&[Path]>) -> Cow<'a, Item> {
    match projection {
        Some(paths) => Cow::Owned(expr::project(item, paths)),
        None => Cow::Borrowed(item),
    }
}

/// [`projected`] for a stored item answered after its table's lock is released: shared whole
/// without a projection, so it is not copied.
pub fn projected_shared(item: &Arc<Item>, projection: Option<&[Path]>) -> Arc<Item> {
    match projection {
        Some(paths) => Arc::new(expr::project(item, paths)),
        None => Arc::clone(item),
    }
}
