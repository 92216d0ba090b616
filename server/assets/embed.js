/* Vox embed loader: https://github.com/vox — served at /embed.js.
 * Shows a Vox survey on this page in an isolated frame and passes context
 * (updateMetadata) to the answer. Commands queued by the snippet before this
 * file arrived are replayed in order. No dependencies, no eval, no inline
 * style attributes (styles go through the CSSOM or a nonce'd/adopted sheet). */
(function (w, d) {
  var me = d.currentScript, base = me ? new URL(me.src, location.href).origin : '';
  var old = w.vox, queued = (old && old.q) || [];
  // Everything else in S starts out undefined (falsy): opts, cfg, responder, shown, ready, allowed, started.
  var S = { meta: {}, timers: [] };
  var KEY = /^[A-Za-z0-9_.-]{1,64}$/, MAX_KEYS = 50, MAX_LEN = 1000;

  function warn(m) { if (w.console) console.warn('[vox] ' + m); }
  function now() { return Date.now(); }
  function store(k, v) { try { v == null ? localStorage.removeItem(k) : localStorage.setItem(k, v); } catch (e) {} }
  function read(k) { try { return localStorage.getItem(k); } catch (e) { return null; } }

  // Only flat string/number/boolean values with simple keys travel; the rest is refused here, loudly.
  function clean(obj, what) {
    var out = {}, n = 0;
    if (!obj || typeof obj !== 'object' || Array.isArray(obj)) { warn(what + ' must be an object'); return null; }
    for (var keys = Object.keys(obj), i = 0; i < keys.length; i++) {
      var k = keys[i], v = obj[k], t = typeof v;
      if (!KEY.test(k)) { warn(what + ': bad key "' + k + '"'); continue; }
      if (!(t === 'string' || t === 'boolean' || (t === 'number' && isFinite(v)))) { warn(what + '.' + k + ': not a string, number or boolean'); continue; }
      if (t === 'string' && v.length > MAX_LEN) { warn(what + '.' + k + ': over ' + MAX_LEN + ' characters'); continue; }
      if (++n > MAX_KEYS) { warn(what + ': over ' + MAX_KEYS + ' keys'); break; }
      out[k] = v;
    }
    return out;
  }

  function post(msg) {
    var f = S.frame;
    if (f && S.ready && f.contentWindow) f.contentWindow.postMessage(msg, base);
  }
  function flush() {
    if (!S.ready) return;
    post({ type: 'vox:metadata', metadata: S.meta, responder: S.responder });
  }

  var CSS = ':host{all:initial}.b{position:fixed;inset:0;background:#0f121973;z-index:2147483646;display:flex;align-items:center;justify-content:center}' +
    '.p,.s{background:#fff;border-radius:12px;box-shadow:0 10px 40px #0000004d;max-height:calc(100vh - 2rem);overflow:auto}' +
    '.p{position:relative;width:min(36rem,calc(100vw - 2rem))}.s{position:fixed;right:1rem;bottom:1rem;z-index:2147483646;width:min(24rem,calc(100vw - 2rem))}' +
    '.i{width:100%}iframe{display:block;width:100%;border:0;height:320px;background:transparent}' +
    'button{position:absolute;top:.4rem;right:.4rem;width:2rem;height:2rem;border:0;border-radius:50%;background:#eef0f4;color:#1f2430;font:700 1rem/1 system-ui,sans-serif;cursor:pointer;z-index:1}';

  function styles(root) {
    try {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
      root.adoptedStyleSheets = [sheet];
    } catch (e) {
      var el = d.createElement('style');
      if (S.opts.nonce) el.nonce = S.opts.nonce;
      el.textContent = CSS;
      root.appendChild(el);
    }
  }

  function frameUrl() {
    var o = S.opts, u = new URL('/s/' + o.survey, base), q = u.searchParams, h = o.hiddenFields || {};
    // Shuffled choices keep one order per visitor: the frame's own cookies
    // are third-party (often blocked), so this site keeps the seed (any 1-16
    // hex digits; the time of the first visit does).
    var seed = read('vox:seed') || String(now());
    store('vox:seed', seed);
    q.set('embed', '1');
    q.set('origin', location.origin);
    q.set('seed', seed);
    if (o.language) q.set('lang', o.language);
    Object.keys(h).forEach(function (k) { q.set(k, String(h[k])); });
    return u.href;
  }

  function show() {
    if (!S.opts) return warn('call init first');
    if (!S.allowed) return;
    if (S.shown) return;
    clearTimers();
    var placement = S.opts.placement || (S.cfg && S.cfg.placement) || 'modal';
    var host = d.createElement('div'), root = host.attachShadow ? host.attachShadow({ mode: 'open' }) : host;
    host.setAttribute('data-vox', S.opts.survey);
    host.style.setProperty('all', 'initial', 'important');
    styles(root);
    var box = d.createElement('div'), panel = box, frame = d.createElement('iframe');
    frame.title = (S.cfg && S.cfg.name) || 'Survey';
    frame.src = frameUrl();
    if (placement === 'inline') {
      box.className = 'i';
    } else if (placement === 'slide_in') {
      box.className = 's';
    } else {
      box.className = 'b';
      panel = d.createElement('div');
      panel.className = 'p';
      box.appendChild(panel);
      box.addEventListener('click', function (e) { if (e.target === box) dismiss(); });
    }
    if (placement !== 'inline') {
      var close = d.createElement('button');
      close.type = 'button';
      close.setAttribute('aria-label', 'Close survey');
      close.textContent = '\u00d7';
      close.addEventListener('click', dismiss);
      panel.appendChild(close);
    }
    panel.appendChild(frame);
    root.appendChild(box);
    var target = placement === 'inline' && S.opts.target ? d.querySelector(S.opts.target) : null;
    if (placement === 'inline' && !target) return warn('inline needs a "target" element');
    (target || d.body).appendChild(host);
    S.host = host; S.frame = frame; S.shown = true; S.ready = false;
  }

  function hide() {
    if (S.host && S.host.parentNode) S.host.parentNode.removeChild(S.host);
    S.host = S.frame = null; S.shown = false; S.ready = false;
  }
  function seen() { return 'vox:seen:' + S.opts.survey; }
  function dismiss() { store(seen(), String(now())); hide(); }

  function suppressed() {
    var days = S.opts.recontactDays != null ? S.opts.recontactDays : (S.cfg ? S.cfg.recontactDays : 30);
    var at = +read(seen()) || 0;
    return at && now() - at < days * 864e5;
  }

  function clearTimers() { S.timers.forEach(function (t) { t(); }); S.timers = []; }
  function on(target, ev, fn, opt) { target.addEventListener(ev, fn, opt); S.timers.push(function () { target.removeEventListener(ev, fn, opt); }); }

  // Arms the survey's trigger; called at start and again after single-page route changes.
  function arm() {
    clearTimers();
    if (!S.allowed || S.shown || suppressed()) return;
    var t = S.opts.trigger || (S.cfg && S.cfg.trigger) || { kind: 'load' };
    if (t.kind === 'load') return show();
    if (t.kind === 'delay') { var id = setTimeout(show, (t.seconds || 5) * 1000); S.timers.push(function () { clearTimeout(id); }); return; }
    if (t.kind === 'scroll') {
      var pct = t.percent || 50;
      return on(w, 'scroll', function () {
        var h = d.documentElement, max = h.scrollHeight - h.clientHeight;
        if (max <= 0 || (h.scrollTop || d.body.scrollTop) / max * 100 >= pct) show();
      }, { passive: true });
    }
    if (t.kind === 'exit') return on(d, 'mouseout', function (e) { if (!e.relatedTarget && e.clientY <= 0) show(); });
    if (t.kind !== 'event') warn('unknown trigger "' + t.kind + '"');
  }

  function start() {
    fetch(base + '/api/client/surveys/' + encodeURIComponent(S.opts.survey) + '/embed')
      .then(function (r) { return r.json().then(function (b) { return { ok: r.ok, body: b }; }); })
      .then(function (r) {
        if (!r.ok) return warn('survey ' + S.opts.survey + ' is not shown here: ' + (r.body.detail || r.body.title));
        S.cfg = r.body; S.allowed = true; arm();
      })
      .catch(function () { warn('could not reach ' + base); })
      .then(function () { S.started = 1; later.splice(0).forEach(function (a) { vox.apply(null, a); }); });
  }

  w.addEventListener('message', function (e) {
    if (!S.frame || e.source !== S.frame.contentWindow || e.origin !== base) return;
    var m = e.data || {};
    if (m.type === 'vox:ready') { S.ready = true; flush(); }
    else if (m.type === 'vox:resize' && m.height > 0) S.frame.style.height = Math.min(m.height, 4000) + 'px';
    else if (m.type === 'vox:completed') store(seen(), String(now()));
  });

  ['pushState', 'replaceState'].forEach(function (k) {
    var orig = history[k];
    history[k] = function () { var r = orig.apply(this, arguments); if (S.opts) setTimeout(arm, 0); return r; };
  });
  w.addEventListener('popstate', function () { if (S.opts) arm(); });

  var cmds = {
    init: function (o) {
      if (!o || typeof o.survey !== 'string' || !/^srv_[0-9a-z]{26}$/.test(o.survey)) return warn('init needs {survey: "srv_…"}');
      if (S.opts) return warn('init: called twice');
      S.opts = o;
      if (d.readyState === 'loading') d.addEventListener('DOMContentLoaded', start); else start();
    },
    // updateMetadata({k: v}) or, as e-satisfaction's snippet, updateMetadata('srv_…', {responder, questionnaire}).
    updateMetadata: function (a, b) {
      var data = a;
      if (typeof a === 'string') {
        if (S.opts && a !== S.opts.survey) return warn('updateMetadata: ' + a + ' is not the survey here');
        if (!b || typeof b !== 'object') return warn('updateMetadata: no object');
        if (b.responder) { var r = clean(b.responder, 'responder'); if (r) S.responder = Object.assign(S.responder || {}, r); }
        data = b.questionnaire || {};
      }
      var c = clean(data, 'metadata');
      if (!c) return;
      var all = Object.assign({}, S.meta, c);
      if (Object.keys(all).length > MAX_KEYS) return warn('metadata: over ' + MAX_KEYS + ' keys');
      S.meta = all;
      flush();
    },
    show: function () { show(); },
    hide: function () { hide(); },
    track: function (name) {
      if (typeof name !== 'string' || !name) return warn('track: no event name');
      var t = (S.opts && (S.opts.trigger || (S.cfg && S.cfg.trigger))) || {};
      if (t.kind === 'event' && t.event === name && S.allowed && !S.shown && !suppressed()) show();
    },
    setLanguage: function (lang) {
      if (typeof lang !== 'string' || !/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(lang)) return warn('setLanguage: not a language tag');
      if (S.opts) S.opts.language = lang;
      if (S.frame) { S.ready = false; S.frame.src = frameUrl(); }
    }
  };

  // show, hide and track wait for the survey's settings, which init is still
  // fetching, and then run in the order they were given (a show then a hide: hidden).
  var later = [];
  function vox(cmd) {
    var f = cmds[cmd];
    if (!f) return warn('unknown command "' + cmd + '"');
    if (S.opts && !S.started && /^(show|hide|track)$/.test(cmd)) return later.push([].slice.call(arguments));
    try { f.apply(null, [].slice.call(arguments, 1)); } catch (e) { warn(cmd + ' failed: ' + e.message); }
  }
  for (var name in cmds) vox[name] = (function (c) { return function () { vox.apply(null, [c].concat([].slice.call(arguments))); }; })(name);
  w.vox = vox;
  for (var i = 0; i < queued.length; i++) vox.apply(null, [].slice.call(queued[i]));
})(window, document);
