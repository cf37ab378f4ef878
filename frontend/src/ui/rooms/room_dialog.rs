//! Which room dialog to show: the rooms list (a chunk) opens it, the shell
//! holds it (`ui/shell/room_dialog.rs`), so the list does not name the
//! chunks.

use leptos::html;
use leptos::prelude::*;

use crate::ui::dialog;

/// The dialog, and which form it shows once opened: Join room (`false`)
/// or Create room (`true`).
#[derive(Clone, Copy, Default)]
pub struct RoomDialogHandle {
    /// The dialog element.
    pub dialog: NodeRef<html::Dialog>,
    /// The form asked for; `None` until first opened.
    pub mode: RwSignal<Option<bool>>,
}

impl RoomDialogHandle {
    /// Opens it on Join room, or on Create room, modal.
    pub fn open(self, create: bool) {
        self.mode.set(Some(create));
        dialog::open(self.dialog);
    }
}
