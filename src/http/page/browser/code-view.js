// @ts-check
/*
 * Program text with syntax highlighting (highlight.js, Python only: that is what the ledger stores) and a unified
 * diff between two programs (jsdiff makes the patch, diff2html draws it). Both libraries return HTML built from
 * escaped text; it is the only HTML this page inserts, and it never carries markup from the ledger.
 */
import hljs from 'highlight.js/lib/core';
import python from 'highlight.js/lib/languages/python';
import { createTwoFilesPatch } from 'diff';
import { html as diffHtml } from 'diff2html';
import { el } from './dom.js';

hljs.registerLanguage('python', python);

/**
 * A highlighted, line-numbered view of one program.
 * @param {string} code
 * @param {string} label what the code is, for assistive technology
 * @returns {HTMLElement}
 */
export function codeBlock(code, label) {
  const block = el('code', { class: 'hljs language-python' });
  block.innerHTML = hljs.highlight(code, { language: 'python', ignoreIllegals: true }).value;
  return el('pre', { class: 'code', 'data-testid': 'code-view', 'aria-label': label, tabindex: '0' }, [block]);
}

/**
 * The diff from `before` to `after` as diff2html's line-by-line table; "no differences" when they are equal.
 * @param {{name: string, code: string}} before
 * @param {{name: string, code: string}} after
 * @returns {HTMLElement}
 */
export function diffBlock(before, after) {
  const patch = createTwoFilesPatch(before.name, after.name, before.code, after.code, '', '', { context: 3 });
  const box = el('div', { class: 'diff', 'data-testid': 'diff-view', 'data-from': before.name, 'data-to': after.name });
  if (before.code === after.code) {
    box.append(el('p', { class: 'muted', text: 'No differences: the two programs are the same text.' }));
    return box;
  }
  box.innerHTML = diffHtml(patch, { outputFormat: 'line-by-line', drawFileList: false, matching: 'lines', diffStyle: 'word' });
  return box;
}

/**
 * How many lines a patch adds and removes, for the summary above the diff.
 * @param {string} before
 * @param {string} after
 */
export function changedLines(before, after) {
  const patch = createTwoFilesPatch('a', 'b', before, after, '', '', { context: 0 });
  let added = 0, removed = 0;
  for (const line of patch.split('\n').slice(4)) {
    if (line.startsWith('+')) added++;
    else if (line.startsWith('-')) removed++;
  }
  return { added, removed };
}
