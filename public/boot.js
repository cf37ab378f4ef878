// Starts the client, and stands by for its crash: once the WebAssembly has
// trapped (a panic, or any other fault) nothing of it can run again, so the
// message that says so, with Reload and the details, lives here and in
// index.html. scripts/build-site.sh fills in this build's file names.
import init from './{{JS}}';

const CRASHED = 'parlons-crashed';

// After a crash, the next load starts from the contact list: reopening the
// conversation whose message crashed the client would crash it again.
try {
  if (sessionStorage.getItem(CRASHED)) {
    sessionStorage.removeItem(CRASHED);
    if (location.hash) history.replaceState(null, '', location.pathname + location.search);
  }
} catch (_) { /* storage refused: nothing to clear */ }

const describe = (error) => {
  if (error instanceof Error) return `${error.name}: ${error.message}\n${error.stack || ''}`;
  return String(error);
};

let shown = false;
const crashed = (error) => {
  if (shown) return;
  shown = true;
  try { sessionStorage.setItem(CRASHED, '1'); } catch (_) { /* best effort */ }
  const screen = document.getElementById('crash');
  if (!screen) return;
  const details = `${describe(error)}\n${navigator.userAgent}\n${location.origin}${location.pathname}`;
  screen.querySelector('#crash-details').textContent = details;
  screen.querySelector('#crash-reload').addEventListener('click', () => location.replace(location.pathname));
  const copy = screen.querySelector('#crash-copy');
  copy.addEventListener('click', () => {
    navigator.clipboard?.writeText(details).then(() => { copy.textContent = copy.dataset.done; }, () => {});
  });
  for (const el of document.body.children) if (el !== screen) el.inert = true;
  screen.hidden = false;
  screen.querySelector('#crash-reload').focus();
};

// A trap surfaces as a WebAssembly.RuntimeError: thrown out of an event
// handler or a callback (`error`), or rejected out of an async task or an
// IndexedDB request turned into a future (`unhandledrejection`).
const isTrap = (error) => error instanceof WebAssembly.RuntimeError;
addEventListener('error', (event) => { if (isTrap(event.error)) crashed(event.error); });
addEventListener('unhandledrejection', (event) => { if (isTrap(event.reason)) crashed(event.reason); });

init({ module_or_path: new URL('./{{WASM}}', import.meta.url) }).catch((error) => {
  if (isTrap(error)) crashed(error);
});

// The service worker keeps the app shell for the next visit.
if ('serviceWorker' in navigator) addEventListener('load', () => navigator.serviceWorker.register('./sw.js'));
