// Sign with EDS through NCALayer (docs/eds.md). Progressive enhancement: the section
// (templates/includes/eds_sign.html, `{% eds_sign %}`) is hidden until this script shows it, so
// without JavaScript the page's other ways to sign are all there is. Every text shown comes from the
// section's data-msg-* attributes or from the server's answers: translations stay in the .po files.
//
// 1. connect to NCALayer's WebSocket (data-eds-ncalayer), before a challenge is spent on nothing;
// 2. GET the challenge (data-eds-challenge-url): the exact bytes to sign, base64;
// 3. ask NCALayer's `kz.gov.pki.knca.basics` module to `sign` them as CMS (CAdES, data attached);
// 4. POST {cms, address, consent} to data-eds-sign-url (session cookie + CSRF header, as the API expects);
// 5. show the server's answer: its thanks, or its translated reasons (a refused key under `cms`).
(function () {
  "use strict";
  if (!window.WebSocket || !window.fetch || !window.Promise || !window.JSON) { return; }

  // NCA RK's extended key usages of an individual's signing certificate: e-mail protection (signing
  // keys carry it, authentication keys do not) and "individual" (1.2.398.3.3.4.1.1). NCALayer offers
  // only keys that match, so the citizen cannot pick the authentication key by mistake.
  var SIGNER_KEY_USAGES = ["1.3.6.1.5.5.7.3.4", "1.2.398.3.3.4.1.1"];

  function Failure(kind, reasons) {
    this.kind = kind; // not_running | cancelled | ncalayer | network | refused
    this.reasons = reasons || [];
  }

  function connect(url) {
    return new Promise(function (resolve, reject) {
      var socket;
      try {
        socket = new WebSocket(url);
      } catch (error) {
        reject(new Failure("not_running"));
        return;
      }
      // A refused connection (NCALayer not running) ends in error + close before any open.
      socket.onerror = function () { reject(new Failure("not_running")); };
      socket.onclose = function () { reject(new Failure("not_running")); };
      socket.onopen = function () { resolve(socket); };
    });
  }

  function signWithNcaLayer(socket, data, locale) {
    return new Promise(function (resolve, reject) {
      socket.onerror = function () { reject(new Failure("ncalayer")); };
      socket.onclose = function () { reject(new Failure("ncalayer")); };
      socket.onmessage = function (event) {
        var answer;
        try { answer = JSON.parse(event.data); } catch (error) { return; }
        if (!answer || typeof answer !== "object") { return; }
        if (Object.prototype.hasOwnProperty.call(answer, "status")) {
          // The basics module: {status: true, body: {result}}; no result means the citizen
          // cancelled; {status: false, code, message} is NCALayer's own failure.
          if (answer.status !== true) { reject(new Failure("ncalayer")); return; }
          var result = answer.body ? answer.body.result : null;
          if (result === undefined || result === null) { reject(new Failure("cancelled")); return; }
          if (Array.isArray(result)) { result = result[0]; }
          if (typeof result !== "string" || !result) { reject(new Failure("ncalayer")); return; }
          resolve(result);
          return;
        }
        if (Object.prototype.hasOwnProperty.call(answer, "code")) {
          // An NCALayer answering in the older commonUtils shape ({code: "500", message}).
          reject(new Failure(answer.message === "action.canceled" ? "cancelled" : "ncalayer"));
        }
        // Anything else (the greeting {result: {version}} NCALayer sends on connecting) is not ours.
      };
      socket.send(JSON.stringify({
        module: "kz.gov.pki.knca.basics",
        method: "sign",
        args: {
          format: "cms",
          data: data,
          signingParams: { decode: true, encapsulate: true, digested: false },
          signerParams: { extKeyUsageOids: SIGNER_KEY_USAGES },
          locale: locale
        }
      }));
    });
  }

  function reasonsOf(body) {
    // DRF's answers: {field: [reasons], detail} for a refusal, {detail} for the rest.
    var reasons = [];
    if (!body || typeof body !== "object") { return reasons; }
    Object.keys(body).forEach(function (key) {
      if (key === "detail" || key === "code") { return; }
      [].concat(body[key]).forEach(function (reason) {
        if (typeof reason === "string" && reason) { reasons.push(reason); }
      });
    });
    if (!reasons.length && typeof body.detail === "string" && body.detail) { reasons.push(body.detail); }
    return reasons;
  }

  function call(url, options) {
    options.credentials = "same-origin";
    options.headers = options.headers || {};
    options.headers.Accept = "application/json";
    return fetch(url, options).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (!response.ok) { throw new Failure("refused", reasonsOf(body)); }
        return body;
      });
    }, function () { throw new Failure("network"); });
  }

  function setup(box) {
    var button = box.querySelector("[data-eds-button]");
    var status = box.querySelector("[data-eds-status]");
    var alertBox = box.querySelector("[data-eds-alert]");
    if (!button || !status || !alertBox) { return; }
    function data(name) { return box.getAttribute("data-" + name) || ""; }
    function field(name) { var id = data(name); return id ? document.getElementById(id) : null; }

    function progress(text) {
      alertBox.textContent = "";
      status.textContent = text;
    }
    function refuse(reasons) {
      status.textContent = "";
      alertBox.textContent = "";
      reasons.forEach(function (reason) {
        var line = document.createElement("p");
        line.textContent = reason;
        alertBox.appendChild(line);
      });
    }
    var messages = {
      not_running: "msg-not-running",
      cancelled: "msg-cancelled",
      ncalayer: "msg-failed",
      network: "msg-network",
      refused: "msg-network"
    };

    function start() {
      var address = field("eds-address");
      var confirm = field("eds-confirm");
      if (address && !address.value.trim()) { refuse([data("msg-address")]); address.focus(); return; }
      if (confirm && !confirm.checked) { refuse([data("msg-confirm")]); confirm.focus(); return; }
      button.disabled = true;
      progress(data("msg-connecting"));
      var socket = null;
      connect(data("eds-ncalayer")).then(function (opened) {
        socket = opened;
        return call(data("eds-challenge-url"), { method: "GET" });
      }).then(function (challenge) {
        progress(data("msg-choose"));
        return signWithNcaLayer(socket, challenge.challenge, data("eds-locale"));
      }).then(function (cms) {
        progress(data("msg-checking"));
        return call(data("eds-sign-url"), {
          method: "POST",
          headers: { "Content-Type": "application/json", "X-CSRFToken": data("eds-csrf") },
          // The confirm box is the page's consent (petitions record it: their appeal names only those who agreed).
          body: JSON.stringify({ cms: cms, address: address ? address.value : "", consent: confirm ? confirm.checked : undefined })
        });
      }).then(function (signed) {
        button.hidden = true;
        status.classList.add("eds-done");
        progress(signed.detail || "");
      }).catch(function (error) {
        var failure = error instanceof Failure ? error : new Failure("network");
        refuse(failure.reasons.length ? failure.reasons : [data(messages[failure.kind])]);
        button.disabled = false;
      }).then(function () {
        if (socket) {
          socket.onclose = socket.onerror = socket.onmessage = null;
          socket.close();
        }
      });
    }

    button.addEventListener("click", start);
    box.hidden = false;
  }

  document.querySelectorAll("[data-eds]").forEach(setup);
}());
