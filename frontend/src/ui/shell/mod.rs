//! The signed-in layout: contacts beside the conversation; below 700 px,
//! one pane at a time.

pub mod chunks;
pub mod notice;
pub mod room_dialog;
pub mod status_line;
pub mod window;

use leptos::prelude::*;
use parlons_shared::session::ConversationId;

use crate::controller::use_store;
use crate::i18n::t;
use crate::ui::account::own_status::OwnStatus;
use crate::ui::account::settings_dialog::{SettingsDialog, SettingsDialogHandle};
use crate::ui::contacts::list::ContactList;
use crate::ui::contacts::message_requests::MessageRequests;
use crate::ui::contacts::requests::SubscriptionRequests;
use crate::ui::rooms::room_dialog::RoomDialogHandle;
use notice::NoticeLine;
use room_dialog::RoomDialog;
use status_line::StatusLine;

/// The signed-in screen.
#[component]
pub fn Shell() -> impl IntoView {
    let store = use_store();
    let settings = SettingsDialogHandle::default();
    let rooms = RoomDialogHandle::default();
    // Only a change of conversation renders the pane anew.
    let open = Memo::new(move |_| store.with(|s| s.open.clone()));
    let open = move || open.get();
    // Once the contacts show, fetch the conversation view ahead of need.
    set_timeout(
        || {
            leptos::task::spawn_local(async {
                let _ = chunks::preload_conversation().await;
            })
        },
        std::time::Duration::from_secs(1),
    );
    view! {
        <main class="shell" class:chat-open=move || open().is_some()>
            <header class="topbar">
                <h1 class="brand">"Parlons"</h1>
                <OwnStatus settings=settings />
            </header>
            <div class="lines">
                <StatusLine />
                <NoticeLine />
            </div>
            <aside class="sidebar">
                <SubscriptionRequests />
                <MessageRequests />
                {chunks::on_demand(move || chunks::room_list_view(rooms))}
                <ContactList />
            </aside>
            <div class="pane">
                {move || match open() {
                    Some(ConversationId::Room(room)) => chunks::on_demand(move || chunks::room_view(room.clone())).into_any(),
                    Some(id) => chunks::on_demand(move || chunks::conversation_view(id.clone())).into_any(),
                    None => view! { <p class="empty">{move || t("pick-contact")}</p> }.into_any(),
                }}
            </div>
            <SettingsDialog handle=settings />
            <RoomDialog handle=rooms />
        </main>
    }
}
