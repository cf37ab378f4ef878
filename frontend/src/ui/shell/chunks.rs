//! Views fetched on demand, each a WASM chunk of its own that
//! `scripts/build-site.sh` splits off with `wasm-split-cli`: their code
//! costs nothing to someone who never opens them (docs/size.md).
//!
//! The split-point macro declares a WASM import and export, which needs
//! `unsafe` in generated code; this module alone allows it.
#![allow(unsafe_code)]

use leptos::prelude::*;
use leptos::wasm_split::SplitLoaderError;

use parlons_shared::session::ConversationId;
use xmpp_parsers::jid::BareJid;

use crate::controller::sink::LoginRequest;
use crate::i18n::t;
use crate::ui::account::register::RegisterPage;
use crate::ui::account::settings::SettingsContent;
use crate::ui::contacts::request_list::RequestList;
use crate::ui::conversation::ConversationPane;
use crate::ui::rooms::join::JoinRoom;
use crate::ui::rooms::room_dialog::RoomDialogHandle;
use crate::ui::rooms::room_view::RoomPane;
use crate::ui::rooms::sidebar::RoomList;

/// A chunk could not be fetched: offline, or the site was updated since
/// the page loaded.
#[derive(Debug, Clone, Copy)]
pub struct Unavailable;

impl From<SplitLoaderError> for Unavailable {
    fn from(_: SplitLoaderError) -> Self {
        Self
    }
}

/// Create account, with XEP-0077 and data forms.
#[leptos::wasm_split::wasm_split(register, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn register_view(
    on_login: Callback<LoginRequest, Result<(), String>>,
    creating: RwSignal<bool>,
) -> Result<AnyView, Unavailable> {
    Ok(view! { <RegisterPage on_login=move |r| on_login.run(r) creating=creating /> }.into_any())
}

/// A conversation: the log, styled text and the composer. Fetched ahead
/// once signed in ([`preload_conversation`]), so opening one does not wait.
#[leptos::wasm_split::wasm_split(
    conversation,
    wasm_split_path = ::leptos::wasm_split,
    fallible,
    preload(preload_conversation)
)]
pub fn conversation_view(id: ConversationId) -> Result<AnyView, Unavailable> {
    Ok(view! { <ConversationPane id=id /> }.into_any())
}

/// A room: its subject, log, composer and occupants, and what owners and
/// moderators may do there.
#[leptos::wasm_split::wasm_split(room, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn room_view(room: BareJid) -> Result<AnyView, Unavailable> {
    Ok(view! { <RoomPane room=room /> }.into_any())
}

/// The sidebar's rooms and invitations, fetched once the contacts show.
#[leptos::wasm_split::wasm_split(room_list, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn room_list_view(dialog: RoomDialogHandle) -> Result<AnyView, Unavailable> {
    Ok(view! { <RoomList dialog=dialog /> }.into_any())
}

/// The room dialog: join by address, create, or browse public rooms.
#[leptos::wasm_split::wasm_split(join_room, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn join_view(dialog: NodeRef<leptos::html::Dialog>, create: bool) -> Result<AnyView, Unavailable> {
    Ok(view! { <JoinRoom dialog=dialog create=create /> }.into_any())
}

/// Settings: theme, language, notifications, `xmpp:` links and the password.
#[leptos::wasm_split::wasm_split(settings, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn settings_view(dialog: NodeRef<leptos::html::Dialog>) -> Result<AnyView, Unavailable> {
    Ok(view! { <SettingsContent dialog=dialog /> }.into_any())
}

/// Message requests: what strangers sent, with Accept, Dismiss and Block.
#[leptos::wasm_split::wasm_split(message_requests, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn message_requests_view(dialog: NodeRef<leptos::html::Dialog>) -> Result<AnyView, Unavailable> {
    Ok(view! { <RequestList dialog=dialog /> }.into_any())
}

/// Shows the view that `load` fetches, or says it could not be, with
/// "Try again"; it is tried again by itself once the connection is back
/// (a failed fetch is not remembered).
pub fn on_demand<F, Fut>(load: F) -> impl IntoView
where
    F: Fn() -> Fut + 'static,
    Fut: std::future::Future<Output = Result<AnyView, Unavailable>> + 'static,
{
    let attempt = RwSignal::new(0u32);
    let load = send_wrapper::SendWrapper::new(load);
    move || {
        attempt.track();
        let chunk = (*load)();
        let view = async move {
            match chunk.await {
                Ok(view) => view,
                Err(Unavailable) => unavailable(attempt),
            }
        };
        let view = Suspend::new(send_wrapper::SendWrapper::new(view));
        view! { <Suspense fallback=|| ()>{view}</Suspense> }
    }
}

/// The chunk could not be fetched: a sentence, and another try.
fn unavailable(attempt: RwSignal<u32>) -> AnyView {
    let again = move || attempt.update(|n| *n += 1);
    let store = crate::controller::use_store();
    Effect::new(move |was_online: Option<bool>| {
        let online = store.with(|s| s.connection == crate::store::Connection::Online);
        if online && was_online == Some(false) {
            again();
        }
        online
    });
    view! {
        <div class="error" role="alert">
            <p>{t("chunk-unavailable")}</p>
            <button type="button" on:click=move |_| again()>{move || t("chunk-retry")}</button>
        </div>
    }
    .into_any()
}
