// Mermaid diagrams, offline. mkdocs-material draws each ```mermaid block
// with the global `mermaid` when the page has one, and otherwise fetches
// mermaid from unpkg.com. This script defines that global as a stand-in
// that loads the pinned copy beside it (mermaid-9.4.3.min.js; its licence:
// mermaid-9.4.3.LICENSE.txt) when the first diagram is drawn, so pages
// without a diagram never load it, and no page fetches it from elsewhere.
// It answers both calls mkdocs-material makes: mermaidAPI.render(id, text,
// callback) (material 8, Debian's) and render(id, text) -> Promise of
// {svg, fn} (material 9).
(function () {
  "use strict";
  var src = new URL("mermaid-9.4.3.min.js", document.currentScript.src).href;
  var config = {};
  var loaded = null;

  function load() {
    if (!loaded) {
      loaded = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = src;
        script.onload = function () {
          var real = window.mermaid; // the bundle made itself the global:
          window.mermaid = standIn; // every later call still comes here
          real.initialize(Object.assign({}, config, { startOnLoad: false }));
          resolve(real);
        };
        script.onerror = function () {
          reject(new Error("mermaid: cannot load " + src));
        };
        document.head.appendChild(script);
      });
    }
    return loaded;
  }

  function draw(id, text) {
    return load().then(function (real) {
      return new Promise(function (resolve, reject) {
        try {
          real.mermaidAPI.render(id, text, function (svg, fn) {
            resolve({ svg: svg, fn: fn });
          });
        } catch (err) {
          reject(err);
        }
      });
    });
  }

  var standIn = {
    initialize: function (c) {
      config = c || {};
    },
    render: draw,
    mermaidAPI: {
      render: function (id, text, callback) {
        draw(id, text).then(
          function (r) {
            callback(r.svg, r.fn);
          },
          function (err) {
            console.error("mermaid:", err);
          }
        );
      },
    },
  };
  window.mermaid = standIn;
})();
