//! One message in the log: sender, time, styled text, and for our own its
//! delivery state, with Retry when it failed.

use leptos::prelude::*;
use parlons_shared::session::ConversationId;
use parlons_shared::session::Delivery;

use crate::controller::actions;
use crate::i18n::t;
use crate::store::conversation::Message;
use crate::ui::reasons::message_reason;
use crate::ui::rich_text::RichText;

/// `HH:MM` in the browser's time zone; empty for 0.
pub fn short_time(ms: u64) -> String {
    if ms == 0 {
        return String::new();
    }
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    format!("{:02}:{:02}", d.get_hours(), d.get_minutes())
}

/// The local calendar day of a time, as a day count: cheap enough for every
/// message, where [`day`] asks the browser to format.
pub fn day_number(ms: u64) -> i64 {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    let offset_ms = (d.get_timezone_offset() * 60_000.0) as i64;
    (ms as i64 - offset_ms).div_euclid(86_400_000)
}

thread_local! {
    /// The last day formatted: the log asks for the same one on each render.
    static LAST_DAY: std::cell::RefCell<Option<(i64, &'static str, String)>> = const { std::cell::RefCell::new(None) };
}

/// The day of a time, as the log's headings show it.
pub fn day(ms: u64) -> String {
    let (n, tag) = (day_number(ms), crate::i18n::current_tag());
    LAST_DAY.with_borrow_mut(|last| {
        if let Some((day, lang, text)) = last.as_ref()
            && (*day, *lang) == (n, tag)
        {
            return text.clone();
        }
        let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
        let opts = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&opts, &"dateStyle".into(), &"full".into());
        let text = String::from(d.to_locale_date_string(tag, &opts));
        *last = Some((n, tag, text.clone()));
        text
    })
}

/// The translation key of a delivery state.
pub fn delivery_key(d: &Delivery) -> &'static str {
    match d {
        Delivery::Pending => "state-pending",
        Delivery::Sent => "state-sent",
        Delivery::Delivered => "state-delivered",
        Delivery::Displayed => "state-read",
        Delivery::Failed { .. } => "state-failed",
    }
}

/// A message.
#[component]
pub fn MessageRow(
    /// The conversation.
    peer: ConversationId,
    /// The message.
    message: Message,
    /// The sender's name.
    sender: String,
    /// The first of a run from the same sender: the name shows.
    first: bool,
) -> impl IntoView {
    let reason = match &message.delivery {
        Some(Delivery::Failed { error }) => Some(message_reason(error)),
        _ => None,
    };
    let failed = reason.is_some();
    let state = message.delivery.as_ref().map(delivery_key);
    let action = message.action().map(str::to_owned);
    let body = match action {
        Some(a) => view! { <p class="action">{format!("* {sender} {a}")}</p> }.into_any(),
        None => view! { <RichText body=message.body.clone() /> }.into_any(),
    };
    let key = message.key.clone();
    view! {
        <li class="message" class:mine=message.mine class:failed=failed class:mention=message.mention>
            {first.then(|| view! { <span class="sender">{sender.clone()}</span> })}
            <div class="body" dir="auto">{body}</div>
            <span class="meta">
                <time>{short_time(message.timestamp_ms)}</time>
                {message.edited.then(|| view! { <span class="edited">{move || t("edited")}</span> })}
                {state.map(|k| view! { <span class="state" data-state=k>{move || t(k)}</span> })}
                {reason.map(|k| view! { <span class="reason">{move || t(k)}</span> })}
                {failed
                    .then(|| {
                        view! {
                            <button
                                type="button"
                                class="link"
                                on:click=move |_| actions::retry(peer.clone(), key.clone())
                            >
                                {move || t("retry")}
                            </button>
                        }
                    })}
            </span>
        </li>
    }
}
