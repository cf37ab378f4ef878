//! The room dialog in the main module; its form (`rooms::join::JoinRoom`)
//! is a chunk fetched on first opening.

use leptos::prelude::*;

use super::chunks;
use crate::ui::rooms::room_dialog::RoomDialogHandle;

/// The room dialog.
#[component]
pub fn RoomDialog(handle: RoomDialogHandle) -> impl IntoView {
    let dialog = handle.dialog;
    view! {
        <dialog node_ref=dialog class="dialog" aria-labelledby="room-dialog-title">
            {move || handle.mode.get().map(|create| chunks::on_demand(move || chunks::join_view(dialog, create)))}
        </dialog>
    }
}
