// Renders the OpenAPI document as a list of operations: a small page of our own, so the docs
// load nothing from another site.
(function () {
  "use strict";
  const root = document.getElementById("operations");
  if (!root) { return; }

  function element(tag, attributes, children) {
    const node = document.createElement(tag);
    Object.entries(attributes || {}).forEach(([key, value]) => node.setAttribute(key, value));
    (children || []).forEach((child) => node.append(child));
    return node;
  }

  function schemaName(schema) {
    if (!schema) { return ""; }
    if (schema.$ref) { return schema.$ref.split("/").pop(); }
    if (schema.type === "array" && schema.items) { return schemaName(schema.items) + "[]"; }
    return schema.type || "";
  }

  function operation(path, method, op) {
    const id = (op.operationId || method + path).replace(/[^A-Za-z0-9_-]/g, "-");
    const summary = element("summary", {}, [
      element("span", { class: "badge text-bg-secondary me-2 text-uppercase" }, [method]),
      element("code", {}, [path]), " — " + (op.summary || ""),
    ]);
    const body = [element("p", {}, [op.description || ""])];
    if (op.security && op.security.length) {
      body.push(element("p", { class: "small" }, ["Needs a personal access token."]));
    }
    const parameters = op.parameters || [];
    if (parameters.length) {
      const rows = parameters.map((p) => element("tr", {}, [
        element("td", {}, [element("code", {}, [p.name])]), element("td", {}, [p.in]),
        element("td", {}, [schemaName(p.schema)]), element("td", {}, [p.description || ""]),
      ]));
      body.push(element("table", { class: "table table-sm" }, [
        element("caption", {}, ["Parameters"]),
        element("thead", {}, [element("tr", {}, ["Name", "In", "Type", "Meaning"].map(
          (h) => element("th", { scope: "col" }, [h])))]),
        element("tbody", {}, rows),
      ]));
    }
    const responses = Object.entries(op.responses || {}).map(([code, response]) => {
      const content = response.content || {};
      const media = Object.keys(content)[0];
      const type = media ? schemaName(content[media].schema) : "";
      return element("li", {}, [element("code", {}, [code]), " " + (response.description || "") +
        (type ? " (" + type + ")" : "")]);
    });
    body.push(element("p", { class: "mb-1" }, ["Answers:"]), element("ul", {}, responses));
    return element("details", { class: "border rounded p-2 mb-2", id: id }, [summary].concat(body));
  }

  fetch(root.dataset.spec, { headers: { Accept: "application/json" } })
    .then((response) => response.json())
    .then((spec) => {
      root.replaceChildren();
      const byTag = {};
      Object.entries(spec.paths || {}).forEach(([path, methods]) => {
        Object.entries(methods).forEach(([method, op]) => {
          const tag = (op.tags && op.tags[0]) || "Other";
          (byTag[tag] = byTag[tag] || []).push(operation(path, method, op));
        });
      });
      Object.keys(byTag).sort().forEach((tag) => {
        root.append(element("h2", { class: "h4 mt-4" }, [tag]));
        byTag[tag].forEach((node) => root.append(node));
      });
    })
    .catch(() => {
      root.replaceChildren(element("p", { class: "text-danger" },
        ["The OpenAPI document could not be loaded."]));
    });
}());
