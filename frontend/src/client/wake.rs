//! A task as soon as the page is free: a message to ourselves, which
//! `setTimeout`'s 4 ms clamp on nested timers does not slow down.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::MessageChannel;

/// Runs its callback in a new task each time it is woken.
pub struct Wake {
    channel: MessageChannel,
    _on_message: Closure<dyn FnMut()>,
}

impl Wake {
    /// `None` where the browser has no `MessageChannel`.
    pub fn new(callback: impl FnMut() + 'static) -> Option<Self> {
        let channel = MessageChannel::new().ok()?;
        let on_message = Closure::<dyn FnMut()>::new(callback);
        channel
            .port1()
            .set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        Some(Self {
            channel,
            _on_message: on_message,
        })
    }

    /// Queues the callback's task.
    pub fn wake(&self) -> bool {
        self.channel.port2().post_message(&JsValue::NULL).is_ok()
    }
}

impl Drop for Wake {
    fn drop(&mut self) {
        self.channel.port1().set_onmessage(None);
    }
}
