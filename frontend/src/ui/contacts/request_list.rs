//! Message requests (a chunk): what each stranger sent, as plain text, with
//! Accept, Dismiss and Block (XEP-0191, where the server can).

use leptos::html;
use leptos::prelude::*;
use xmpp_parsers::jid::BareJid;

use crate::controller::actions;

use crate::ui::dialog;

use crate::controller::use_store;
use crate::i18n::{t, t_with};
use crate::store::strangers::Request;

/// The requests, newest first, and Close.
#[component]
pub fn RequestList(
    /// The dialog it is in, closed by Accept and Close.
    dialog: NodeRef<html::Dialog>,
) -> impl IntoView {
    let store = use_store();
    let requests = Memo::new(move |_| store.with(|s| s.strangers.iter().rev().cloned().collect::<Vec<_>>()));
    // Emptied, there is nothing left to show.
    Effect::new(move |_| {
        if requests.with(Vec::is_empty) {
            dialog::close(dialog);
        }
    });
    view! {
        <p class="hint">{move || t("message-requests-hint")}</p>
        <ul class="request-list">
            <For each=move || requests.get() key=item_key let:request>
                <RequestItem request=request dialog=dialog />
            </For>
        </ul>
        <div class="actions">
            <button type="button" on:click=move |_| dialog::close(dialog)>{move || t("close")}</button>
        </div>
    }
}

/// Changes with any of the request's messages, corrections included.
fn item_key(r: &Request) -> (BareJid, Vec<(String, bool)>) {
    (
        r.jid.clone(),
        r.messages.iter().map(|m| (m.key.clone(), m.edited)).collect(),
    )
}

/// One sender: its address, its messages, and what to do with them. Each
/// button's name says whose request it is.
#[component]
fn RequestItem(request: Request, dialog: NodeRef<html::Dialog>) -> impl IntoView {
    let store = use_store();
    let can_block = move || store.with(|s| s.blocked.is_some());
    let jid = request.jid.clone();
    let on = move |act: fn(BareJid)| {
        let jid = jid.clone();
        move |_| act(jid.clone())
    };
    let accept = {
        let jid = request.jid.clone();
        move |_| {
            dialog::close(dialog);
            actions::accept_request(jid.clone());
        }
    };
    let address = request.jid.to_string();
    let named = move |key: &'static str| {
        let address = address.clone();
        move || t_with(key, &[("jid", &address)])
    };
    view! {
        <li class="message-request">
            <h3>{request.jid.to_string()}</h3>
            {request
                .messages
                .into_iter()
                .map(|m| view! { <p class="body">{m.body}</p> })
                .collect_view()}
            <div class="request">
                <button type="button" class="primary" aria-label=named("accept-from") on:click=accept>
                    {move || t("accept")}
                </button>
                <button type="button" aria-label=named("dismiss-from") on:click=on(actions::dismiss_request)>
                    {move || t("request-dismiss")}
                </button>
                <button
                    type="button"
                    aria-label=named("block-address")
                    hidden=move || !can_block()
                    on:click=on(actions::block)
                >
                    {move || t("block")}
                </button>
            </div>
        </li>
    }
}
