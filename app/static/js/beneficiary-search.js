// The report form's beneficiary: suggestions from the server as the user types, in a native
// <datalist> (accessible, no widget of our own); picking one fills the hidden organisation_id.
// Without JavaScript the server resolves the typed "Name (CC)" itself.
(function () {
  var url = document.currentScript.dataset.url;
  var input = document.querySelector("input[data-beneficiary-search]");
  var hidden = document.getElementById("organisation_id");
  if (!input || !hidden || !url) { return; }
  var list = document.createElement("datalist");
  list.id = input.getAttribute("list");
  input.insertAdjacentElement("afterend", list);
  var ids = {};
  var timer = null;
  var asked = "";
  function fill(items) {
    list.textContent = "";
    items.forEach(function (item) {
      ids[item.label] = String(item.id);
      var option = document.createElement("option");
      option.value = item.label;
      list.appendChild(option);
    });
  }
  function search() {
    var text = input.value.trim();
    if (text.length < 2 || text === asked) { return; }
    asked = text;
    fetch(url + "?q=" + encodeURIComponent(text),
          {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (response) { return response.ok ? response.json() : {items: []}; })
      .then(function (data) { if (asked === text) { fill(data.items); } })
      .catch(function () { /* no suggestions: the typed name is resolved on submit */ });
  }
  input.addEventListener("input", function () {
    hidden.value = ids[input.value] || "";
    clearTimeout(timer);
    timer = setTimeout(search, 200);
  });
}());
