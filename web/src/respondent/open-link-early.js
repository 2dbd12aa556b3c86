/*
 * The first thing a personal link loads: a plain script, a few hundred bytes,
 * that asks the API for the link's state straight away, while the app's
 * JavaScript is still downloading, instead of after it has run. On a slow
 * phone connection that is the difference between the consent showing at
 * about the time the code arrives and one more round trip later.
 *
 * api.ts openLink() takes this response, once, when it is for the same path;
 * anything unusual (another path, a retry) simply fetches again. Plain ES2017
 * with no imports: it runs before, and apart from, the app's modules.
 * web/build/early-script-plugin.ts minifies it and adds it to index.html.
 */
(function () {
  var match = /^\/s\/([^/]+)\/?$/.exec(location.pathname);
  if (!match || typeof fetch !== 'function') return;
  var path = '/api/s/' + match[1];
  var response = fetch(path, {
    headers: { Accept: 'application/json' },
    cache: 'no-store',
    signal: typeof AbortSignal.timeout === 'function' ? AbortSignal.timeout(20000) : undefined,
  });
  // Handled by the app when it takes it; no unhandled-rejection noise if it never does.
  response.catch(function () {});
  window.pontOpenLink = { path: path, response: response };
})();
