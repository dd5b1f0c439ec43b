/* Grassroots — the phone check-in page (/checkin).
   A check-in is made on the phone (time, position, accuracy and a key made here), kept in localStorage until the
   server has acknowledged it, and uploaded with retries: at once, again after a growing pause (2 s, 4 s, … at most
   5 min), and whenever the phone comes back online. The key makes a resend harmless: the server answers a key it has
   already stored with the first answer and stores nothing new. Texts come from the page (localised there). */
(function () {
  'use strict';

  var MAX_BACKOFF_MS = 5 * 60 * 1000;

  function start() {
    var root = document.getElementById('checkin');
    if (!root || root.getAttribute('data-ready') === '1') return;
    root.setAttribute('data-ready', '1');

    var text = document.getElementById('checkin-text').dataset;
    var village = { lat: parseFloat(root.dataset.lat), lon: parseFloat(root.dataset.lon), name: root.dataset.village };
    var fence = parseInt(root.dataset.fence, 10);
    var storageKey = 'grassroots.checkins.' + root.dataset.user;
    var status = document.getElementById('checkin-status');
    var button = document.getElementById('checkin-button');
    var reasonPanel = document.getElementById('checkin-reason');
    var reasonMessage = document.getElementById('checkin-reason-message');
    var reasonText = document.getElementById('checkin-reason-text');
    var queueSection = document.getElementById('checkin-queue-section');
    var queueList = document.getElementById('checkin-queue');
    var doneList = document.getElementById('checkin-done');
    var busy = false;
    var timer = null;

    function format(template) {
      var args = Array.prototype.slice.call(arguments, 1);
      return template.replace(/\{(\d+)\}/g, function (_, i) { return String(args[+i]); });
    }

    function load() {
      try { return JSON.parse(localStorage.getItem(storageKey) || '[]'); } catch (e) { return []; }
    }

    function save(items) { localStorage.setItem(storageKey, JSON.stringify(items)); }

    function update(key, change) {
      var items = load();
      for (var i = 0; i < items.length; i++) if (items[i].clientKey === key) change(items[i], items, i);
      save(items.filter(function (x) { return !x.gone; }));
    }

    function setStatus(message, kind) {
      status.textContent = message;
      status.className = 'checkin-status is-' + (kind || 'none');
    }

    function newKey() {
      if (window.crypto && typeof window.crypto.randomUUID === 'function') return window.crypto.randomUUID();
      return 'k' + Date.now().toString(36) + '-' + Math.random().toString(36).slice(2, 12);
    }

    function distanceMetres(lat1, lon1, lat2, lon2) {
      var r = 6371008.8, rad = Math.PI / 180;
      var dLat = (lat2 - lat1) * rad, dLon = (lon2 - lon1) * rad;
      var a = Math.sin(dLat / 2) * Math.sin(dLat / 2) + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) * Math.sin(dLon / 2);
      return 2 * r * Math.asin(Math.min(1, Math.sqrt(a)));
    }

    function time(iso) {
      var d = new Date(iso);
      function two(n) { return (n < 10 ? '0' : '') + n; }
      return two(d.getMonth() + 1) + '-' + two(d.getDate()) + ' ' + two(d.getHours()) + ':' + two(d.getMinutes());
    }

    function render() {
      var items = load();
      queueList.textContent = '';
      items.forEach(function (item) {
        var li = document.createElement('li');
        li.className = 'checkin-item is-' + item.state;
        li.setAttribute('data-key', item.clientKey);
        var when = document.createElement('span');
        when.className = 'checkin-when';
        when.textContent = time(item.at);
        var state = document.createElement('span');
        state.className = 'checkin-state';
        state.textContent = item.state === 'needsReason' ? text.needsReason : item.state === 'refused' ? text.refused : text.queued;
        li.appendChild(when);
        li.appendChild(state);
        if (item.message) {
          var message = document.createElement('span');
          message.className = 'checkin-message small';
          message.textContent = item.message;
          li.appendChild(message);
        }
        if (item.state === 'refused') {
          var discard = document.createElement('button');
          discard.type = 'button';
          discard.className = 'link';
          discard.textContent = text.discard;
          discard.addEventListener('click', function () { update(item.clientKey, function (x) { x.gone = true; }); render(); });
          li.appendChild(discard);
        }
        queueList.appendChild(li);
      });
      queueSection.hidden = items.length === 0;
      var waiting = items.filter(function (x) { return x.state === 'needsReason'; })[0];
      if (waiting) askReason(waiting); else reasonPanel.hidden = true;
    }

    function askReason(item) {
      reasonMessage.textContent = item.message || text.needsReason;
      reasonPanel.hidden = false;
      reasonPanel.setAttribute('data-key', item.clientKey);
      setStatus(text.needsReason, 'off');
    }

    function done(item, answer) {
      var none = document.getElementById('checkin-none');
      if (none) none.remove();
      var li = document.createElement('li');
      li.className = 'checkin-item ' + (answer.onPost ? 'is-on' : 'is-off');
      li.setAttribute('data-id', answer.id);
      var when = document.createElement('span');
      when.className = 'checkin-when';
      when.textContent = time(answer.at);
      var state = document.createElement('span');
      state.className = 'checkin-state';
      state.textContent = answer.onPost ? text.on : text.off;
      li.appendChild(when);
      li.appendChild(state);
      if (answer.late) { var late = document.createElement('span'); late.className = 'tag tag-poor'; late.textContent = text.late; li.appendChild(late); }
      if (answer.flags && answer.flags.length) { var flag = document.createElement('span'); flag.className = 'tag tag-weak'; flag.textContent = text.flagged; li.appendChild(flag); }
      var distance = document.createElement('span');
      distance.className = 'muted small';
      distance.textContent = format(text.distance, answer.distanceMetres);
      li.appendChild(distance);
      doneList.insertBefore(li, doneList.firstChild);
      setStatus(text.submitted + ' · ' + (answer.onPost ? text.on : text.off), answer.onPost ? 'on' : 'off');
    }

    function backoff(attempts) {
      var base = Math.min(MAX_BACKOFF_MS, 2000 * Math.pow(2, Math.max(0, attempts - 1)));
      return base / 2 + Math.random() * base / 2;
    }

    function schedule() {
      if (timer) { clearTimeout(timer); timer = null; }
      var next = load().filter(function (x) { return x.state === 'queued'; })
        .reduce(function (min, x) { return Math.min(min, x.nextTry || 0); }, Infinity);
      if (next === Infinity) return;
      timer = setTimeout(uploadAll, Math.max(0, next - Date.now()));
    }

    /* Sends one check-in; resolves to true when the queue may go on. */
    function send(item) {
      var body = { clientKey: item.clientKey, at: item.at, lat: item.lat, lon: item.lon, accuracy: item.accuracy };
      if (item.reason) body.reason = item.reason;
      return fetch('/api/checkins', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', 'Accept': 'application/json' },
        body: JSON.stringify(body)
      }).then(function (response) {
        if (response.status === 201 || response.status === 200) {
          return response.json().then(function (answer) {
            update(item.clientKey, function (x) { x.gone = true; });
            done(item, answer);
            return true;
          });
        }
        if (response.status === 401) {
          setStatus(text.login, 'off');
          return false;
        }
        if (response.status === 400 || response.status === 403 || response.status === 409 || response.status === 422) {
          return response.json().catch(function () { return {}; }).then(function (problem) {
            update(item.clientKey, function (x) {
              x.message = problem.title || '';
              x.state = problem.code === 'reasonRequired' ? 'needsReason' : 'refused';
            });
            return true;
          });
        }
        throw new Error('HTTP ' + response.status);
      }).catch(function () {
        var attempts = (item.attempts || 0) + 1;
        var wait = backoff(attempts);
        update(item.clientKey, function (x) { x.attempts = attempts; x.nextTry = Date.now() + wait; });
        setStatus(navigator.onLine === false ? text.offline : format(text.retry, Math.round(wait / 1000), attempts), 'queued');
        return false;
      });
    }

    function uploadAll() {
      if (busy) return;
      var ready = load().filter(function (x) { return x.state === 'queued' && (x.nextTry || 0) <= Date.now(); });
      if (ready.length === 0) { render(); schedule(); return; }
      busy = true;
      setStatus(text.uploading, 'queued');
      var chain = Promise.resolve(true);
      ready.forEach(function (item) {
        chain = chain.then(function (goOn) { return goOn ? send(item) : false; });
      });
      chain.then(function () { busy = false; render(); schedule(); });
    }

    function enqueue(item) {
      var items = load();
      items.push(item);
      save(items);
      render();
      if (item.state === 'queued') {
        setStatus(text.queued, 'queued');
        uploadAll();
      }
    }

    button.addEventListener('click', function () {
      if (!navigator.geolocation) { setStatus(text.unsupported, 'off'); return; }
      button.disabled = true;
      setStatus(text.locating, 'queued');
      navigator.geolocation.getCurrentPosition(function (position) {
        button.disabled = false;
        var c = position.coords;
        var item = { clientKey: newKey(), at: new Date().toISOString(), lat: c.latitude, lon: c.longitude, accuracy: Math.max(1, c.accuracy || 1), state: 'queued', attempts: 0 };
        var metres = distanceMetres(c.latitude, c.longitude, village.lat, village.lon);
        if (metres > fence) {
          item.state = 'needsReason';
          item.message = format(text.outside, village.name, (metres / 1000).toFixed(1));
        }
        enqueue(item);
      }, function (error) {
        button.disabled = false;
        setStatus(error.code === 1 ? text.denied : error.code === 3 ? text.timeout : text.unavailable, 'off');
      }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 0 });
    });

    document.getElementById('checkin-reason-submit').addEventListener('click', function () {
      var reason = reasonText.value.trim();
      if (!reason) { reasonMessage.textContent = text.reasonEmpty; reasonText.focus(); return; }
      var key = reasonPanel.getAttribute('data-key');
      update(key, function (x) { x.reason = reason; x.state = 'queued'; x.message = ''; x.nextTry = 0; });
      reasonText.value = '';
      reasonPanel.hidden = true;
      render();
      uploadAll();
    });

    document.getElementById('checkin-reason-cancel').addEventListener('click', function () {
      update(reasonPanel.getAttribute('data-key'), function (x) { x.gone = true; });
      reasonPanel.hidden = true;
      render();
      setStatus(status.textContent, 'none');
    });

    window.addEventListener('online', function () {
      var items = load();
      items.forEach(function (x) { if (x.state === 'queued') x.nextTry = 0; });
      save(items);
      uploadAll();
    });
    window.addEventListener('offline', function () { if (load().length) setStatus(text.offline, 'queued'); });

    render();
    uploadAll();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
