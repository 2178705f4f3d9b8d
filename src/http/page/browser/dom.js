// @ts-check
/*
 * Small DOM and API helpers shared by the dashboard's modules. Data from the API is only ever written with
 * textContent / setAttribute; the two exceptions (highlight.js and diff2html output, which escape what they are given)
 * live in code-view.js.
 */

export const SVG_NS = 'http://www.w3.org/2000/svg';

/**
 * The page's element with this id; the page is built with every id the script uses, so a missing one is a bug.
 * @param {string} id
 * @returns {HTMLElement}
 */
export const $ = (id) => {
  const node = document.getElementById(id);
  if (!node) throw new Error('the page has no element #' + id);
  return node;
};
/** @param {string} id @returns {HTMLInputElement} */
export const $input = (id) => /** @type {HTMLInputElement} */ ($(id));
/** @param {string} id @returns {HTMLSelectElement} */
export const $select = (id) => /** @type {HTMLSelectElement} */ ($(id));

/**
 * An element with attributes (text: its textContent, onclick: a listener) and children.
 * @param {string} tag
 * @param {Record<string, any>} [attrs]
 * @param {Array<Node | string | null | undefined>} [children]
 * @returns {HTMLElement}
 */
export function el(tag, attrs, children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'text') node.textContent = String(v);
    else if (k === 'onclick') node.addEventListener('click', v);
    else if (k === 'onchange') node.addEventListener('change', v);
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const child of children || []) if (child !== null && child !== undefined) node.append(child);
  return node;
}

/**
 * @param {string} tag
 * @param {Record<string, any>} [attrs]
 * @param {string} [text]
 * @returns {SVGElement}
 */
export function sv(tag, attrs, text) {
  const node = /** @type {SVGElement} */ (document.createElementNS(SVG_NS, tag));
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

export const enc = encodeURIComponent;
/** @param {number | null | undefined} v */
export const pct = (v) => (v === null || v === undefined ? '–' : (100 * v).toFixed(1) + '%');
/** @param {number} d @returns {(v: number | null | undefined) => string} */
export const fix = (d) => (v) => (v === null || v === undefined ? '–' : Number(v).toFixed(d));
/** @param {number | null | undefined} v */
export const int = (v) => (v === null || v === undefined ? '–' : String(Math.round(v)));
/** @param {[number, number] | null | undefined} c @param {(v: number) => string} f */
export const ciText = (c, f) => (c ? ' (95% CI ' + f(c[0]) + ' – ' + f(c[1]) + ')' : '');
/** @param {string | null | undefined} h */
export const short = (h) => (h ? String(h).slice(0, 12) : '–');

/**
 * GET a JSON route of this server; a non-2xx answer throws an Error carrying the {code, message, hint} body.
 * @param {string} path
 * @returns {Promise<any>}
 */
export async function api(path) {
  const res = await fetch(path, { headers: { accept: 'application/json' } });
  let body = null;
  try { body = await res.json(); } catch (e) { body = null; }
  if (!res.ok) {
    throw Object.assign(new Error((body && body.message) || ('HTTP ' + res.status)), { body, status: res.status });
  }
  return body;
}

/** @param {any} error shown in the page's alert box; null hides it */
export function showError(error) {
  const box = $('error');
  if (!error) { box.hidden = true; box.textContent = ''; return; }
  box.textContent = (error.body && error.body.code ? error.body.code + ': ' : '') + error.message +
    (error.body && error.body.hint ? ' — ' + error.body.hint : '');
  box.hidden = false;
}
