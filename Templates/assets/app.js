/* Algoreg portal: instant search and filters on the home page.
   No framework, no external requests, no eval; works under Content-Security-Policy default-src 'self'.
   Without this script the page still works: the pre-rendered filter pages are linked from the home page.
   Cards carry their facet values in data-* attributes (data-department, data-status, data-risk,
   data-domain, data-algorithm-type) and their search text in data-search. */
(function () {
  "use strict";

  var form = document.getElementById("filter-form");
  var list = document.getElementById("cards");
  if (!form || !list || !("URLSearchParams" in window)) {
    return;
  }

  var cards = Array.prototype.slice.call(list.querySelectorAll(".card"));
  var search = form.querySelector("input[type=search]");
  var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-facet]"));
  var status = document.getElementById("result-count");
  var noResults = document.getElementById("no-results");

  function normalise(text) {
    text = String(text || "");
    if (text.normalize) {
      text = text.normalize("NFKC");
    }
    return text.toLowerCase().replace(/\s+/g, " ").trim();
  }

  // "algorithm_type" -> "algorithmType", the dataset name of data-algorithm-type.
  function datasetKey(facet) {
    return facet.replace(/[_-]([a-z])/g, function (match, letter) {
      return letter.toUpperCase();
    });
  }

  // Each card's normalised search text: its data-search plus its title and description, so
  // that a search finds what the reader sees (labels such as "Status" are left out).
  var haystacks = cards.map(function (card) {
    var parts = [card.getAttribute("data-search") || ""];
    Array.prototype.forEach.call(card.querySelectorAll(".card__title, .card__description"), function (el) {
      parts.push(el.textContent);
    });
    return normalise(parts.join(" "));
  });

  // A facet whose values the cards do not carry cannot be filtered here: hide its control and
  // leave the reader the pre-rendered filter pages instead.
  selects = selects.filter(function (select) {
    var key = datasetKey(select.getAttribute("data-facet"));
    var carried = cards.some(function (card) {
      return !!card.dataset[key];
    });
    if (!carried && cards.length > 0) {
      var field = select.closest(".form-field");
      (field || select).hidden = true;
      select.disabled = true;
      return false;
    }
    return true;
  });

  function countText(count) {
    var template = count === 1
      ? form.getAttribute("data-count-one-template") || form.getAttribute("data-count-template")
      : form.getAttribute("data-count-template");
    return (template || "{count}").split("{count}").join(String(count));
  }

  function currentState() {
    var state = { q: search ? search.value : "", facets: {} };
    selects.forEach(function (select) {
      if (select.value) {
        state.facets[select.getAttribute("data-facet")] = select.value;
      }
    });
    return state;
  }

  function apply(updateUrl) {
    var state = currentState();
    var words = normalise(state.q).split(" ").filter(Boolean);
    var facets = Object.keys(state.facets);
    var shown = 0;

    cards.forEach(function (card, index) {
      var visible = words.every(function (word) {
        return haystacks[index].indexOf(word) !== -1;
      }) && facets.every(function (facet) {
        return card.dataset[datasetKey(facet)] === state.facets[facet];
      });
      card.hidden = !visible;
      if (visible) {
        shown += 1;
      }
    });

    var filtered = words.length > 0 || facets.length > 0;
    if (noResults) {
      noResults.hidden = shown !== 0 || cards.length === 0;
    }
    if (status) {
      status.textContent = filtered ? countText(shown) : "";
    }
    if (updateUrl) {
      syncUrl(state);
    }
  }

  function syncUrl(state) {
    if (!window.history || !window.history.replaceState) {
      return;
    }
    var params = new URLSearchParams(window.location.search);
    params.delete("q");
    selects.forEach(function (select) {
      params.delete(select.getAttribute("data-facet"));
    });
    if (state.q.trim()) {
      params.set("q", state.q.trim());
    }
    Object.keys(state.facets).forEach(function (facet) {
      params.set(facet, state.facets[facet]);
    });
    var query = params.toString();
    var url = window.location.pathname + (query ? "?" + query : "") + window.location.hash;
    try {
      window.history.replaceState(null, "", url);
    } catch (error) {
      // file:// URLs may refuse replaceState in some browsers; filtering still works.
    }
  }

  function readUrl() {
    var params = new URLSearchParams(window.location.search);
    if (search && params.has("q")) {
      search.value = params.get("q");
    }
    selects.forEach(function (select) {
      var value = params.get(select.getAttribute("data-facet"));
      if (value === null) {
        return;
      }
      var known = Array.prototype.some.call(select.options, function (option) {
        return option.value === value;
      });
      select.value = known ? value : "";
    });
  }

  var timer = null;
  function onInput() {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () {
      apply(true);
    }, 120);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    apply(true);
  });
  form.addEventListener("reset", function () {
    // the form's fields are reset after this event; filter once they are.
    window.setTimeout(function () {
      apply(true);
    }, 0);
  });
  if (search) {
    search.addEventListener("input", onInput);
    search.addEventListener("search", onInput);
  }
  selects.forEach(function (select) {
    select.addEventListener("change", function () {
      apply(true);
    });
  });

  form.hidden = false;
  readUrl();
  apply(false);
})();
