//! Boots the client: mounts [`parlons_frontend::App`] on the page.

fn main() {
    parlons_frontend::mount();
}
