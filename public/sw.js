// The app shell for repeat and offline visits. scripts/build-site.sh fills
// in this build's first-load files; everything else content-hashed is kept
// the first time it is fetched.
const CACHE = 'parlons-{{BUILD}}';
const SHELL = ['./', {{SHELL}}];
const HASHED = /-[0-9a-f]{16}\.[a-z]+$/;

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (request.mode === 'navigate') {
    // Only the app's own page: any other one (/metrics, a 404) is no shell.
    const scope = new URL(self.registration.scope).pathname;
    if (url.pathname !== scope && url.pathname !== `${scope}index.html`) return;
    // The page from the network, so a new build shows; the kept one offline
    // or when the network answers with an error (a 502 from a proxy).
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (!response.ok || response.type !== 'basic') {
            return caches.match('./').then((kept) => kept || response);
          }
          const copy = response.clone();
          caches.open(CACHE).then((c) => c.put('./', copy));
          return response;
        })
        .catch(() => caches.match('./')),
    );
  } else if (HASHED.test(url.pathname)) {
    // Content-hashed files never change.
    event.respondWith(
      caches.match(request).then((hit) => hit || fetch(request).then((response) => {
        if (response.ok && response.type === 'basic') {
          const copy = response.clone();
          caches.open(CACHE).then((c) => c.put(request, copy));
        }
        return response;
      })),
    );
  }
});
