"use strict";
// Everything typed or read from a report is put on the page as text (textContent); the one
// piece of markup inserted is the tree's SVG, drawn by the server with every text escaped.

const $ = (id) => document.getElementById(id);
const SHOWN_CHARACTERS = 2000;

function element(tag, text, className) {
  const made = document.createElement(tag);
  if (text !== undefined) made.textContent = text;
  if (className) made.className = className;
  return made;
}

function shortened(text) {
  return text.length > SHOWN_CHARACTERS
    ? `${text.slice(0, SHOWN_CHARACTERS)} … (${text.length.toLocaleString()} characters)` : text;
}

let models = {};  // the served models by name (GET /api/models)

function chosenModel() {
  return models[$("model").value];
}

function labelChip(label, model = chosenModel()) {
  const chip = element("span", label, "label");
  chip.dataset.label = label;
  // a style property, not a style attribute: the page's policy allows the one, not the other
  if (model) chip.style.backgroundColor = model.colours[label];
  return chip;
}

function showKey() {
  const model = chosenModel();
  const key = model.labels.flatMap((label, i) => [i ? " " : "", labelChip(label, model)]);
  $("key").replaceChildren(...key);
  $("key-note").textContent = model.trees
    ? "every node coloured by its own prediction, fainter where it is less sure"
    : "this model answers without a tree";
}

async function trees(texts) {
  const model = chosenModel();
  const response = await fetch("/predict", {
    method: "POST", headers: {"Content-Type": "application/json"},
    body: JSON.stringify({texts, model: model.name, tree: model.trees, svg: model.trees}),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw new Error(typeof body.detail === "string" ? body.detail : `the server answered ${response.status}`);
  }
  return body.answers;
}

function treeBox(answer) {
  const box = element("div", undefined, "tree-box");
  box.innerHTML = answer.svg || "";
  return box;
}

function answerView(answer) {
  const view = element("article", undefined, "answer");
  const line = element("p");
  line.append(labelChip(answer.label), " ", element("span", answer.prob.toFixed(2), "prob"), " ",
              element("q", shortened(answer.text), "text"));
  view.append(line, treeBox(answer));
  return view;
}

function markDone(node, start) {
  if (start !== undefined) node.dataset.ms = (performance.now() - start).toFixed(1);
  node.dataset.done = String(Number(node.dataset.done || 0) + 1);
}

$("ask").addEventListener("submit", async (event) => {
  event.preventDefault();
  const start = performance.now();
  const out = $("answers");
  const texts = $("sentences").value.split("\n").filter((line) => line.trim() !== "");
  if (texts.length === 0) {
    out.replaceChildren(element("p", "Type a sentence first.", "note"));
  } else {
    try {
      out.replaceChildren(...(await trees(texts)).map(answerView));
    } catch (err) {
      out.replaceChildren(element("p", `Error: ${err.message}`, "error"));
    }
  }
  markDone(out, start);
});

function percent(value) {
  return value === null || value === undefined ? "-" : (100 * value).toFixed(1);
}

function table(caption, rows, columns) {
  const made = element("table");
  made.append(element("caption", caption));
  const head = element("tr");
  columns.forEach(([title]) => head.append(element("th", title)));
  made.append(head);
  for (const row of rows) {
    const line = element("tr");
    columns.forEach(([, cell, number]) => line.append(element("td", cell(row), number ? "number" : "")));
    made.append(line);
  }
  return made;
}

function reportView(report) {
  const view = element("article", undefined, "report");
  view.dataset.task = report.task;
  view.append(element("h3", `${report.task} · ${report.run}`));
  view.append(table(`Measured: ${report.protocol}, seed ${report.seed}`, report.rows, [
    ["model", (r) => r.model], ["accuracy %", (r) => percent(r.accuracy), true],
    ["± std", (r) => percent(r.std), true]]));
  if (report.reported.length > 0) {
    view.append(table("Reported in the literature, not measured here", report.reported, [
      ["model", (r) => r.model], ["accuracy %", (r) => percent(r.accuracy), true],
      ["source", (r) => r.source || ""]]));
  }
  const figures = element("div", undefined, "figures");
  for (const path of report.figures) {
    const image = element("img");
    image.src = `/reports/${path.split("/").map(encodeURIComponent).join("/")}`;
    image.alt = path;
    image.loading = "lazy";
    figures.append(image);
  }
  view.append(figures);
  return view;
}

function fill(select, values, chosen, any) {
  const options = any ? [element("option", "any")] : [];
  if (any) options[0].value = "";
  for (const value of values) {
    const option = element("option", value);
    option.value = value;
    options.push(option);
  }
  select.replaceChildren(...options);
  select.value = values.includes(chosen) ? chosen : (any ? "" : values[values.length - 1] || "");
}

async function loadErrors() {
  const list = $("error-list");
  const chosen = $("error-report").selectedOptions[0];
  if (!chosen) {
    $("error-count").textContent = "No report holds predictions yet: run make eval.";
    markDone(list);
    return;
  }
  const query = new URLSearchParams({task: chosen.dataset.task, run: chosen.dataset.run,
                                     model: $("error-model").value, label: $("error-label").value});
  const response = await fetch(`/api/errors?${query}`);
  if (!response.ok) {
    $("error-count").textContent = `Error: the server answered ${response.status}`;
    markDone(list);
    return;
  }
  const found = await response.json();
  fill($("error-model"), found.models, found.model, false);
  fill($("error-label"), found.labels, $("error-label").value, true);
  $("error-count").textContent =
    `${found.model} got ${found.total.toLocaleString()} wrong; the first ${found.errors.length} follow.`;
  list.replaceChildren(...found.errors.map(errorView));
  markDone(list);
}

function errorView(wrong) {
  const item = element("li");
  item.dataset.label = wrong.label;
  const show = element("button", "tree");
  show.type = "button";
  show.addEventListener("click", async () => {
    try {
      const [answer] = await trees([wrong.text]);
      show.replaceWith(treeBox(answer));
    } catch (err) {
      show.replaceWith(element("span", `Error: ${err.message}`, "error"));
    }
  });
  item.append(element("q", shortened(wrong.text), "text"),
              element("span", `true ${wrong.label}, predicted ${wrong.predicted}`, "verdict"), " ", show);
  return item;
}

async function loadModels() {
  const served = await (await fetch("/api/models")).json();
  models = Object.fromEntries(served.models.map((model) => [model.name, model]));
  const options = served.models.map((model) => {
    const option = element("option", `${model.name} (${model.labels.length} classes)`);
    option.value = model.name;
    return option;
  });
  $("model").replaceChildren(...options);
  $("model").value = served.default;
  $("model").addEventListener("change", showKey);
  showKey();
}

async function start() {
  await loadModels();
  const reports = await (await fetch("/api/reports")).json();
  const list = $("report-list");
  list.replaceChildren(...(reports.length ? reports.map(reportView)
                                          : [element("p", "No reports yet: run make eval.", "note")]));
  const select = $("error-report");
  for (const report of reports.filter((r) => r.errors)) {
    const option = element("option", `${report.task} · ${report.run}`);
    option.dataset.task = report.task;
    option.dataset.run = report.run;
    select.append(option);
  }
  for (const id of ["error-report", "error-model", "error-label"]) {
    $(id).addEventListener("change", loadErrors);
  }
  markDone(list);
  await loadErrors();
}

start();
