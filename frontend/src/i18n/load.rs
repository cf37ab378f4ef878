//! Tables other than English, fetched when first needed: built in, each
//! would weigh about 3 KB on every first load, whatever the person's
//! language. The page names each file (`<meta name="parlons-fr">`), with
//! its content hash, so that it is cached for good.

use super::Lang;

/// Fetches `lang`'s table if it is not here yet, then calls `then`. When
/// the fetch fails, English stands in.
pub fn load(lang: Lang, then: impl FnOnce() + 'static) {
    #[cfg(target_arch = "wasm32")]
    if !lang.loaded() {
        wasm_bindgen_futures::spawn_local(async move {
            if let Some(text) = fetch(lang).await {
                // Once per language and page: the table borrows from it.
                lang.set_table(Box::leak(text.into_boxed_str()));
            }
            then();
        });
        return;
    }
    // Natively every table is built in.
    let _ = lang;
    then();
}

#[cfg(target_arch = "wasm32")]
async fn fetch(lang: Lang) -> Option<String> {
    use js_sys::{Function, Promise, Reflect};
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;

    let window = web_sys::window()?;
    let meta = window
        .document()?
        .query_selector(&format!("meta[name=parlons-{}]", lang.tag()))
        .ok()??;
    let url = meta.get_attribute("content")?;
    let call = |target: &wasm_bindgen::JsValue, name: &str, arg: Option<&str>| {
        let f: Function = Reflect::get(target, &name.into()).ok()?.dyn_into().ok()?;
        let out = match arg {
            Some(a) => f.call1(target, &a.into()),
            None => f.call0(target),
        };
        out.ok()?.dyn_into::<Promise>().ok()
    };
    let response = JsFuture::from(call(&window, "fetch", Some(&url))?).await.ok()?;
    if !Reflect::get(&response, &"ok".into()).ok()?.is_truthy() {
        return None;
    }
    JsFuture::from(call(&response, "text", None)?)
        .await
        .ok()?
        .as_string()
}
