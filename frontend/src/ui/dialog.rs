//! Modal dialogs that hold a form, each with the button that opens it: a
//! heading that names the dialog, the fields, then Cancel and the form's
//! own button. Enter submits, Escape and Cancel close it.

use leptos::ev::SubmitEvent;
use leptos::html;
use leptos::prelude::*;

use crate::i18n::t;

/// Opens `dialog`, modal.
pub fn open(dialog: NodeRef<html::Dialog>) {
    if let Some(d) = dialog.get() {
        let _ = d.show_modal();
    }
}

/// Closes `dialog`.
pub fn close(dialog: NodeRef<html::Dialog>) {
    if let Some(d) = dialog.get() {
        d.close();
    }
}

/// The button named `title` that opens a dialog around a form.
#[component]
pub fn FormDialog(
    /// The dialog, for [`close`].
    dialog: NodeRef<html::Dialog>,
    /// The heading's id.
    title_id: &'static str,
    /// The opening button's text and the heading, which names the dialog.
    title: fn() -> String,
    /// Called once the dialog is open.
    #[prop(into, optional)]
    on_open: Option<Callback<()>>,
    /// The submit button's text.
    submit: fn() -> String,
    /// Called when the form is submitted.
    on_submit: impl Fn() + 'static,
    /// The fields.
    children: Children,
) -> impl IntoView {
    let opened = move |_| {
        open(dialog);
        if let Some(f) = on_open {
            f.run(());
        }
    };
    view! {
        <button type="button" on:click=opened>{title}</button>
        <dialog node_ref=dialog class="dialog" aria-labelledby=title_id>
            <form
                on:submit=move |ev: SubmitEvent| {
                    ev.prevent_default();
                    on_submit();
                }
                novalidate
            >
                <h2 id=title_id>{title}</h2>
                {children()}
                <div class="actions">
                    <button type="button" on:click=move |_| close(dialog)>
                        {move || t("cancel")}
                    </button>
                    <button type="submit" class="primary">{submit}</button>
                </div>
            </form>
        </dialog>
    }
}
