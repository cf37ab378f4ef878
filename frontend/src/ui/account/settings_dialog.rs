//! The Settings dialog in the main module; what it holds
//! (`settings::SettingsContent`) is a chunk fetched on first opening.

use leptos::html;
use leptos::prelude::*;

use crate::ui::shell::chunks;

use crate::i18n::t;
use crate::ui::dialog;

/// The Settings dialog, and whether it was ever opened: what it holds is a
/// chunk fetched on first opening.
#[derive(Clone, Copy, Default)]
pub struct SettingsDialogHandle {
    dialog: NodeRef<html::Dialog>,
    opened: RwSignal<bool>,
}

impl SettingsDialogHandle {
    /// Opens it, modal.
    pub fn open(self) {
        self.opened.set(true);
        dialog::open(self.dialog);
    }
}

/// The Settings dialog.
#[component]
pub fn SettingsDialog(handle: SettingsDialogHandle) -> impl IntoView {
    let dialog = handle.dialog;
    view! {
        <dialog node_ref=dialog class="dialog" aria-labelledby="settings-title">
            <h2 id="settings-title">{move || t("settings")}</h2>
            {move || handle.opened.get().then(|| chunks::on_demand(move || chunks::settings_view(dialog)))}
        </dialog>
    }
}
